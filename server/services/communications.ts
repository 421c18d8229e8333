/**
 * The communications store: the one place incoming records become `communications` rows (the purge on withdraw
 * is in communication-purge.ts, ADR 0006).
 *
 * A record is stored only when it can be attributed to one current employee and that employee's consent for the
 * record's channel was granted at the record's time AND still stands now — the authorising grant belongs to the
 * unbroken run of grants that is still in force. So after a withdraw (which purges), re-ingesting the same old
 * records stores nothing, even once the channel is granted again.
 *
 * Concurrency with a withdraw: ingestion takes FOR SHARE on the affected employees' employee_consent rows before it
 * reads their ledger; a withdraw updates that row (a conflicting row lock) before it purges. Whichever comes first,
 * the other waits for its commit and then sees it: either the ingest sees the withdraw and stores nothing, or the
 * purge (a later statement of the withdraw) sees the ingested rows and deletes them.
 */
import { sql } from 'drizzle-orm';
import type { Channel } from '../../shared/channels.ts';
import { NOT_STORED_REASONS, type NotStoredReason } from '../../shared/schemas/ingest.ts';
import { rowsOf, type Tx } from '../db/client.ts';
import type { Participant } from '../db/schema.ts';
import { detectLanguage, ftsConfigFor, segmentWords } from './text-search.ts';

/** One record as a connector delivers it, after validation (see shared/schemas/ingest.ts for the wire form). */
export type IncomingCommunication = {
  externalId: string;
  platform: string;
  channel: Channel;
  occurredAt: Date;
  author: { email?: string | undefined; name?: string | undefined };
  participants?: Participant[] | undefined;
  threadId?: string | null | undefined;
  subject?: string | null | undefined;
  body: string;
  /** ISO 639-1 when the connector knows it; detected otherwise. */
  language?: string | undefined;
};

export type StoreResult = {
  received: number;
  stored: number;
  /** Already stored earlier (same platform + external id), or repeated within the batch. */
  duplicates: number;
  notStored: Record<NotStoredReason, number>;
};

/** Rows per INSERT statement: large enough to amortise the round trip, small enough to keep locks short. */
export const STORE_BATCH = 1000;

export const emptyNotStored = (): Record<NotStoredReason, number> =>
  Object.fromEntries(NOT_STORED_REASONS.map((r) => [r, 0])) as Record<NotStoredReason, number>;

/** Display names compare case- and space-insensitively here; accents are folded by unaccent() in SQL. */
const nameKey = (name: string) => name.trim().replace(/\s+/g, ' ');
const json = (value: unknown) => JSON.stringify(value);
/**
 * A PostgreSQL array literal of text values. Lookups use `= any(array)`, which the planner serves from the index
 * whatever its statistics say (a join against json_array_elements_text() got nested loops on fresh tables).
 */
