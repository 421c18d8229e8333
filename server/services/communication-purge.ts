/**
 * The purge on withdraw (ADR 0006) happens in record_consent() (migration 0013), in the transaction that appends the
 * ending events; this reads what it removed. Kept apart from the ingestion path so the consent code does not load
 * the language detector.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';

const json = (value: unknown) => JSON.stringify(value);

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
