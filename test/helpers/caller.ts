import { createContextInner } from '../../server/context.ts';
import type { DbHandle } from '../../server/db/client.ts';
import { createCaller } from '../../server/routers/_app.ts';

export function callerFor(db: DbHandle, opts: { now?: Date; ip?: string; userAgent?: string } = {}) {
  return createCaller(
    createContextInner({
      db,
      meta: { ipAddress: opts.ip ?? '203.0.113.7', userAgent: opts.userAgent ?? 'vitest' },
      now: opts.now ? () => opts.now! : undefined,
    }),
  );
}
