/**
 * Admin panel queries and the identity-correction review. Admins see link status per person and channel figures
 * only as counts over groups of at least MIN_GROUP_SIZE respondents; nothing here returns one person's choices.
 * The dashboard must stay fast at 100,000 employees: summary, funnel and timeline read trigger-maintained tallies
 * (a few hundred rows, see schema.ts) instead of every employee; the people list pages through indexes. The
 * per-person status rule itself is personLinkStatus, applied to the few distinct combinations of its inputs.
 */
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { CHANNELS, type Channel } from '../../shared/channels.ts';
import { PLATFORM_ID_FIELDS, type PlatformIdField } from '../../shared/identity.ts';
import { ENROLLMENT_TARGET, judgeEnrollment, MIN_GROUP_SIZE } from '../../shared/onboarding.ts';
import {
  PEOPLE_PAGE_SIZE,
  type TChannelFigures,
  type TCorrection,
  type TEnrollmentSummary,
  type TFunnel,
  type TGroupFigures,
  type TPeopleQuery,
  type TPersonLinkStatus,
  type TPersonRow,
  type TTimeline,
} from '../../shared/schemas/admin.ts';
import { rowsOf, type Tx } from '../db/client.ts';
import {
  customers,
  employeeConsent,
  employees,
  ENROLLMENT_LINK_STATUSES,
  identityCorrections,
  type EnrollmentLinkStatus,
} from '../db/schema.ts';
import { AppError, sqlStateOf } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';
import { PERSON_LINK_STATUSES, personLinkStatus } from './enrollment-links.ts';

/* ------------------------------------------------------------------------------------------------------------ *
 * Link status in SQL, decided by personLinkStatus.
 * ------------------------------------------------------------------------------------------------------------ */

/** Everything personLinkStatus looks at, reduced to values SQL can group and filter by. */
export type LinkFacts = {
  responded: boolean;
  link: 'none' | EnrollmentLinkStatus;
  expired: boolean;
  opened: boolean;
  sent: boolean;
};

/**
 * The link personLinkStatus reads for a person who has not responded. issueEnrollmentLinks supersedes every active
 * link before it inserts a new one and a link becomes `used` only together with the response, so for a person
 * without a response their newest link is their one active link, or none counts (superseded-only ⇒ not sent).
 * That lets one hash join, instead of a newest-link probe per person, serve 100,000 people.
 */
const peopleFrom = (customerId: string) => sql`from employees e
  left join employee_consent c on c.employee_id = e.id
  left join enrollment_links l on l.employee_id = e.id and l.status = 'active' and c.employee_id is null
  where e.customer_id = ${customerId} and e.left_at is null`;

const factColumns = (now: Date) => sql`(c.employee_id is not null) as responded,
    coalesce(l.status, 'none') as link,
    coalesce(l.expires_at <= ${now.toISOString()}::timestamptz, false) as expired,
    (l.opened_at is not null) as opened,
    (l.sent_at is not null) as sent`;

export function statusOfFacts(f: LinkFacts, now: Date): TPersonLinkStatus {
  const link =
    f.link === 'none'
      ? null
      : {
          status: f.link,
          expiresAt: new Date(now.getTime() + (f.expired ? -1 : 1)),
          openedAt: f.opened ? now : null,
          sentAt: f.sent ? now : null,
        };
  return personLinkStatus(link, f.responded, now);
}

/** Every combination SQL can produce (no link ⇒ the three booleans are false). */
export function allLinkFacts(): LinkFacts[] {
  const out: LinkFacts[] = [];
  for (const responded of [false, true]) {
    out.push({ responded, link: 'none', expired: false, opened: false, sent: false });
    for (const link of ENROLLMENT_LINK_STATUSES)
      for (const expired of [false, true])
        for (const opened of [false, true])
          for (const sent of [false, true]) out.push({ responded, link, expired, opened, sent });
  }
  return out;
}

/**
 * A WHERE condition selecting exactly the people whose link status is `status`: a decision tree over the facts,
 * cut wherever every combination below a branch gives the same answer. Plain column predicates (rather than one
 * tuple test) let the planner estimate how many people match, so a rare status walks the name index.
 */
