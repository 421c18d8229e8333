/**
 * Recording decisions: the ledger event(s) and the employee_consent projection change together, in the caller's
 * transaction, or not at all. Also the employee's own view of their consent (manage page).
 */
import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Channel } from '../../shared/channels.ts';
import type { UiLanguage } from '../../shared/languages.ts';
import type { TConsentEventView } from '../../shared/schemas/common.ts';
import type { RequestMeta } from '../context.ts';
import type { Tx } from '../db/client.ts';
import {
  consentEvents,
  consentManageTokens,
  consentNoticeVersions,
  employeeConsent,
  employees,
} from '../db/schema.ts';
import { hashManageToken } from '../db/tenant.ts';
import { purgeCommunications } from './communication-purge.ts';
import { chainEvents, chainTip, type ChainTip, type NewDecision } from './consent-ledger.ts';
import { noticeLabel } from './notices.ts';

export type EmployeeRow = typeof employees.$inferSelect;
type NoticeVersionRow = typeof consentNoticeVersions.$inferSelect;

export type LedgerState = { tip: ChainTip; projection: typeof employeeConsent.$inferSelect | undefined };

/**
 * The employee's chain tip and consent projection. Read after lockEmployeeLedger in the same transaction; both
 * queries go out with whatever else the caller issues in the same tick, so they cost no extra round trip.
 */
export async function readLedgerState(tx: Tx, employeeId: string): Promise<LedgerState> {
  const [tip, [projection]] = await Promise.all([
    chainTip(tx, employeeId),
    tx.select().from(employeeConsent).where(eq(employeeConsent.employeeId, employeeId)),
  ]);
  return { tip, projection };
}

/**
 * Appends the decisions to the employee's chain after `state` (from readLedgerState, under the ledger lock) and
 * updates the projection; the two writes are pipelined.
 */
export async function recordDecisions(
  tx: Tx,
  state: LedgerState,
  args: {
    employee: EmployeeRow;
    decisions: readonly NewDecision[];
    notice: NoticeVersionRow;
    language: UiLanguage;
    meta: RequestMeta;
    idempotencyKey: string;
    now: Date;
  },
) {
  const { employee, notice, meta, now } = args;
  const current = state.projection;
  const events = chainEvents(
    state.tip,
    {
      customerId: employee.customerId,
      employeeId: employee.id,
      noticeVersionId: notice.id,
      language: args.language,
      occurredAt: now,
      ipAddress: meta.ipAddress,
      userAgent: meta.userAgent,
      idempotencyKey: args.idempotencyKey,
    },
    args.decisions,
  );

  const before = new Set<Channel>(current?.channelsConsented ?? []);
  const after = new Set(before);
  for (const d of args.decisions) {
    if (d.decision === 'grant') after.add(d.channel);
    else after.delete(d.channel);
  }
  const channelsConsented = [...after].sort();
  const granted = args.decisions.some((d) => d.decision === 'grant');
  const revokedAll = before.size > 0 && after.size === 0;

  const writeProjection = current
    ? tx
        .update(employeeConsent)
        .set({
          channelsConsented,
          ...(granted ? { consentVersion: noticeLabel(notice), revoked: false, revokedAt: null } : {}),
          ...(revokedAll ? { revoked: true, revokedAt: now } : {}),
        })
        .where(eq(employeeConsent.employeeId, employee.id))
    : tx.insert(employeeConsent).values({
        employeeId: employee.id,
        customerId: employee.customerId,
        email: employee.email,
        displayName: employee.displayName,
        enrollmentTimestamp: now,
        consentVersion: noticeLabel(notice),
        channelsConsented,
        ipAddress: meta.ipAddress,
        userAgent: meta.userAgent,
      });
  const [inserted] = await Promise.all([
    events.length > 0
      ? tx.insert(consentEvents).values(events).returning({ id: consentEvents.id, channel: consentEvents.channel })
      : [],
    writeProjection,
  ]);
  const eventIds = new Map(inserted.map((e) => [e.channel, e.id]));
  // A channel whose consent ends loses its stored communications now, in this transaction (ADR 0006). After the
  // projection update on purpose: that row lock is what a concurrent ingest holds FOR SHARE, so by here any such
  // ingest has committed and its rows are visible to the delete.
  const ending = events.filter((e) => e.decision !== 'grant' && before.has(e.channel));
  const purged = await purgeCommunications(tx, {
    customerId: employee.customerId,
    employeeId: employee.id,
    events: ending.map((e) => ({ id: eventIds.get(e.channel)!, channel: e.channel })),
    now,
  });
  return { events, channelsConsented, removed: purged.reduce((sum, p) => sum + p.removedCount, 0) };
}

export async function consentHistory(tx: Tx, employeeId: string): Promise<TConsentEventView[]> {
  const rows = await tx
    .select({ event: consentEvents, version: consentNoticeVersions.version })
    .from(consentEvents)
    .innerJoin(consentNoticeVersions, eq(consentNoticeVersions.id, consentEvents.noticeVersionId))
    .where(eq(consentEvents.employeeId, employeeId))
    .orderBy(asc(consentEvents.seq));
  return rows.map(({ event, version }) => ({
    channel: event.channel,
    decision: event.decision,
    occurredAt: event.occurredAt.toISOString(),
    noticeLabel: noticeLabel({ version, language: event.language }),
    language: event.language as UiLanguage,
  }));
}

/** A new durable manage secret; the caller gets it once, the database keeps its hash. */
export async function issueManageToken(tx: Tx, employee: EmployeeRow, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await tx.insert(consentManageTokens).values({
    tokenHash: hashManageToken(token),
    employeeId: employee.id,
    customerId: employee.customerId,
    createdAt: now,
  });
  return token;
}

export async function loadEmployee(tx: Tx, employeeId: string): Promise<EmployeeRow> {
  const [employee] = await tx.select().from(employees).where(eq(employees.id, employeeId));
  if (!employee) throw new Error(`employee ${employeeId} not visible in this tenant`);
  return employee;
}
