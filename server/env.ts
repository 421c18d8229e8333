/**
 * Environment, validated once at boot. A bad value stops the process with the field and the reason.
 *
 * Three ways to run (ADR 0011):
 * - production (`NODE_ENV=production`, `npm run serve`, a container): DATABASE_URL, AUTH_SECRET and PUBLIC_URL are
 *   required; nothing is seeded and no secret is generated, so several instances behave as one;
 * - demo (`npm start`): the built app on the embedded database, seeded with the demo customer and its logins;
 * - development (`npm run dev`): the same with Vite's hot reload.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { DB_TIMEOUTS } from './db/client.ts';

const httpUrl = z.url({ protocol: /^https?$/ });

/** An IPv4/IPv6 address, optionally with a /prefix. */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits >= 0 && bits <= (version === 4 ? 32 : 128);
}

/**
 * Which proxies' X-Forwarded-For entries to believe: none (`false`, the default), the nearest N hops (`1`), or
 * the listed addresses and ranges (`10.0.0.0/8,127.0.0.1`). The client address is then the right-most entry not
 * added by a trusted proxy. `true` (trust every hop) is refused: the left-most entry is whatever the client wrote.
 */
export type TrustProxy = false | number | string[];
const ZTrustProxy = z
  .string()
  .trim()
  .transform((value, ctx): TrustProxy => {
    if (value === '' || value === 'false' || value === '0') return false;
    if (/^\d+$/.test(value)) return Number(value);
    if (value === 'true') {
      ctx.addIssue({
        code: 'custom',
        message: 'true would believe any address a client writes; give the number of proxies in front (e.g. 1) or their addresses/CIDRs',
      });
      return z.NEVER;
    }
    const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
    const bad = entries.filter((e) => !isAddressOrCidr(e));
    if (bad.length) {
      ctx.addIssue({ code: 'custom', message: `not a hop count or IP address/CIDR: ${bad.join(', ')}` });
      return z.NEVER;
    }
    return entries;
  });

const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Public origin used in printed and emailed links. */
  PUBLIC_URL: z.url().optional(),
  /** Runtime role: must not own the tables, be superuser or BYPASSRLS. Absent => embedded PGlite. */
  DATABASE_URL: z.url().optional(),
  /** Owner role that applies migrations; defaults to DATABASE_URL. */
  MIGRATE_DATABASE_URL: z.url().optional(),
  PGLITE_DIR: z.string().min(1).default('./data/pglite'),
  /** Demo and development only: seed the demo customer on first start (`never` to skip). Production never seeds. */
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  TRUST_PROXY: ZTrustProxy.default(false),
  /**
   * Signs session cookies; every instance must share it. Required in production; in the demo and development a
   * random secret is generated once and kept in DATA_DIR/auth-secret.
   */
  AUTH_SECRET: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `GET /metrics` on the main port with `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** A second listener for `GET /metrics` without a token, on METRICS_HOST (loopback by default). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Longest time one SQL statement may run (PostgreSQL statement_timeout). */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(DB_TIMEOUTS.statementTimeoutMs),
  /** Longest time a request waits for a database connection before it is answered 503. */
  DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).default(DB_TIMEOUTS.acquireTimeoutMs),
  /** On SIGTERM: how long in-flight requests and Signal streams may take to finish before the process exits. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Local state that is not in the database (generated secret, outbox copies). */
  DATA_DIR: z.string().min(1).default('./data'),
  /** e.g. smtp://user:pass@mail.example.com:587. Absent => emails go to the local outbox the portal shows. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('PanOps <no-reply@panops.local>'),
  /** Create the demo logins with these passwords (printed at first start). */
  DEMO_PASSWORD: z.string().min(12).default('panops-demo-2026'),
  /** OpenAI-compatible base URL of the Signal model, e.g. http://127.0.0.1:8000/v1 (vLLM). Absent => extractive mode. */
  SIGNAL_LLM_URL: httpUrl.optional(),
  SIGNAL_LLM_MODEL: z.string().trim().min(1).max(200).optional(),
  SIGNAL_LLM_API_KEY: z.string().min(1).optional(),
  /** OpenAI-compatible embeddings base URL; used only where pgvector gives communications an `embedding` column. */
  EMBEDDINGS_URL: httpUrl.optional(),
  EMBEDDINGS_MODEL: z.string().trim().min(1).max(200).optional(),
}).superRefine((env, ctx) => {
  // Production fails fast rather than falling back to what suits a laptop: an embedded database, a secret of its
  // own per instance, links pointing at localhost.
  if (env.NODE_ENV === 'production') {
    const required = { DATABASE_URL: env.DATABASE_URL, AUTH_SECRET: env.AUTH_SECRET, PUBLIC_URL: env.PUBLIC_URL };
    for (const [field, value] of Object.entries(required)) {
      if (!value) ctx.addIssue({ code: 'custom', path: [field], message: 'required in production (NODE_ENV=production)' });
    }
  }
  // A model endpoint without a model name would only fail at the first question.
  if (env.SIGNAL_LLM_URL && !env.SIGNAL_LLM_MODEL) {
    ctx.addIssue({ code: 'custom', path: ['SIGNAL_LLM_MODEL'], message: 'required when SIGNAL_LLM_URL is set' });
  }
  if (env.EMBEDDINGS_URL && !env.EMBEDDINGS_MODEL) {
    ctx.addIssue({ code: 'custom', path: ['EMBEDDINGS_MODEL'], message: 'required when EMBEDDINGS_URL is set' });
  }
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    const fields = z.flattenError(parsed.error).fieldErrors;
    throw new Error(`Invalid environment: ${JSON.stringify(fields)}`);
  }
  return parsed.data;
}
