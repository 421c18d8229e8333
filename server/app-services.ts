/** Wires the long-lived services (auth, mail) around an open database. Used by the server and by tests. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { eq } from 'drizzle-orm';
import { createAuth } from './auth/auth.ts';
import type { AppServices } from './context.ts';
import type { DbHandle } from './db/client.ts';
import { customers } from './db/schema.ts';
import { withTenant } from './db/tenant.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { recordAudit } from './services/audit.ts';
import { recordEmail } from './services/email.ts';
import { NO_SIGNAL_MODELS, type SignalConfig } from './signal/llm.ts';
import type { Env } from './env.ts';

/** Signal's endpoints from the validated environment. */
export function signalConfigFrom(env: Env): SignalConfig {
  return {
    llm:
      env.SIGNAL_LLM_URL && env.SIGNAL_LLM_MODEL
        ? { url: env.SIGNAL_LLM_URL, model: env.SIGNAL_LLM_MODEL, apiKey: env.SIGNAL_LLM_API_KEY }
        : null,
    embeddings:
      env.EMBEDDINGS_URL && env.EMBEDDINGS_MODEL
        ? { url: env.EMBEDDINGS_URL, model: env.EMBEDDINGS_MODEL, apiKey: env.SIGNAL_LLM_API_KEY }
        : null,
  };
}

/** AUTH_SECRET, or one generated on first start and kept (mode 600) so sessions survive restarts. */
export function authSecret(configured: string | undefined, file: string): string {
  if (configured) return configured;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function createServices(opts: {
  db: DbHandle;
  secret: string;
  publicUrl: string;
  mailer?: Mailer;
  smtpUrl?: string | undefined;
  mailFrom?: string;
  now?: () => Date;
  signInPerMinute?: number;
  unlockRequestsPerClient?: number;
  signal?: SignalConfig;
}): AppServices {
  const mailer = opts.mailer ?? createMailer({ smtpUrl: opts.smtpUrl, from: opts.mailFrom ?? 'PanOps <no-reply@panops.local>' });
  const auth = createAuth({
    db: opts.db,
    secret: opts.secret,
    baseUrl: opts.publicUrl,
    mailer,
    now: opts.now,
    signInPerMinute: opts.signInPerMinute,
    unlockRequestsPerClient: opts.unlockRequestsPerClient,
    async onSignIn(user, meta) {
      const customerId = user.customerId;
      if (!customerId) return;
      await withTenant(opts.db, customerId, (tx) => recordAudit(tx, customerId, { user, meta }, 'user.signed_in'));
    },
    async onUnlock(user, event, meta) {
      const customerId = user.customerId;
      if (!customerId) return;
      await withTenant(opts.db, customerId, (tx) => recordAudit(tx, customerId, { user, meta }, event));
    },
    async customerLanguage(customerId) {
      const [row] = await withTenant(opts.db, customerId, (tx) =>
        tx.select({ outputLanguage: customers.outputLanguage }).from(customers).where(eq(customers.id, customerId)),
      );
      return row?.outputLanguage ?? null;
    },
    async onEmail(email) {
      const customerId = email.user.customerId;
      if (!customerId) return;
      await withTenant(opts.db, customerId, (tx) =>
        recordEmail(tx, customerId, {
          kind: email.kind,
          to: email.to,
          subject: email.subject,
          text: email.text,
          status: mailer.mode === 'smtp' ? 'sent' : 'outbox',
        }),
      );
    },
  });
  return { db: opts.db, auth, mailer, publicUrl: opts.publicUrl, signal: opts.signal ?? NO_SIGNAL_MODELS };
}