function statusCondition(status: TPersonLinkStatus, now: Date): SQL {
  const at = sql`${now.toISOString()}::timestamptz`;
  const dimensions: { test: (f: LinkFacts) => string; sql: (value: string) => SQL }[] = [
    { test: (f) => String(f.responded), sql: (v) => (v === 'true' ? sql`c.employee_id is not null` : sql`c.employee_id is null`) },
    { test: (f) => f.link, sql: (v) => (v === 'none' ? sql`l.token is null` : sql`l.status = ${v}`) },
    { test: (f) => String(f.expired), sql: (v) => (v === 'true' ? sql`l.expires_at <= ${at}` : sql`l.expires_at > ${at}`) },
    { test: (f) => String(f.opened), sql: (v) => (v === 'true' ? sql`l.opened_at is not null` : sql`l.opened_at is null`) },
    { test: (f) => String(f.sent), sql: (v) => (v === 'true' ? sql`l.sent_at is not null` : sql`l.sent_at is null`) },
  ];
  const branches = (facts: LinkFacts[], depth: number, path: SQL[]): SQL[] => {
    const matching = facts.filter((f) => statusOfFacts(f, now) === status);
    if (matching.length === 0) return [];
    if (matching.length === facts.length || depth === dimensions.length) {
      return [path.length ? sql`(${sql.join(path, sql` and `)})` : sql`true`];
    }
    const dim = dimensions[depth]!;
    return [...new Set(facts.map(dim.test))].flatMap((value) =>
      branches(facts.filter((f) => dim.test(f) === value), depth + 1, [...path, dim.sql(value)]),
    );
  };
  return sql`(${sql.join(branches(allLinkFacts(), 0, []), sql` or `)})`;
}

/* ------------------------------------------------------------------------------------------------------------ *
 * Enrollment rates and small-group suppression.
 * ------------------------------------------------------------------------------------------------------------ */

/**
 * Which groups of a breakdown must hide their channel figures: those with fewer than `min` respondents, plus
 * complementary cells. The overall figures are published, so one hidden cell would be the total minus the others;
 * several hidden cells together would still be one small group. Hide the next-smallest cells until at least two are
 * hidden and together they cover `min` respondents. Groups here are disjoint, so the people hidden cells cover is
 * the sum of their sizes; where the same person can be in several cells (channels of the Signal dashboard), pass
 * `covered` to count the distinct people of a set of cells.
 */
export function suppressedGroups(
  respondents: readonly number[],
  min = MIN_GROUP_SIZE,
  covered: (cells: ReadonlySet<number>) => number = (cells) => [...cells].reduce((sum, i) => sum + respondents[i]!, 0),
): Set<number> {
  const hidden = new Set(respondents.flatMap((n, i) => (n < min ? [i] : [])));
  if (hidden.size === 0) return hidden;
  const rest = respondents
    .map((n, i) => ({ n, i }))
    .filter(({ i }) => !hidden.has(i))
    .sort((a, b) => a.n - b.n || a.i - b.i);
  while (rest.length > 0 && (hidden.size < 2 || covered(hidden) < min)) hidden.add(rest.shift()!.i);
  return hidden;
}

/* ------------------------------------------------------------------------------------------------------------ *
 * Tallies: the dashboard's counts, kept in step by triggers (drizzle/0008_dashboard_security.sql).
 * ------------------------------------------------------------------------------------------------------------ */

type Tally = { table: string; keys: readonly string[]; sums: readonly string[] };
const CELL_TALLY: Tally = {
  table: 'enrollment_cell_tallies',
  keys: ['department', 'location'],
  sums: ['employees', 'respondents', ...CHANNELS.map((c) => `allowed_${c}`)],
};
const LINK_TALLY: Tally = { table: 'enrollment_link_tallies', keys: ['expires_at', 'opened', 'sent'], sums: ['links'] };
const RESPONSE_TALLY: Tally = { table: 'enrollment_response_tallies', keys: ['minute'], sums: ['respondents'] };
export const TALLIES = [CELL_TALLY, LINK_TALLY, RESPONSE_TALLY] as const;

