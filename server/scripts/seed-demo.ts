/**
 * `npm run seed:demo` — puts the demo customer "Acme" and its three logins (password DEMO_PASSWORD) into the database
 * of DATABASE_URL, or the embedded one. The only way demo data and a login with a known password reach a production
 * database: on purpose, by this command. `npm start` (the demo) does the same on its first start.
 */
import { authSecret, createServices } from '../app-services.ts';
import { openDb } from '../db/client.ts';
import { loadEnv } from '../env.ts';
import { ensureDemo } from '../seed/demo.ts';

const env = loadEnv({ ...process.env, NODE_ENV: 'development' });
const db = await openDb({ databaseUrl: env.DATABASE_URL, migrateDatabaseUrl: env.MIGRATE_DATABASE_URL, pgliteDir: env.PGLITE_DIR });
const origin = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
const services = createServices({
  db,
  // Creating logins needs better-auth's password hashing only; nothing is signed here.
  secret: env.AUTH_SECRET ?? authSecret(undefined, `${env.DATA_DIR}/auth-secret`),
  publicUrl: origin,
  smtpUrl: env.SMTP_URL,
  mailFrom: env.MAIL_FROM,
});
try {
  const demo = await ensureDemo(services, { now: new Date(), password: env.DEMO_PASSWORD });
  console.log(demo.created ? 'Seeded the demo customer "Acme".' : 'Demo customer "Acme" is present.');
  console.log('Enrollment links for three demo employees (valid 7 days):');
  for (const link of demo.links) console.log(`  ${link.displayName.padEnd(22)} ${origin}${link.path}`);
  console.log(`Logins (password: ${env.DEMO_PASSWORD}):`);
  for (const login of demo.logins) console.log(`  ${login.role.padEnd(9)} ${login.email}`);
} finally {
  services.mailer.close();
  await db.close();
}
