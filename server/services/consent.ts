/**
 * Recording decisions: the ledger event(s) and the employee_consent projection change together, in the caller's
 * transaction, or not at all. Also the employee's own view of their consent (manage page).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Channel, ConsentDecision } from '../../shared/channels.ts';
import type { UiLanguage } from '../../shared/languages.ts';
import type { TConsentEventView } from '../../shared/schemas/common.ts';
import type { RequestMeta } from '../context.ts';
import { rawQuery, type Tx } from '../db/client.ts';
import {
  consentEvents,
  consentNoticeVersions,
  employees,
  type EnrollmentLinkStatus,
  type IdentitySnapshot,
} from '../db/schema.ts';
import { hashManageToken } from '../db/tenant.ts';
import { AppError, sqlStateOf, violatedConstraint } from '../errors.ts';
import { chainEvents, eventKey, type NewDecision } from './consent-ledger.ts';
import { noticeLabel } from './notices.ts';

export type EmployeeRow = typeof employees.$inferSelect;
type NoticeVersionRef = Pick<typeof consentNoticeVersions.$inferSelect, 'id' | 'version' | 'language'>;

/** One link of an employee's chain as consent_ledger_state() returns it. */
export type LedgerEvent = {
  id: string;
  seq: number;
  hash: string;
  channel: Channel;
  decision: ConsentDecision;
  occurredAt: string;
  language: UiLanguage;
  noticeVersion: number;
  idempotencyKey: string;
};

/**
 * What a decision is checked against and chained onto, read under the employee's ledger lock by one statement
 * (consent_ledger_state, migration 0013): the employee and customer, the chain oldest first, the projection, and
 * for an enrollment the link and the notice version shown. The link and the projection are locked; their `ctid`s
 * address the rows record_consent() updates.
 */
export type LedgerState = {
  employee: Pick<EmployeeRow, 'id' | 'customerId' | 'email' | 'displayName' | 'platformIds'>;
  customer: { name: string; channels: Channel[] };
  link: { ctid: string; status: EnrollmentLinkStatus; expiresAt: string } | null;
  notice: NoticeVersionRef | null;
  projection: { ctid: string; channelsConsented: Channel[] } | null;
  history: LedgerEvent[];
  /** For a replayed submission: whether its identity confirmation was a correction. */
  replayCorrected: boolean | null;
};

/** The consent write path's two statements (bench/consent.ts runs the same text for its direct-SQL ceiling). */
export const LEDGER_STATE_SQL = 'select consent_ledger_state($1, $2, $3, $4) as state';
// The write travels as text (a jsonb-typed parameter would go through the driver's own JSON serializer).
export const RECORD_CONSENT_SQL = 'select record_consent($1::text::jsonb) as removed';

/**
 * Takes the employee's ledger lock (transaction-scoped, so a concurrent duplicate waits for the first attempt to
 * commit and then finds its events) and reads the ledger state, in the caller's tenant transaction.
 */
export async function readLedgerState(
  tx: Tx,
  employeeId: string,
  opts: { linkToken?: string; noticeVersionId?: string; submissionKey?: string } = {},
): Promise<LedgerState> {
  const [row] = await rawQuery<{ state: LedgerState | null }>(
    tx,
    LEDGER_STATE_SQL,
    [employeeId, opts.linkToken ?? null, opts.noticeVersionId ?? null, opts.submissionKey ?? null],
  );
  if (!row?.state) throw new Error(`employee ${employeeId} not visible in this tenant`);
  return row.state;
}

/** The events of an employee's chain that belong to one submission (per-channel keys derived from its key). */
export function submissionEvents(state: LedgerState, submissionKey: string, channels: readonly Channel[]) {
  const keys = new Set(channels.map((c) => eventKey(submissionKey, c)));
  return state.history.filter((e) => keys.has(e.idempotencyKey));
}

type HistoryFields = Pick<LedgerEvent, 'channel' | 'decision' | 'occurredAt' | 'language' | 'noticeVersion'>;

/** An event as the receipt and the manage page show it. */
export const historyView = (e: HistoryFields): TConsentEventView => ({
  channel: e.channel,
  decision: e.decision,
  occurredAt: new Date(e.occurredAt).toISOString(),
  noticeLabel: noticeLabel({ version: e.noticeVersion, language: e.language }),
  language: e.language,
});