/** Delta rows a reader sums past one per key before it folds them: enough that folding is occasional. */
export const FOLD_AFTER = 500;

const columns = (names: readonly string[]) => sql.join(names.map((n) => sql.identifier(n)), sql`, `);

/** A tally's totals per key (keys whose totals are all zero left out), folding the customer's rows when they pile up. */
async function readTally<R>(tx: Tx, tally: Tally, customerId: string): Promise<R[]> {
  const sums = sql.join(
    tally.sums.map((c) => sql`sum(${sql.identifier(c)})::int as ${sql.identifier(c)}`),
    sql`, `,
  );
  const rows = rowsOf<Record<string, unknown> & { stored: number }>(
    await tx.execute(sql`select ${columns(tally.keys)}, ${sums}, count(*)::int as stored
      from ${sql.identifier(tally.table)} where customer_id = ${customerId} group by ${columns(tally.keys)}`),
  );
  if (rows.reduce((n, r) => n + r.stored, 0) > rows.length + FOLD_AFTER) await foldTally(tx, tally, customerId);
  return rows.filter((r) => tally.sums.some((c) => r[c] !== 0)) as R[];
}

/**
 * Replaces a customer's delta rows by one row per key (zero totals dropped), in the caller's transaction. Rows
 * appended meanwhile are not in this statement's snapshot and stay as they are; a concurrent fold is skipped.
 */
export async function foldTally(tx: Tx, tally: Tally, customerId: string) {
  const [lock] = rowsOf<{ ok: boolean }>(
    await tx.execute(sql`select pg_try_advisory_xact_lock(hashtextextended(${`${tally.table}:${customerId}`}, 0)) as ok`),
  );
  if (!lock?.ok) return;
  const all = ['customer_id', ...tally.keys];
  await tx.execute(sql`with gone as (delete from ${sql.identifier(tally.table)} where customer_id = ${customerId} returning *)
    insert into ${sql.identifier(tally.table)} (${columns([...all, ...tally.sums])})
    select ${columns(all)}, ${sql.join(tally.sums.map((c) => sql`sum(${sql.identifier(c)})`), sql`, `)}
    from gone group by ${columns(all)}
    having ${sql.join(tally.sums.map((c) => sql`sum(${sql.identifier(c)}) <> 0`), sql` or `)}`);
}

type Counts = { total: number; responded: number } & Record<Channel, number>;
type CellRow = { department: string | null; location: string | null; employees: number; respondents: number } & Record<
  `allowed_${Channel}`,
  number
>;

const noCounts = (): Counts =>
  ({ total: 0, responded: 0, ...Object.fromEntries(CHANNELS.map((c) => [c, 0])) }) as Counts;

function addCell(into: Counts, cell: CellRow) {
  into.total += cell.employees;
  into.responded += cell.respondents;
  for (const c of CHANNELS) into[c] += cell[`allowed_${c}`];
}

/** Current employees and respondents per (department, location). */
const readCells = (tx: Tx, customerId: string) => readTally<CellRow>(tx, CELL_TALLY, customerId);

function channelFigures(row: Counts, channels: readonly Channel[], hide: boolean): TChannelFigures {
  if (hide) return { suppressed: true };
  return { suppressed: false, respondents: row.responded, allowed: channels.map((channel) => ({ channel, count: row[channel] })) };
}

function breakdown(cells: CellRow[], key: 'department' | 'location', channels: readonly Channel[]): TGroupFigures[] {
  const byKey = new Map<string | null, Counts>();
  for (const cell of cells) {
    const counts = byKey.get(cell[key]) ?? noCounts();
    addCell(counts, cell);
    byKey.set(cell[key], counts);
  }
  const groups = [...byKey]
    .filter(([, g]) => g.total > 0)
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
  const hidden = suppressedGroups(groups.map(([, g]) => g.responded));
  return groups.map(([k, g], i) => ({
    key: k,
    // Response counts are link status, which the people list shows per person anyway: no complementary hiding.
    response: g.total < MIN_GROUP_SIZE ? { suppressed: true } : { suppressed: false, total: g.total, responded: g.responded },
    channels: channelFigures(g, channels, hidden.has(i)),
  }));
}

