import { randomUUID } from 'node:crypto';
import type { Channel } from '../../shared/channels.ts';
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

type EnrollmentView = Awaited<ReturnType<ReturnType<typeof callerFor>['enrollment']['get']>>;

/** A complete, valid submission for what the employee was shown; choices default to denying every channel. */
export function submission(
  token: string,
  view: EnrollmentView,
  decisions: Partial<Record<Channel, 'grant' | 'deny'>> = {},
) {
  return {
    token,
    idempotencyKey: randomUUID(),
    noticeVersionId: view.notice.versionId,
    language: view.notice.language,
    identity: view.identity,
    choices: view.channels.map((channel) => ({ channel, decision: decisions[channel] ?? ('deny' as const) })),
    acknowledged: true as const,
  };
}

/** Opens the link and submits, as an employee would. */
export async function enroll(
  db: DbHandle,
  token: string,
  decisions: Partial<Record<Channel, 'grant' | 'deny'>> = {},
  opts: { now?: Date } = {},
) {
  const api = callerFor(db, opts);
  return api.enrollment.submit(submission(token, await api.enrollment.get({ token, language: 'en' }), decisions));
}

export const grantAll = (channels: readonly Channel[]) =>
  Object.fromEntries(channels.map((c) => [c, 'grant' as const])) as Record<Channel, 'grant'>;
