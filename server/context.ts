import type { Auth, SessionUser } from './auth/auth.ts';
import type { DbHandle } from './db/client.ts';
import type { Mailer } from './mail/mailer.ts';
import type { SignalConfig } from './signal/llm.ts';

export type RequestMeta = { ipAddress: string | null; userAgent: string | null };

/** Built once at boot and shared by every request. */
export type AppServices = {
  db: DbHandle;
  auth: Auth;
  mailer: Mailer;
  /** Origin used in emailed and printed links. */
  publicUrl: string;
  /** Signal's model and embeddings endpoints (env SIGNAL_LLM_*, EMBEDDINGS_*). */
  signal: SignalConfig;
};

/** Testable core: integration tests build this directly and call routers through createCaller. */
export function createContextInner(opts: {
  db: DbHandle;
  services?: Omit<AppServices, 'db'>;
  user?: SessionUser | null;
  meta?: Partial<RequestMeta>;
  now?: (() => Date) | undefined;
}) {
  return {
    db: opts.db,
    services: opts.services ?? null,
    user: opts.user ?? null,
    meta: { ipAddress: opts.meta?.ipAddress ?? null, userAgent: opts.meta?.userAgent ?? null },
    now: opts.now ?? (() => new Date()),
  };
}
export type Context = ReturnType<typeof createContextInner>;