export async function enrollmentSummary(tx: Tx, customerId: string): Promise<TEnrollmentSummary> {
  const [[customer], cells] = await Promise.all([
    tx.select({ channels: customers.channels }).from(customers).where(eq(customers.id, customerId)),
    readCells(tx, customerId),
  ]);
  if (!customer) throw new AppError('NOT_FOUND');
  const overall = noCounts();
  for (const cell of cells) addCell(overall, cell);
  const channels = CHANNELS.filter((c) => customer.channels.includes(c));
  return {
    minGroupSize: MIN_GROUP_SIZE,
    channels,
    total: overall.total,
    responded: overall.responded,
    overallChannels: channelFigures(overall, channels, overall.responded < MIN_GROUP_SIZE),
    byDepartment: breakdown(cells, 'department', channels),
    byLocation: breakdown(cells, 'location', channels),
  };
}

/* ------------------------------------------------------------------------------------------------------------ *
 * Funnel, timeline, people.
 * ------------------------------------------------------------------------------------------------------------ */

/**
 * Counts per status from the tallies: respondents, the pending active links by (expiry, opened, sent) — expired
 * decided against `now` here — and everyone else (no usable link) as the remainder.
 */
export async function linkFunnel(tx: Tx, customerId: string, now: Date): Promise<TFunnel> {
  const [cells, links] = await Promise.all([
    readCells(tx, customerId),
    readTally<{ expires_at: string | Date; opened: boolean; sent: boolean; links: number }>(tx, LINK_TALLY, customerId),
  ]);
  const counts = Object.fromEntries(PERSON_LINK_STATUSES.map((s) => [s, 0])) as Record<TPersonLinkStatus, number>;
  const add = (facts: LinkFacts, n: number) => (counts[statusOfFacts(facts, now)] += n);
  const total = cells.reduce((n, c) => n + c.employees, 0);
  const responded = cells.reduce((n, c) => n + c.respondents, 0);
  let withLink = 0;
  for (const r of links) {
    const expired = new Date(r.expires_at).getTime() <= now.getTime();
    add({ responded: false, link: 'active', expired, opened: r.opened, sent: r.sent }, r.links);
    withLink += r.links;
  }
  add({ responded: true, link: 'none', expired: false, opened: false, sent: false }, responded);
  add({ responded: false, link: 'none', expired: false, opened: false, sent: false }, total - responded - withLink);
  return { total, counts };
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Hourly points while enrollment moves fastest, then one a day. */
const HOURLY_UNTIL = 72;
const MAX_DAYS = 365;

/**
 * How many current employees had responded by each of `times` (in any order): every minute up to and including the
 * time's own from the response tally, less the responses of that minute after the time, counted exactly (one
 * index range per time). Counting the rest of the minute rather than its start costs the same for responses spread
 * over the minute, and nothing for responses recorded exactly at a point (the benchmark's fixture puts all of them
 * on the hour marks).
 */
async function respondedBy(tx: Tx, customerId: string, times: readonly Date[]): Promise<number[]> {
  const minuteEnds = times.map((t) => new Date((Math.floor(t.getTime() / MINUTE_MS) + 1) * MINUTE_MS));
  const isoArray = (dates: readonly Date[]) => `{${dates.map((d) => d.toISOString()).join(',')}}`;
  const [minutes, partial] = await Promise.all([
    readTally<{ minute: string | Date; respondents: number }>(tx, RESPONSE_TALLY, customerId),
    tx.execute(sql`
      select u.i::int as i, n.n
      from unnest(${isoArray(times)}::timestamptz[], ${isoArray(minuteEnds)}::timestamptz[]) with ordinality as u(after, until, i)
      -- One index range per time (a lateral aggregate is never turned into a join over all responses); leavers are
      -- few, so they are excluded by a hashed list of them.
      cross join lateral (select count(*)::int as n from employee_consent c
        where c.customer_id = ${customerId} and c.enrollment_timestamp > u.after and c.enrollment_timestamp < u.until
          and c.employee_id not in (select id from employees where customer_id = ${customerId} and left_at is not null)) n
      where n.n > 0`),
  ]);
  const laterInMinute = new Map(rowsOf<{ i: number; n: number }>(partial).map((r) => [r.i - 1, r.n]));
  const sorted = minutes.map((m) => ({ at: new Date(m.minute).getTime(), n: m.respondents })).sort((a, b) => a.at - b.at);
  let cumulative = 0;
  let m = 0;
  const counts = new Array<number>(times.length);
  for (const i of times.map((_, i) => i).sort((a, b) => minuteEnds[a]!.getTime() - minuteEnds[b]!.getTime())) {
    while (m < sorted.length && sorted[m]!.at < minuteEnds[i]!.getTime()) cumulative += sorted[m++]!.n;
    counts[i] = cumulative - (laterInMinute.get(i) ?? 0);
  }
  return counts;
}

/**
 * Enrollment as of `at` (responded by then, over current employees), judged against the target: what the +48 h
 * check records for its due time, the same figure the timeline's target is judged on.
 */
export async function enrollmentAt(tx: Tx, customerId: string, at: Date) {
  const [cells, [responded]] = await Promise.all([readCells(tx, customerId), respondedBy(tx, customerId, [at])]);
  return judgeEnrollment(responded!, cells.reduce((n, c) => n + c.employees, 0));
}

export async function enrollmentTimeline(tx: Tx, customerId: string, now: Date): Promise<TTimeline> {
  const [startRows, cells] = await Promise.all([
    // The first-link lookup runs only when the session is still open (a CASE evaluates its sub-select lazily).
    tx.execute(sql`select s.closed_at,
      case when s.closed_at is null then (select min(created_at) from enrollment_links where customer_id = ${customerId}) end
        as first_link
      from (select 1) one left join onboarding_sessions s on s.customer_id = ${customerId}`),
    readCells(tx, customerId),
  ]);
  const [startRow] = rowsOf<{ closed_at: string | Date | null; first_link: string | Date | null }>(startRows);
  const total = cells.reduce((n, c) => n + c.employees, 0);
  const startValue = startRow?.closed_at ?? startRow?.first_link ?? null;
  const base = { share: ENROLLMENT_TARGET.share, hours: ENROLLMENT_TARGET.hours };
  const notStarted = { ...base, at: null, outcome: 'not_started' as const, responded: null, achieved: null };
  if (!startValue) return { startedAt: null, startKind: null, total, points: [], target: notStarted, reachedAt: null };
  const start = new Date(startValue);
  const startKind = startRow?.closed_at ? 'session_closed' : 'first_link';

  const elapsed = Math.max(0, (now.getTime() - start.getTime()) / HOUR_MS);
  const hours: number[] = [];
  for (let h = 0; h <= Math.min(elapsed, HOURLY_UNTIL); h++) hours.push(h);
  for (let h = HOURLY_UNTIL + 24; h <= Math.min(elapsed, HOURLY_UNTIL + MAX_DAYS * 24); h += 24) hours.push(h);
  if (elapsed > hours.at(-1)! && elapsed <= HOURLY_UNTIL + MAX_DAYS * 24) hours.push(elapsed);

  // A point counts the responses up to its time; the last, fractional point ("now") every response so far. The
  // target is judged at the session's close + 48 h (or on the figure so far, before then): one more time to count.
  const times = hours.map((h) => (h === elapsed ? now : new Date(Math.min(start.getTime() + h * HOUR_MS, now.getTime()))));
  const deadline = startKind === 'session_closed' ? new Date(start.getTime() + base.hours * HOUR_MS) : null;
  const judgedAt = deadline && deadline.getTime() < now.getTime() ? deadline : now;
  const responded = await respondedBy(tx, customerId, [...times, judgedAt]);
  const points = hours.map((h, i) => ({
    at: new Date(start.getTime() + h * HOUR_MS).toISOString(),
    hours: h,
    responded: responded[i]!,
    share: total === 0 ? 0 : responded[i]! / total,
  }));
  const judged = judgeEnrollment(responded.at(-1)!, total);
  const target = deadline
    ? {
        ...base,
        at: deadline.toISOString(),
        outcome: judgedAt === deadline ? (judged.met ? ('met' as const) : ('missed' as const)) : ('pending' as const),
        responded: judged.responded,
        achieved: judged.share,
      }
    : notStarted;
  const reached = points.find((p) => judgeEnrollment(p.responded, total).met);
  return { startedAt: start.toISOString(), startKind, total, points, target, reachedAt: reached?.at ?? null };
}

/** Up to this many matches the search takes the trigram index's list of people. */
const SEARCH_INDEX_LIMIT = 1000;

const iso = (value: string | Date | null) => (value === null ? null : new Date(value).toISOString());

export async function listPeople(tx: Tx, customerId: string, query: Required<TPeopleQuery>, now: Date) {
  const conditions: SQL[] = [];
  if (query.status) conditions.push(statusCondition(query.status, now));
  if (query.search) {
    const pattern = `%${query.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    // A rare term: the trigram index finds its few matches (search_current_employees; three characters make a
    // trigram). A common one matches so many people that walking the name order to the page is faster.
    const found =
      [...query.search].length >= 3
        ? rowsOf<{ id: string }>(
            await tx.execute(sql`select id from search_current_employees(${pattern}, ${SEARCH_INDEX_LIMIT + 1}) as s(id)`),
          )
        : null;
    conditions.push(
      found && found.length <= SEARCH_INDEX_LIMIT
        ? sql`e.id = any(${`{${found.map((r) => r.id).join(',')}}`}::uuid[])`
        : sql`(e.display_name ilike ${pattern} or e.email ilike ${pattern})`,
    );
  }
  const rows = rowsOf<
    LinkFacts & {
      display_name: string;
      email: string;
      department: string | null;
      location: string | null;
      sent_at: string | Date | null;
      expires_at: string | Date | null;
    }
  >(
    await tx.execute(sql`
      select e.display_name, e.email, e.department, e.location, l.sent_at, l.expires_at, ${factColumns(now)}
      ${peopleFrom(customerId)} ${conditions.length ? sql`and ${sql.join(conditions, sql` and `)}` : sql``}
      order by e.display_name, e.email
      limit ${PEOPLE_PAGE_SIZE + 1} offset ${query.page * PEOPLE_PAGE_SIZE}`),
  );
  const people: TPersonRow[] = rows.slice(0, PEOPLE_PAGE_SIZE).map((r) => ({
    name: r.display_name,
    email: r.email,
    department: r.department,
    location: r.location,
    status: statusOfFacts(r, now),
    linkSentAt: r.link === 'none' ? null : iso(r.sent_at),
    linkExpiresAt: r.link === 'none' ? null : iso(r.expires_at),
  }));
  return { rows: people, page: query.page, pageSize: PEOPLE_PAGE_SIZE, hasMore: rows.length > PEOPLE_PAGE_SIZE };
}

/* ------------------------------------------------------------------------------------------------------------ *
 * Identity corrections.
 * ------------------------------------------------------------------------------------------------------------ */

const correctionColumns = {
  id: identityCorrections.id,
  customerId: identityCorrections.customerId,
  employeeId: identityCorrections.employeeId,
  confirmationId: identityCorrections.confirmationId,
  employeeName: employees.displayName,
  field: identityCorrections.field,
  oldValue: identityCorrections.oldValue,
  newValue: identityCorrections.newValue,
  createdAt: identityCorrections.createdAt,
  status: identityCorrections.status,
};
type CorrectionRow = typeof identityCorrections.$inferSelect & { employeeName: string };

const correctionView = (r: CorrectionRow): TCorrection => ({
  id: r.id,
  employeeName: r.employeeName,
  field: r.field,
  oldValue: r.oldValue,
  newValue: r.newValue,
  submittedAt: r.createdAt.toISOString(),
  status: r.status,
});

export async function listCorrections(tx: Tx, status: TCorrection['status']): Promise<TCorrection[]> {
  const rows = await tx
    .select(correctionColumns)
    .from(identityCorrections)
    .innerJoin(employees, eq(employees.id, identityCorrections.employeeId))
    .where(eq(identityCorrections.status, status))
    .orderBy(desc(identityCorrections.createdAt), desc(identityCorrections.id))
    .limit(1000);
  return rows.map(correctionView);
}

/** Writes a correction's new value into the roster (and the identity copy on the consent projection). */
async function applyCorrection(tx: Tx, customerId: string, c: CorrectionRow, now: Date) {
  if (c.field === 'email' || c.field === 'displayName') {
    if (c.field === 'email') {
      const [taken] = await tx
        .select({ id: employees.id })
        .from(employees)
        .where(
          and(
            eq(employees.customerId, customerId),
            sql`lower(${employees.email}) = lower(${c.newValue})`,
            sql`${employees.id} <> ${c.employeeId}`,
          ),
        );
      if (taken) throw new AppError('EMAIL_TAKEN');
    }
    const change = c.field === 'email' ? { email: c.newValue } : { displayName: c.newValue };
    await tx.update(employees).set({ ...change, updatedAt: now }).where(eq(employees.id, c.employeeId));
    await tx.update(employeeConsent).set(change).where(eq(employeeConsent.employeeId, c.employeeId));
    return;
  }
  const platform = c.field.startsWith('platformIds.') ? c.field.slice('platformIds.'.length) : '';
  if (!(PLATFORM_ID_FIELDS as readonly string[]).includes(platform)) throw new AppError('INVALID_INPUT');
  const key = platform as PlatformIdField;
  // An empty new value means the employee said they have no such account.
  const platformIds =
    c.newValue.trim() === ''
      ? sql`${employees.platformIds} - ${key}::text`
      : sql`${employees.platformIds} || jsonb_build_object(${key}::text, ${c.newValue}::text)`;
  await tx.update(employees).set({ platformIds, updatedAt: now }).where(eq(employees.id, c.employeeId));
}

/**
 * Accept (apply to the roster) or reject a pending correction, with its audit entry, in the caller's transaction.
 * Deciding again the same way returns the same answer; deciding differently is a conflict.
 */
export async function decideCorrection(
  tx: Tx,
  customerId: string,
  actor: Actor,
  input: { id: string; decision: 'accept' | 'reject' },
  now: Date,
): Promise<TCorrection> {
  const [row] = await tx
    .select(correctionColumns)
    .from(identityCorrections)
    .innerJoin(employees, eq(employees.id, identityCorrections.employeeId))
    .where(eq(identityCorrections.id, input.id))
    .for('update', { of: identityCorrections });
  if (!row) throw new AppError('NOT_FOUND');
  const status = input.decision === 'accept' ? 'accepted' : 'rejected';
  if (row.status !== 'pending_review') {
    if (row.status === status) return correctionView(row);
    throw new AppError('ALREADY_DECIDED');
  }
  if (input.decision === 'accept') {
    try {
      await applyCorrection(tx, customerId, row, now);
    } catch (error) {
      // A concurrent roster change can still take the address between the check and the write.
      if (sqlStateOf(error) === '23505') throw new AppError('EMAIL_TAKEN', undefined, error);
      throw error;
    }
  }
  await tx.update(identityCorrections).set({ status }).where(eq(identityCorrections.id, row.id));
  await recordAudit(tx, customerId, actor, `correction.${status}` as const, row.id, {
    employeeId: row.employeeId,
    field: row.field,
    oldValue: row.oldValue,
    newValue: row.newValue,
  });
  const [fresh] = await tx
    .select({ employeeName: employees.displayName })
    .from(employees)
    .where(eq(employees.id, row.employeeId));
  return correctionView({ ...row, status, employeeName: fresh?.employeeName ?? row.employeeName });
}

