/**
 * Evaluating the post-onboarding checks when they fall due: on read, and by a periodic sweep over every tenant.
 * Connector checks wait for connectors (none exist yet); the 24 h check-in is recorded by a person; the 48 h check
 * compares the enrollment rate *as of its due time* with the runbook's target, however late it is evaluated.
 */
import { log } from '../app/logger.ts';
import { and, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { ENROLLMENT_TARGET, POST_CHECKS } from '../../shared/onboarding.ts';
import type { TChecksList, TCheckResult, ZCheckInInput } from '../../shared/schemas/checks.ts';
import type { AppServices } from '../context.ts';
import type { DbHandle, Tx } from '../db/client.ts';
import { onboardingSessions, postOnboardingChecks, type PostCheckKey } from '../db/schema.ts';
import { listTenantIds, withTenant } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { enrollmentAt } from './admin.ts';
import { recordAudit, type Actor } from './audit.ts';
import { resendToPending } from './links.ts';

const DEFINITION = new Map(POST_CHECKS.map((c) => [c.key as PostCheckKey, c]));
const CONNECTOR_CHECKS = POST_CHECKS.filter((c) => c.needsConnectors).map((c) => c.key as PostCheckKey);

/** Connectors arrive with a later issue; until then every connector check waits for them. */
async function connectorCount(_tx: Tx): Promise<number> {
  return 0;
}

/**
 * Evaluates the tenant's checks that are due and not yet settled. Guarded on the status it read, so the sweep and a
 * page load evaluating at the same moment write one result. A 48 h result recorded before results carried their
 * `asOf` was counted when it was read, not when it was due: it is judged again, as of its due time.
 */
export async function evaluateDueChecks(tx: Tx, now: Date) {
  const due = await tx
    .select()
    .from(postOnboardingChecks)
    .where(
      and(
        lte(postOnboardingChecks.dueAt, now),
        sql`${postOnboardingChecks.check} <> 'admin_check_in'`,
        or(
          inArray(postOnboardingChecks.status, ['scheduled', 'waiting_connectors']),
          and(
            eq(postOnboardingChecks.check, 'enrollment_48h'),
            inArray(postOnboardingChecks.status, ['passed', 'failed']),
            sql`not coalesce(${postOnboardingChecks.result} ? 'asOf', false)`,
          ),
        ),
      ),
    );
  for (const check of due) {
    let status: 'passed' | 'failed' | 'waiting_connectors';
    let result: TCheckResult;
    if (CONNECTOR_CHECKS.includes(check.check)) {
      const connectors = await connectorCount(tx);
      if (connectors > 0 || check.status === 'waiting_connectors') continue;
      status = 'waiting_connectors';
      result = { connectors };
    } else {
      const figure = await enrollmentAt(tx, check.customerId, check.dueAt);
      status = figure.met ? 'passed' : 'failed';
      result = {
        // A resend already noted on the check stays on it.
        ...((check.result as TCheckResult | null)?.resend ? { resend: (check.result as TCheckResult).resend } : {}),
        responded: figure.responded,
        total: figure.total,
        rate: figure.share,
        target: ENROLLMENT_TARGET.share,
        asOf: check.dueAt.toISOString(),
      };
    }
    await tx
      .update(postOnboardingChecks)
      .set({ status, result, evaluatedAt: now })
      .where(
        and(
          eq(postOnboardingChecks.customerId, check.customerId),
          eq(postOnboardingChecks.check, check.check),
          eq(postOnboardingChecks.status, check.status),
        ),
      );
  }
}

export async function listChecks(tx: Tx, now: Date): Promise<TChecksList> {
  await evaluateDueChecks(tx, now);
  const [session] = await tx.select({ closedAt: onboardingSessions.closedAt }).from(onboardingSessions);
  const rows = await tx.select().from(postOnboardingChecks).orderBy(postOnboardingChecks.dueAt);
  return {
    closedAt: session?.closedAt?.toISOString() ?? null,
    checks: rows.map((r) => ({
      key: r.check,
      dueAt: r.dueAt.toISOString(),
      due: r.dueAt.getTime() <= now.getTime(),
      needsConnectors: DEFINITION.get(r.check)?.needsConnectors ?? false,
      status: r.status,
      result: (r.result as TCheckResult | null) ?? null,
      evaluatedAt: r.evaluatedAt?.toISOString() ?? null,
    })),
  };
}

/** The 24 h check-in is a conversation with the administrator: a person records how it went. */
export async function recordCheckIn(
  tx: Tx,
  customerId: string,
  actor: Actor,
  input: z.output<typeof ZCheckInInput>,
  now: Date,
) {
  const result: TCheckResult = {
    outcome: input.outcome,
    note: input.note,
    recordedBy: actor.user.email,
    recordedAt: now.toISOString(),
  };
  const [row] = await tx
    .update(postOnboardingChecks)
    .set({ status: input.outcome === 'ok' ? 'passed' : 'failed', result, evaluatedAt: now })
    .where(eq(postOnboardingChecks.check, 'admin_check_in'))
    .returning();
  if (!row) throw new AppError('NOT_FOUND');
  await recordAudit(tx, customerId, actor, 'checks.check_in_recorded', 'admin_check_in', { outcome: input.outcome });
  return listChecks(tx, now);
}

/** The 48 h check's one-click remedy: resend links to pending employees, noted on the check's result. */
export async function resendFromCheck(
  services: Pick<AppServices, 'mailer' | 'publicUrl'>,
  inTenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
  customerId: string,
  actor: Actor,
  requestId: string,
  now: Date,
) {
  const [check] = await inTenant((tx) =>
    tx.select().from(postOnboardingChecks).where(eq(postOnboardingChecks.check, 'enrollment_48h')),
  );
  if (!check) throw new AppError('NOT_FOUND');
  const outcome = await resendToPending(services, inTenant, customerId, actor, requestId, now);
  const resend = { at: now.toISOString(), reissued: outcome.reissued, delivered: outcome.delivered, failed: outcome.failed.length };
  await inTenant((tx) =>
    tx
      .update(postOnboardingChecks)
      .set({ result: sql`coalesce(${postOnboardingChecks.result}, '{}'::jsonb) || ${JSON.stringify({ resend })}::jsonb` })
      .where(eq(postOnboardingChecks.check, 'enrollment_48h')),
  );
  return outcome;
}

export type CheckSweep = { runOnce(): Promise<void>; stop(): Promise<void> };

/**
 * Visits every tenant every `intervalMs` and evaluates its due checks, so a check settles on time even when nobody
 * opens the page. A failing tenant is reported and skipped; the sweep goes on.
 */
export function startCheckSweep(
  db: DbHandle,
  opts: { intervalMs?: number; now?: () => Date; onError?: (error: unknown) => void } = {},
): CheckSweep {
  const now = opts.now ?? (() => new Date());
  const onError = opts.onError ?? ((e: unknown) => log.warn({ err: e }, 'post-onboarding check sweep failed'));
  let running: Promise<void> | null = null;
  let stopped = false;
  const runOnce = () => {
    running ??= (async () => {
      try {
        for (const customerId of await listTenantIds(db)) {
          if (stopped) return;
          await withTenant(db, customerId, (tx) => evaluateDueChecks(tx, now())).catch(onError);
        }
      } catch (e) {
        onError(e);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void runOnce(), opts.intervalMs ?? 60_000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
