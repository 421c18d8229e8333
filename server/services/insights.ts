/**
 * The Signal dashboard. Figures are aggregates in SQL over the customer's communications (which exist only while
 * consent stands), read through the (customer_id, occurred_at) index, and every published figure covers at least
 * MIN_GROUP_SIZE distinct people:
 * - activity: per rolling week, a bucket (channel or department) with 1–4 people is suppressed, and so are the
 *   complementary buckets that would reveal it through the week's published total (suppressedGroups, the admin
 *   panel's rule). A person can write on several channels, so for channels the people hidden buckets cover are
 *   counted as distinct people (from each person's channel combination), not summed. Empty buckets show 0.
 * - terms: a term appears only if at least MIN_GROUP_SIZE distinct people used it in the window shown; a share
 *   from fewer people is null, and trends treat it as zero, so no hidden figure shapes what is shown.
 */
import { sql } from 'drizzle-orm';
import { CHANNELS, type Channel } from '../../shared/channels.ts';
import { MIN_GROUP_SIZE } from '../../shared/onboarding.ts';
import {
  ACTIVITY_WEEKS,
  DASHBOARD_FRESH_MINUTES,
  FALLING_TERMS,
  TERM_WINDOW_DAYS,
  TOP_TERMS,
  type TActivity,
  type TActivityCell,
  type TTerm,
  type TTerms,
  type TTermTrend,
} from '../../shared/schemas/insights.ts';
import { rowsOf, type Tx } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { suppressedGroups } from './admin.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * Dashboard figures are weekly and 7-day aggregates; on a store of a million messages computing them reads most of
 * it (seconds), so they are kept per customer for FRESH_MS. A withdraw must take effect at once, so the newest
 * purge is part of the key: after one, the figures are computed again. New messages show within FRESH_MS.
 */
const FRESH_MS = DASHBOARD_FRESH_MINUTES * 60_000;
const CACHE_LIMIT = 200;
const cache = new Map<string, { at: number; value: unknown }>();

async function cached<T>(tx: Tx, kind: string, customerId: string, now: Date, compute: () => Promise<T>): Promise<T> {
  const [purge] = rowsOf<{ last: string | null; n: number }>(
    await tx.execute(sql`select max(purged_at)::text as last, count(*)::int as n from communication_purges where customer_id = ${customerId}`),
  );
  const key = `${kind}:${customerId}:${purge?.last ?? ''}:${purge?.n ?? 0}`;
  const hit = cache.get(key);
  const age = hit ? now.getTime() - hit.at : Infinity;
  if (hit && age >= 0 && age < FRESH_MS) return hit.value as T;
  const value = await compute();
  cache.delete(key);
  cache.set(key, { at: now.getTime(), value });
  while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return value;
}

/* ------------------------------------------------------------------------------------------------------------ *
 * Activity by channel and department.
 * ------------------------------------------------------------------------------------------------------------ */

const channelBit = (channel: Channel) => 1 << CHANNELS.indexOf(channel);

type MaskRow = { ago: number; mask: number; people: number } & Record<Channel, number>;
type DepartmentRow = { ago: number; department: string | null; people: number; messages: number };

/**
 * Cells of one week across a breakdown: `people[i]` distinct people and `counts[i]` messages of bucket i;
 * `covered` counts the distinct people of a set of buckets. Buckets with nobody are shown as 0.
 */
function suppressWeek(people: readonly number[], counts: readonly number[], covered?: (cells: ReadonlySet<number>) => number): TActivityCell[] {
  const active = people.flatMap((n, i) => (n > 0 ? [i] : []));
  const hidden = suppressedGroups(
    active.map((i) => people[i]!),
    MIN_GROUP_SIZE,
    covered && ((cells) => covered(new Set([...cells].map((k) => active[k]!)))),
  );
  const hiddenBuckets = new Set([...hidden].map((k) => active[k]!));
  return counts.map((count, i) => (hiddenBuckets.has(i) ? { suppressed: true } : { suppressed: false, count }));
}

