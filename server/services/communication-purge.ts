/**
 * The purge on withdraw (ADR 0006): kept apart from the ingestion path so the consent code does not load the
 * language detector.
 */
import { sql } from 'drizzle-orm';
import type { Channel } from '../../shared/channels.ts';
import { rowsOf, type Tx } from '../db/client.ts';

const json = (value: unknown) => JSON.stringify(value);

export type PurgedChannel = { channel: Channel; removedCount: number };

/**
 * Deletes an employee's communications on the channels whose consent just ended and records one
 * communication_purges row per ending event (with the count, possibly 0), in the caller's transaction — the one
 * that appended those events and updated employee_consent (which is what makes a concurrent ingest wait).
 */
export async function purgeCommunications(
  tx: Tx,
  args: { customerId: string; employeeId: string; events: readonly { id: string; channel: Channel }[]; now: Date },
): Promise<PurgedChannel[]> {
  if (args.events.length === 0) return [];
  // Channel names come from a fixed enum, so a plain array literal is safe.
  const channels = `{${args.events.map((e) => e.channel).join(',')}}`;
  const rows = rowsOf<{ channel: Channel; removed_count: number }>(
    await tx.execute(sql`
      with removed as (
        delete from communications
        where customer_id = ${args.customerId} and employee_id = ${args.employeeId}
          and channel = any(${channels}::text[])
        returning channel
      ),
      counts as (select channel, count(*)::int as n from removed group by channel)
      insert into communication_purges (customer_id, employee_id, channel, consent_event_id, removed_count, purged_at)
      select ${args.customerId}, ${args.employeeId}, ev.channel, ev.id, coalesce(counts.n, 0), ${args.now.toISOString()}::timestamptz
      from json_to_recordset(${json(args.events.map((e) => ({ id: e.id, channel: e.channel })))}::json) as ev(id uuid, channel text)
      left join counts on counts.channel = ev.channel
      returning channel, removed_count`),
  );
  return rows.map((r) => ({ channel: r.channel, removedCount: Number(r.removed_count) }));
}

/** What earlier purges removed for these ending events (a replayed withdraw answers with the same receipt). */
export async function purgedCount(tx: Tx, consentEventIds: readonly string[]): Promise<number> {
  if (consentEventIds.length === 0) return 0;
  const [row] = rowsOf<{ n: number }>(
    await tx.execute(
      sql`select coalesce(sum(removed_count), 0)::int as n from communication_purges
          where consent_event_id in (select json_array_elements_text(${json(consentEventIds)}::json)::uuid)`,
    ),
  );
  return Number(row?.n ?? 0);
}