export const textArray = (values: Iterable<string>) =>
  `{${Array.from(values, (v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;

type Customer = { channels: Channel[]; outputLanguage: string };

/**
 * Stores what may be stored of `records` for `customerId` (the tenant of `tx`, a withTenant transaction) and counts
 * the rest by reason. Idempotent per (customer, platform, external id).
 */
export async function storeCommunications(
  tx: Tx,
  customerId: string,
  records: readonly IncomingCommunication[],
  now: Date,
): Promise<StoreResult> {
  const result: StoreResult = { received: records.length, stored: 0, duplicates: 0, notStored: emptyNotStored() };
  if (records.length === 0) return result;
  const [customer] = rowsOf<Customer>(
    await tx.execute(sql`select channels, output_language as "outputLanguage" from customers where id = ${customerId}`),
  );
  if (!customer) throw new Error(`customer ${customerId} not visible in this tenant`);
  for (let start = 0; start < records.length; start += STORE_BATCH) {
    const part = await storeBatch(tx, customerId, customer, records.slice(start, start + STORE_BATCH), now);
    result.stored += part.stored;
    result.duplicates += part.duplicates;
    for (const reason of NOT_STORED_REASONS) result.notStored[reason] += part.notStored[reason];
  }
  return result;
}

type Attribution = { employeeId: string } | { reason: 'unknown_employee' | 'ambiguous_name' };

/** Author → current employee: by email (case-insensitive), else by display name when exactly one person has it. */
async function attribute(
  tx: Tx,
  customerId: string,
  records: readonly IncomingCommunication[],
): Promise<Attribution[]> {
  const emails = new Set<string>();
  const names = new Set<string>();
  for (const r of records) {
    if (r.author.email) emails.add(r.author.email.trim().toLowerCase());
    else if (r.author.name) names.add(nameKey(r.author.name));
  }
  const byEmail = new Map<string, string>();
  const byName = new Map<string, string[]>();
  const queries = [];
  if (emails.size > 0) {
    queries.push(
      tx
        .execute(
          sql`select lower(e.email) as key, e.id from employees e
              where e.customer_id = ${customerId} and e.left_at is null
                and lower(e.email) = any(${textArray(emails)}::text[])`,
        )
        .then((r) => {
          for (const row of rowsOf<{ key: string; id: string }>(r)) byEmail.set(row.key, row.id);
        }),
    );
  }
  if (names.size > 0) {
    // No index serves this (names are a fallback, rare for real connectors), so it only runs when needed.
    queries.push(
      tx
        .execute(
          sql`select n.name as key, e.id
              from unnest(${textArray(names)}::text[]) as n(name)
              join employees e on e.customer_id = ${customerId} and e.left_at is null
                and lower(unaccent(e.display_name)) = lower(unaccent(n.name))`,
        )
        .then((r) => {
          for (const row of rowsOf<{ key: string; id: string }>(r)) {
            const ids = byName.get(row.key) ?? [];
            ids.push(row.id);
            byName.set(row.key, ids);
          }
        }),
    );
  }
  await Promise.all(queries);
  return records.map((r): Attribution => {
    // An email that matches nobody is somebody else (an outside correspondent, another customer's employee):
    // the name is not consulted then, or a namesake would be credited with their words.
    if (r.author.email) {
      const id = byEmail.get(r.author.email.trim().toLowerCase());
      return id ? { employeeId: id } : { reason: 'unknown_employee' };
    }
    const ids = byName.get(nameKey(r.author.name ?? '')) ?? [];
    if (ids.length === 1) return { employeeId: ids[0]! };
    return { reason: ids.length === 0 ? 'unknown_employee' : 'ambiguous_name' };
  });
}

type LedgerEvent = { id: string; employee_id: string; channel: Channel; decision: string; occurred_at: string | Date };
type Grant = { id: string; at: number };

/**
 * Per employee × channel, the grants of the run still in force (oldest first), or nothing when the channel's
 * latest decision is not a grant. A record is covered when the run's first grant is not after it; its lineage is
 * the latest grant of the run at or before it — the event consented_channels_at() would find at that instant.
 */
function standingGrants(events: readonly LedgerEvent[]): Map<string, Grant[]> {
  const runs = new Map<string, Grant[]>();
  for (const e of events) {
    const key = `${e.employee_id}|${e.channel}`;
    if (e.decision === 'grant') {
      const run = runs.get(key) ?? [];
      run.push({ id: e.id, at: new Date(e.occurred_at).getTime() });
      runs.set(key, run);
    } else {
      runs.delete(key);
    }
  }
  return runs;
}

function authorisingGrant(run: Grant[] | undefined, at: number): string | null {
  if (!run || run[0]!.at > at) return null;
  let id = run[0]!.id;
  for (const g of run) {
    if (g.at > at) break;
    id = g.id;
  }
  return id;
}

async function storeBatch(
  tx: Tx,
  customerId: string,
  customer: Customer,
  batch: readonly IncomingCommunication[],
  now: Date,
): Promise<Omit<StoreResult, 'received'>> {
  const notStored = emptyNotStored();
  const configured = new Set(customer.channels);
  const candidates = batch.filter((r) => {
    if (configured.has(r.channel)) return true;
    notStored.channel_not_configured++;
    return false;
  });
  const attributions = await attribute(tx, customerId, candidates);
  const attributed: { record: IncomingCommunication; employeeId: string }[] = [];
  candidates.forEach((record, i) => {
    const a = attributions[i]!;
    if ('reason' in a) notStored[a.reason]++;
    else attributed.push({ record, employeeId: a.employeeId });
  });
  const employeeIds = textArray(new Set(attributed.map((a) => a.employeeId)));

  let events: LedgerEvent[] = [];
  if (attributed.length > 0) {
    // The lock first, in its own statement: the ledger read below then takes its snapshot after any withdraw it
    // waited for has committed.
    await tx.execute(
      sql`select 1 from employee_consent
          where employee_id = any(${employeeIds}::uuid[])
          order by employee_id for share`,
    );
    events = rowsOf<LedgerEvent>(
      await tx.execute(
        sql`select id, employee_id, channel, decision, occurred_at from consent_events
            where customer_id = ${customerId}
              and employee_id = any(${employeeIds}::uuid[])
            order by employee_id, channel, occurred_at, seq`,
      ),
    );
  }
  const runs = standingGrants(events);

  const rows = [];
  for (const { record, employeeId } of attributed) {
    const consentEventId = authorisingGrant(runs.get(`${employeeId}|${record.channel}`), record.occurredAt.getTime());
    if (!consentEventId) {
      notStored.no_consent++;
      continue;
    }
    const subject = record.subject ?? null;
    const language = record.language ?? (await detectLanguage(subject ? `${subject}\n${record.body}` : record.body, customer.outputLanguage));
    const segmented = language === 'ja' || language === 'zh';
    rows.push({
      e: employeeId,
      ch: record.channel,
      p: record.platform,
      x: record.externalId,
      t: record.threadId ?? null,
      o: record.occurredAt.toISOString(),
      pa: record.participants ?? [],
      s: subject,
      b: record.body,
      l: language,
      c: ftsConfigFor(language),
      // Only segmented text is sent separately; otherwise SQL indexes subject and body as they are.
      f: segmented ? segmentWords(subject ? `${subject} ${record.body}` : record.body, language) : null,
      ce: consentEventId,
    });
  }
  if (rows.length === 0) return { stored: 0, duplicates: 0, notStored };
  // A fixed order, so two batches sharing external ids take their unique-index slots in the same order.
  rows.sort((a, b) => (a.p === b.p ? (a.x < b.x ? -1 : a.x > b.x ? 1 : 0) : a.p < b.p ? -1 : 1));

  const [inserted] = rowsOf<{ n: number }>(
    await tx.execute(sql`
      with ins as (
        insert into communications (customer_id, employee_id, channel, platform, external_id, thread_id, occurred_at,
          participants, subject, body, language, fts_config, fts, consent_event_id, ingested_at)
        select ${customerId}, r.e, r.ch, r.p, r.x, r.t, r.o, r.pa, r.s, r.b, r.l, r.c::regconfig,
          to_tsvector(r.c::regconfig, coalesce(r.f, coalesce(r.s || ' ', '') || r.b)), r.ce, ${now.toISOString()}::timestamptz
        from json_to_recordset(${json(rows)}::json)
          as r(e uuid, ch text, p text, x text, t text, o timestamptz, pa jsonb, s text, b text, l text, c text, f text, ce uuid)
        on conflict (customer_id, platform, external_id) do nothing
        returning 1
      )
      select count(*)::int as n from ins`),
  );
  const stored = Number(inserted?.n ?? 0);
  return { stored, duplicates: rows.length - stored, notStored };
}