export function activity(tx: Tx, customerId: string, now: Date): Promise<TActivity> {
  return cached(tx, 'activity', customerId, now, () => computeActivity(tx, customerId, now));
}

async function computeActivity(tx: Tx, customerId: string, now: Date): Promise<TActivity> {
  const start = new Date(now.getTime() - ACTIVITY_WEEKS * WEEK_MS);
  const perChannel = sql.join(
    CHANNELS.map((ch) => sql`count(*) filter (where c.channel = ${ch})::int as ${sql.identifier(ch)}`),
    sql`, `,
  );
  const sums = sql.join(
    CHANNELS.map((ch) => sql`sum(${sql.identifier(ch)})::int as ${sql.identifier(ch)}`),
    sql`, `,
  );
  const mask = sql.join(
    CHANNELS.map((ch) => sql`(case when ${sql.identifier(ch)} > 0 then ${channelBit(ch)} else 0 end)`),
    sql` | `,
  );
  // Qualified: employees has an `email` column too.
  const total = sql.join(CHANNELS.map((ch) => sql`p.${sql.identifier(ch)}`), sql` + `);
  // One pass over the window: each person's messages per week and channel; the breakdowns roll those few rows up.
  const [customerRows, result] = await Promise.all([
    tx.execute(sql`select channels from customers where id = ${customerId}`),
    tx.execute(sql`
      with per_person as materialized (
        select least(${ACTIVITY_WEEKS - 1}, floor(date_part('epoch', ${at(now)} - c.occurred_at) / ${WEEK_MS / 1000}))::int as ago,
          c.employee_id, ${perChannel}
        from communications c
        where c.customer_id = ${customerId} and c.occurred_at > ${at(start)} and c.occurred_at <= ${at(now)}
        group by 1, 2)
      select 'mask' as by, ago, (${mask}) as mask, null::text as department, count(*)::int as people, ${sums}, 0 as messages
        from per_person group by ago, 3
      union all
      select 'department', p.ago, 0, e.department, count(*)::int, ${sql.join(CHANNELS.map(() => sql`0`), sql`, `)},
        sum(${total})::int
        from per_person p join employees e on e.id = p.employee_id
        group by p.ago, e.department`),
  ]);
  const [customer] = rowsOf<{ channels: Channel[] }>(customerRows);
  if (!customer) throw new AppError('NOT_FOUND');
  const rows = rowsOf<(MaskRow & { by: 'mask' }) | (DepartmentRow & { by: 'department' })>(result);
  const maskRows = rows.filter((r): r is MaskRow & { by: 'mask' } => r.by === 'mask');
  const departmentRows = rows.filter((r): r is DepartmentRow & { by: 'department' } => r.by === 'department');

  const channels = CHANNELS.filter((c) => customer.channels.includes(c));
  const departments = [...new Set(departmentRows.map((r) => r.department))].sort((a, b) =>
    a === null ? 1 : b === null ? -1 : a.localeCompare(b),
  );
  // Week 0 is the oldest.
  const weeks = Array.from({ length: ACTIVITY_WEEKS }, (_, w) => {
    const ago = ACTIVITY_WEEKS - 1 - w;
    return {
      ago,
      from: new Date(now.getTime() - (ago + 1) * WEEK_MS).toISOString(),
      to: new Date(now.getTime() - ago * WEEK_MS).toISOString(),
    };
  });

  const totals: TActivityCell[] = [];
  const channelCells: TActivityCell[][] = channels.map(() => []);
  const departmentCells: TActivityCell[][] = departments.map(() => []);
  for (const { ago } of weeks) {
    const masks = maskRows.filter((r) => r.ago === ago);
    const weekPeople = masks.reduce((n, r) => n + r.people, 0);
    const weekCount = masks.reduce((n, r) => n + CHANNELS.reduce((m, ch) => m + r[ch], 0), 0);
    totals.push(weekPeople >= MIN_GROUP_SIZE || weekPeople === 0 ? { suppressed: false, count: weekCount } : { suppressed: true });

    const bits = channels.map(channelBit);
    const peopleOn = (bitset: number) => masks.reduce((n, r) => n + ((r.mask & bitset) !== 0 ? r.people : 0), 0);
    const byChannel = suppressWeek(
      bits.map((bit) => peopleOn(bit)),
      channels.map((ch) => masks.reduce((n, r) => n + r[ch], 0)),
      (cells) => peopleOn([...cells].reduce((set, i) => set | bits[i]!, 0)),
    );
    byChannel.forEach((cell, i) => channelCells[i]!.push(cell));

    const week = departments.map((d) => departmentRows.find((r) => r.ago === ago && r.department === d));
    const byDepartment = suppressWeek(
      week.map((r) => r?.people ?? 0),
      week.map((r) => r?.messages ?? 0),
    );
    byDepartment.forEach((cell, i) => departmentCells[i]!.push(cell));
  }

  return {
    minGroupSize: MIN_GROUP_SIZE,
    weeks: weeks.map(({ from, to }) => ({ from, to })),
    totals,
    byChannel: channels.map((channel, i) => ({ channel, cells: channelCells[i]! })),
    byDepartment: departments.map((department, i) => ({ department, cells: departmentCells[i]! })),
  };
}

