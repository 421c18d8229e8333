/** Environment, validated once at boot. A bad value stops the process with the field and the reason. */
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/ });

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
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  /** Take the client address from X-Forwarded-For (only behind a trusted reverse proxy). */
  TRUST_PROXY: z.stringbool().default(false),
  /** Signs session cookies. Absent => a random secret is generated once and kept in DATA_DIR/auth-secret. */
  AUTH_SECRET: z.string().min(32).optional(),
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
