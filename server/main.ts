/** Boot: validate env, open the database (migrating it), seed the demo on first start, serve. */
import { authSecret, createServices, signalConfigFrom } from './app-services.ts';
import { loadEnv } from './env.ts';
import { openDb } from './db/client.ts';
import { createAppServer } from './http.ts';
import { withTenant } from './db/tenant.ts';
import { ensureDemo } from './seed/demo.ts';
import { startCheckSweep } from './services/checks.ts';
import { publishMissingDefaultNotices } from './services/notices.ts';
import { listCustomers } from './services/portal.ts';

const env = loadEnv();
const db = await openDb({
  databaseUrl: env.DATABASE_URL,
  migrateDatabaseUrl: env.MIGRATE_DATABASE_URL,
  pgliteDir: env.PGLITE_DIR,
});
const mode = env.NODE_ENV === 'production' ? 'production' : 'development';
const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
const services = createServices({
  db,
  secret: authSecret(env.AUTH_SECRET, `${env.DATA_DIR}/auth-secret`),
  publicUrl,
  smtpUrl: env.SMTP_URL,
  mailFrom: env.MAIL_FROM,
  signal: signalConfigFrom(env),
});
const demo =
  env.SEED_DEMO === 'auto' ? await ensureDemo(services, { now: new Date(), password: env.DEMO_PASSWORD }) : null;
// Customers created before a UI language was added get its default notice, once.
for (const { id } of await listCustomers(services)) {
  await withTenant(db, id, (tx) => publishMissingDefaultNotices(tx, id));
}
const server = await createAppServer({ services, mode, trustProxy: env.TRUST_PROXY });
// Post-onboarding checks settle when due even if nobody opens the checks page.
const checkSweep = startCheckSweep(db);

server.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const origin = env.PUBLIC_URL ?? `http://localhost:${port}`;
  if (services.mailer.mode === 'outbox') console.log('No SMTP_URL: emails are kept in each customer\'s outbox in the portal.');
  console.log(`PanOps is running at ${origin}  (database: ${db.kind}, migration ${db.migrationVersion})`);
  console.log(
    services.signal.llm
      ? `Signal answers with ${services.signal.llm.model} at ${services.signal.llm.url}.`
      : 'No SIGNAL_LLM_URL: Signal runs in extractive mode (relevant passages and counts, no generated prose).',
  );
  if (demo) {
    console.log(demo.created ? 'Seeded the demo customer "Acme".' : 'Demo customer "Acme" is present.');
    console.log('Enrollment links for three demo employees (valid 7 days):');
    for (const link of demo.links) console.log(`  ${link.displayName.padEnd(22)} ${origin}${link.path}`);
    console.log(`Sign in at ${origin}/login (password for all three: ${env.DEMO_PASSWORD}):`);
    for (const login of demo.logins) console.log(`  ${login.role.padEnd(9)} ${login.email}`);
  }
});

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.close();
    server.closeAllConnections();
    services.mailer.close();
    void checkSweep
      .stop()
      .then(() => db.close())
      .finally(() => process.exit(0));
  });
}