/* ------------------------------------------------------------------------------------------------------------ *
 * Terms: the last 7 days against the 7 before.
 * ------------------------------------------------------------------------------------------------------------ */

/**
 * Lexemes worth showing: no digits (dates, amounts, ids), no address or path fragments, at least 3 characters —
 * or 2 in Japanese and Chinese, where words are short. Stop words never reach the index in the stemmed
 * configurations.
 */
const TERM_FILTER = {
  exclude: '[0-9@/._:+#&=]',
  cjk: '[\\u3040-\\u30ff\\u3400-\\u9fff]',
};

/** Share growth beyond which a term is rising (or, inverted, falling). */
const TREND_RATIO = 1.25;
/**
 * The terms read a time-stratified sample, not every message: each window is cut into 2-hour slices and at most
 * SAMPLE_PER_SLICE messages of each slice are read (an index range scan per slice). Up to ~10,000 messages in all,
 * whatever the size of the store, and every message when the store is small. Figures are shares of the messages
 * read; people are counted in the sample, so a term shown was used by at least MIN_GROUP_SIZE people in fact.
 */
const SLICE_HOURS = 2;
const SAMPLE_PER_SLICE = 60;

type TermRow = { lexeme: string; cur_docs: number; cur_people: number; prev_docs: number; prev_people: number };

export function trendOf(current: number, previous: number): TTermTrend {
  if (previous === 0) return current === 0 ? 'steady' : 'new';
  if (current === 0) return 'gone';
  const ratio = current / previous;
  if (ratio >= TREND_RATIO) return 'rising';
  if (ratio <= 1 / TREND_RATIO) return 'falling';
  return 'steady';
}

export function terms(tx: Tx, customerId: string, now: Date): Promise<TTerms> {
  return cached(tx, 'terms', customerId, now, () => computeTerms(tx, customerId, now));
}

