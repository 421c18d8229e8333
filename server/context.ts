import type { IncomingMessage } from 'node:http';
import type { DbHandle } from './db/client.ts';

export type RequestMeta = { ipAddress: string | null; userAgent: string | null };

/** Testable core: integration tests build this directly and call routers through createCaller. */
export function createContextInner(opts: { db: DbHandle; meta?: Partial<RequestMeta>; now?: () => Date }) {
  return {
    db: opts.db,
    meta: { ipAddress: opts.meta?.ipAddress ?? null, userAgent: opts.meta?.userAgent ?? null },
    now: opts.now ?? (() => new Date()),
  };
}
export type Context = ReturnType<typeof createContextInner>;

export function requestMeta(req: IncomingMessage, trustProxy: boolean): RequestMeta {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  const userAgent = req.headers['user-agent'];
  return {
    ipAddress: (first || req.socket.remoteAddress) ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
  };
}