/** Rows only an enrollment writes with its decisions, in the same statement. */
export type EnrollmentWrites = {
  confirmation: {
    id: string;
    directory: IdentitySnapshot;
    confirmed: IdentitySnapshot;
    corrected: boolean;
    corrections: { field: string; oldValue: string | null; newValue: string }[];
  };
  link: { token: string; ctid: string };
  manageTokenHash: string;
};

export type DecisionArgs = {
  decisions: readonly NewDecision[];
  notice: NoticeVersionRef;
  language: UiLanguage;
  meta: RequestMeta;
  idempotencyKey: string;
  now: Date;
};

/**
 * What record_consent() writes for `decisions` after `state`: the next links of the chain, hashed here by the
 * vector-tested ledger code and stored exactly as hashed; the projection (insert, or update of the row the state
 * locked); the purge of every channel whose consent ends; and the enrollment's own rows when given. Pure.
 */
export function decisionWrite(state: LedgerState, args: DecisionArgs, enrollment?: EnrollmentWrites) {
  const { employee, projection } = state;
  const { notice, meta, now } = args;
  const last = state.history.at(-1);
  const events = chainEvents(
    last && { seq: last.seq, hash: last.hash },
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
  ).map((e) => ({ ...e, id: randomUUID() }));

  const before = new Set<Channel>(projection?.channelsConsented ?? []);
  const after = new Set(before);
  for (const d of args.decisions) {
    if (d.decision === 'grant') after.add(d.channel);
    else after.delete(d.channel);
  }
  const channelsConsented = [...after].sort();
  const granted = args.decisions.some((d) => d.decision === 'grant');
  const revokedAll = before.size > 0 && after.size === 0;

  const projectionWrite = projection
    ? {
        ctid: projection.ctid,
        channelsConsented,
        ...(granted ? { consentVersion: noticeLabel(notice), revoked: false, revokedAt: null } : {}),
        ...(revokedAll ? { revoked: true, revokedAt: now } : {}),
      }
    : {
        email: employee.email,
        displayName: employee.displayName,
        consentVersion: noticeLabel(notice),
        channelsConsented,
        ipAddress: meta.ipAddress,
        userAgent: meta.userAgent,
      };
  // A channel whose consent ends loses its stored communications now, in this transaction (ADR 0006).
  const purge = events
    .filter((e) => e.decision !== 'grant' && before.has(e.channel))
    .map((e) => ({ id: e.id, channel: e.channel }));
  const write = {
    customerId: employee.customerId,
    employeeId: employee.id,
    now,
    events,
    projection: projectionWrite,
    purge,
    ...enrollment,
  };
  return { write, events, channelsConsented };
}

/**
 * Appends the decisions to the employee's chain after `state` (from readLedgerState, under the ledger lock) with
 * everything that changes with them, in one statement (record_consent, migration 0013): the one place ledger events
 * are appended.
 */
export async function recordDecisions(tx: Tx, state: LedgerState, args: DecisionArgs, enrollment?: EnrollmentWrites) {
  const { write, events, channelsConsented } = decisionWrite(state, args, enrollment);
  const [row] = await rawQuery<{ removed: number }>(tx, RECORD_CONSENT_SQL, [JSON.stringify(write)]).catch(
    (error: unknown) => {
      // The submission key is unique per customer: another employee's events already carry it.
      if (sqlStateOf(error) === '23505' && violatedConstraint(error) === 'consent_events_idempotency') {
        throw new AppError('IDEMPOTENCY_CONFLICT', undefined, error);
      }
      throw error;
    },
  );
  return { events, channelsConsented, removed: Number(row?.removed ?? 0) };
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

/** A new durable manage secret: the caller gets it once, the database keeps its hash (`hashed` for the insert). */
export function newManageToken() {
  const token = randomBytes(32).toString('base64url');
  return { token, hashed: hashManageToken(token) };
}

/** Issues a manage secret on its own (a replayed enrollment's receipt gets a fresh one). */
export async function issueManageToken(
  tx: Tx,
  employee: Pick<EmployeeRow, 'id' | 'customerId'>,
  now: Date,
): Promise<string> {
  const { token, hashed } = newManageToken();
  await rawQuery(
    tx,
    'insert into consent_manage_tokens (token_hash, employee_id, customer_id, created_at) values ($1, $2, $3, $4)',
    [hashed, employee.id, employee.customerId, now.toISOString()],
  );
  return token;
}

export async function loadEmployee(tx: Tx, employeeId: string): Promise<EmployeeRow> {
  const [employee] = await tx.select().from(employees).where(eq(employees.id, employeeId));
  if (!employee) throw new Error(`employee ${employeeId} not visible in this tenant`);
  return employee;
}