async function computeTerms(tx: Tx, customerId: string, now: Date): Promise<TTerms> {
  const mid = new Date(now.getTime() - TERM_WINDOW_DAYS * DAY_MS);
  const start = new Date(now.getTime() - 2 * TERM_WINDOW_DAYS * DAY_MS);
  const slices = (2 * TERM_WINDOW_DAYS * 24) / SLICE_HOURS;
  const sample = sql`
    slices as (
      select s, ${at(start)} + s * interval '${sql.raw(String(SLICE_HOURS))} hours' as t0,
        ${at(start)} + (s + 1) * interval '${sql.raw(String(SLICE_HOURS))} hours' as t1
      from generate_series(0, ${slices - 1}::int) as s),
    sample as (
      select sl.s, sl.t0 >= ${at(mid)} as cur, d.employee_id, d.fts
      from slices sl cross join lateral (
        select c.employee_id, c.fts from communications c
        where c.customer_id = ${customerId} and c.occurred_at > sl.t0 and c.occurred_at <= least(sl.t1, ${at(now)})
        order by c.occurred_at
        limit ${SAMPLE_PER_SLICE}) as d)`;
  const [totalsResult, termResult] = await Promise.all([
    tx.execute(sql`
      with ${sample}, per_slice as (select s, cur, count(*)::int as n from sample group by s, cur)
      select coalesce(sum(n) filter (where cur), 0)::int as cur, coalesce(sum(n) filter (where not cur), 0)::int as prev,
        count(*) filter (where n >= ${SAMPLE_PER_SLICE})::int as capped
      from per_slice`),
    // Lexemes per person first (a hash aggregate), then people per lexeme as a plain count.
    tx.execute(sql`
      with ${sample},
      pairs as (
        select l.lexeme, d.employee_id, d.cur, count(*)::int as n
        from sample d cross join lateral unnest(d.fts) as l(lexeme, positions, weights)
        where l.lexeme !~ ${TERM_FILTER.exclude}
          and (char_length(l.lexeme) >= 3 or (char_length(l.lexeme) = 2 and l.lexeme ~ ${TERM_FILTER.cjk}))
        group by 1, 2, 3)
      select lexeme,
        coalesce(sum(n) filter (where cur), 0)::int as cur_docs, count(*) filter (where cur)::int as cur_people,
        coalesce(sum(n) filter (where not cur), 0)::int as prev_docs, count(*) filter (where not cur)::int as prev_people
      from pairs
      group by lexeme
      having count(*) filter (where cur) >= ${MIN_GROUP_SIZE} or count(*) filter (where not cur) >= ${MIN_GROUP_SIZE}
      order by greatest(coalesce(sum(n) filter (where cur), 0), coalesce(sum(n) filter (where not cur), 0)) desc, lexeme
      limit 400`),
  ]);
  const totals = rowsOf<{ cur: number; prev: number; capped: number }>(totalsResult)[0] ?? { cur: 0, prev: 0, capped: 0 };
  const rows = rowsOf<TermRow>(termResult);
  // What may be shown: a window's share only from enough people; anything else is null and counts as zero.
  const shown = (docs: number, people: number, total: number) => (people >= MIN_GROUP_SIZE && total > 0 ? docs / total : null);
  const term = (r: TermRow): Omit<TTerm, 'term'> & { lexeme: string } => {
    const current = shown(r.cur_docs, r.cur_people, totals.cur);
    const previous = shown(r.prev_docs, r.prev_people, totals.prev);
    return { lexeme: r.lexeme, current, previous, trend: trendOf(current ?? 0, previous ?? 0) };
  };
  const all = rows.map(term);
  const topCandidates = all
    .filter((t) => t.current !== null)
    .sort((a, b) => b.current! - a.current! || a.lexeme.localeCompare(b.lexeme))
    .slice(0, 3 * TOP_TERMS);
  const fallingCandidates = all
    .filter((t) => t.previous !== null && (t.trend === 'falling' || t.trend === 'gone'))
    .sort((a, b) => drop(b) - drop(a) || a.lexeme.localeCompare(b.lexeme))
    .slice(0, 3 * FALLING_TERMS);
  const lexemes = [...new Set([...topCandidates, ...fallingCandidates].map((t) => t.lexeme))];
  const [words, names] = await Promise.all([surfaceForms(tx, customerId, lexemes, start, now), nameTokens(tx, customerId)]);
  // People's names are not topics (and would single people out); greetings and filler say nothing.
  const meaningful = (t: { lexeme: string }) => {
    const word = fold(words.get(t.lexeme) ?? t.lexeme);
    return !names.has(word) && !names.has(t.lexeme) && !FILLER.has(word);
  };
  const named = ({ lexeme, ...t }: Omit<TTerm, 'term'> & { lexeme: string }): TTerm => ({ term: words.get(lexeme) ?? lexeme, ...t });
  return {
    minGroupSize: MIN_GROUP_SIZE,
    current: { from: mid.toISOString(), to: now.toISOString() },
    previous: { from: start.toISOString(), to: mid.toISOString() },
    sample: { current: totals.cur, previous: totals.prev, estimated: totals.capped > 0 },
    top: topCandidates.filter(meaningful).slice(0, TOP_TERMS).map(named),
    falling: fallingCandidates.filter(meaningful).slice(0, FALLING_TERMS).map(named),
  };
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Greetings, sign-offs and time words of everyday messages (en, es, fr, de), compared without accents. */
const FILLER = new Set(
  [
    'thanks', 'thank', 'please', 'hi', 'hello', 'hey', 'regards', 'best', 'cheers', 'ok', 'okay', 'yes', 'yeah', 'sure',
    'great', 'good', 'week', 'today', 'tomorrow', 'yesterday', 'new', 'need', 'needs', 'get', 'got', 'let', 'know',
    'think', 'also', 'just', 'will', 'can', 'one', 'two', 'see', 'via', 'team', 'update', 'updates', 'morning', 'afternoon',
    'weeks', 'day', 'days',
    'gracias', 'hola', 'saludos', 'buenos', 'dias', 'semana', 'hoy', 'manana', 'equipo', 'favor',
    'merci', 'bonjour', 'cordialement', 'semaine', 'aujourd', 'demain', 'equipe',
    'danke', 'hallo', 'grusse', 'gruss', 'woche', 'heute', 'morgen',
  ].map(fold),
);

/** Every word of the customer's employees' names, lower case without accents. */
async function nameTokens(tx: Tx, customerId: string): Promise<Set<string>> {
  const rows = rowsOf<{ token: string }>(
    await tx.execute(sql`
      select distinct lower(t) as token
      from employees e cross join lateral regexp_split_to_table(e.display_name, ${"[\\s.,'-]+"}) as t
      where e.customer_id = ${customerId} and t <> ''`),
  );
  return new Set(rows.map((r) => fold(r.token)));
}

/** How much share a term lost (shown figures only). */
const drop = (t: Pick<TTerm, 'current' | 'previous'>) => (t.previous ?? 0) - (t.current ?? 0);

/**
 * Stemmed lexemes read badly ("compani", "hire"): show the word people actually wrote — the most frequent word of a
 * few recent messages containing the lexeme that the message's own configuration turns into that lexeme. Falls back
 * to the lexeme (which for Japanese, Chinese and unstemmed languages is the word itself).
 */
async function surfaceForms(tx: Tx, customerId: string, lexemes: string[], from: Date, to: Date): Promise<Map<string, string>> {
  if (lexemes.length === 0) return new Map();
  const rows = rowsOf<{ lexeme: string; word: string; n: number }>(
    await tx.execute(sql`
      select t.lexeme, w.word, count(*)::int as n
      from unnest(${`{${lexemes.map((l) => `"${l.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]) as t(lexeme)
      cross join lateral (
        select c.subject, c.body, c.fts_config from communications c
        where c.customer_id = ${customerId} and c.occurred_at > ${at(from)} and c.occurred_at <= ${at(to)}
          and c.fts @@ quote_literal(t.lexeme)::tsquery
        order by c.occurred_at desc
        limit 3) d
      cross join lateral regexp_split_to_table(lower(coalesce(d.subject, '') || ' ' || d.body), ${'[\\s.,;:!?¿¡()\\[\\]{}"«»“”„‘’/\\\\|<>@#$%^&*+=~`_-]+'}) as w(word)
      where w.word <> '' and char_length(w.word) < 60
        and tsvector_to_array(to_tsvector(d.fts_config, w.word)) = array[t.lexeme]
      group by 1, 2
      order by 1, 3 desc, 2`),
  );
  const words = new Map<string, string>();
  for (const r of rows) if (!words.has(r.lexeme)) words.set(r.lexeme, r.word);
  return words;
}
