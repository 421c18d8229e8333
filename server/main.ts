/**
 * Boot: validate the environment, open the database (migrating it), serve; on SIGTERM/SIGINT drain and exit.
 *
 *   npm run serve   NODE_ENV=production: needs DATABASE_URL, AUTH_SECRET, PUBLIC_URL; seeds nothing.
 *   npm start       the demo: built app, embedded database, demo customer and logins on first start (`--demo`).
 *   npm run dev     development: Vite's hot reload, embedded database, demo data.
 */
import closeWithGrace from 'close-with-grace';
import { authSecret, createServices, signalConfigFrom } from './app-services.ts';
import { createApp } from './app/http.ts';
import { startMetricsServer } from './app/health.ts';
import { flushLog, log } from './app/logger.ts';
import { StreamRegistry } from './app/streams.ts';
import { loadEnv, type Env } from './env.ts';
import { openDb } from './db/client.ts';
import { withTenant } from './db/tenant.ts';
import { ensureDemo } from './seed/demo.ts';
import { startCheckSweep } from './services/checks.ts';
import { publishMissingDefaultNotices } from './services/notices.ts';
import { listCustomers } from './services/portal.ts';

type Profile = 'production' | 'demo' | 'development';

function bootEnv(): { env: Env; profile: Profile } {
  const demo = process.argv.includes('--demo');
  try {
    const env = loadEnv();
    if (demo && env.NODE_ENV === 'production') {
      throw new Error('`npm start` runs the demo and cannot run with NODE_ENV=production; use `npm run serve`.');
    }
    return { env, profile: env.NODE_ENV === 'production' ? 'production' : demo ? 'demo' : 'development' };
  } catch (error) {
    log.fatal({ err: error }, 'refusing to start');
    flushLog();
    process.exit(1);
  }
}

const { env, profile } = bootEnv();
const db = await openDb({
  databaseUrl: env.DATABASE_URL,
  migrateDatabaseUrl: env.MIGRATE_DATABASE_URL,
  pgliteDir: env.PGLITE_DIR,
  statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
  acquireTimeoutMs: env.DB_ACQUIRE_TIMEOUT_MS,
});
const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
const services = createServices({
  db,
  // Production requires AUTH_SECRET (env.ts): every instance must sign with the same one, so none makes its own.
  secret: profile === 'production' ? env.AUTH_SECRET! : authSecret(env.AUTH_SECRET, `${env.DATA_DIR}/auth-secret`),
  publicUrl,
  smtpUrl: env.SMTP_URL,
  mailFrom: env.MAIL_FROM,
  signal: signalConfigFrom(env),
});
// The demo's customer and its logins (with a known password) exist only where someone asked for the demo;
// production seeds nothing (`npm run seed:demo` does it on purpose).
const demo =
  profile !== 'production' && env.SEED_DEMO === 'auto'
    ? await ensureDemo(services, { now: new Date(), password: env.DEMO_PASSWORD })
    : null;
// Customers created before a UI language was added get its default notice, once.
for (const { id } of await listCustomers(services)) {
  await withTenant(db, id, (tx) => publishMissingDefaultNotices(tx, id));
}
const streams = new StreamRegistry();
const app = await createApp({
  services,
  mode: profile === 'development' ? 'development' : 'production',
  trustProxy: env.TRUST_PROXY,
  metricsToken: env.METRICS_TOKEN,
  streams,
});
// Post-onboarding checks settle when due even if nobody opens the checks page.
const checkSweep = startCheckSweep(db);
const metricsServer = env.METRICS_PORT ? await startMetricsServer(env.METRICS_HOST, env.METRICS_PORT) : null;

await app.listen({ port: env.PORT, host: env.HOST });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : env.PORT;
const origin = env.PUBLIC_URL ?? `http://localhost:${port}`;
log.info(
  { origin, profile, database: db.kind, migration: db.migrationVersion, mail: services.mailer.mode, signal: services.signal.llm ? 'llm' : 'extractive' },
  `PanOps is running at ${origin}`,
);
if (profile !== 'production') printBanner();

/**
 * SIGTERM/SIGINT: stop accepting connections (new requests on open ones get 503), end the open Signal streams
 * (each saves its turn as incomplete), let in-flight requests finish, then stop the sweep and close the pool.
 * Bounded by SHUTDOWN_TIMEOUT_MS; exit 0 when everything drained. An uncaught error goes the same way with exit 1.
 */
closeWithGrace({ delay: env.SHUTDOWN_TIMEOUT_MS, logger: { error: (m: unknown) => log.error({ err: m }, 'shutdown') } }, async ({ signal, err }) => {
  if (err) log.fatal({ err }, 'uncaught error; shutting down');
  else log.info({ signal, openStreams: streams.size }, 'shutting down');
  const closing = app.close();
  await streams.endAll(new Error('server shutting down'));
  // A stream's connection becomes idle only once its response has ended, after close() closed the idle ones.
  const idle = setInterval(() => app.server.closeIdleConnections(), 50);
  await closing;
  clearInterval(idle);
  await checkSweep.stop();
  services.mailer.close();
  metricsServer?.close();
  await db.close();
  log.info('shut down');
  flushLog();
});

/** The demo's welcome: where to click. Printed for a person at a terminal, not logged. */
function printBanner() {
  console.log(`PanOps is running at ${origin}  (database: ${db.kind}; the log is JSON on standard output, level ${process.env.LOG_LEVEL ?? 'info'})`);
  if (services.mailer.mode === 'outbox') console.log("No SMTP_URL: emails are kept in each customer's outbox in the portal.");
  console.log(
    services.signal.llm
      ? `Signal answers with ${services.signal.llm.model} at ${services.signal.llm.url}.`
      : 'No SIGNAL_LLM_URL: Signal runs in extractive mode (relevant passages and counts, no generated prose).',
  );
  if (!demo) return;
  console.log(demo.created ? 'Seeded the demo customer "Acme".' : 'Demo customer "Acme" is present.');
  console.log('Enrollment links for three demo employees (valid 7 days):');
  for (const link of demo.links) console.log(`  ${link.displayName.padEnd(22)} ${origin}${link.path}`);
  console.log(`Sign in at ${origin}/login (password for all three: ${env.DEMO_PASSWORD}):`);
  for (const login of demo.logins) console.log(`  ${login.role.padEnd(9)} ${login.email}`);
}
