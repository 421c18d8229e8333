/**
 * The records behind Signal's answers, as the CEO sees them (ZSourceRecord), in the order asked for. A record that
 * is gone — purged when its author withdrew consent — comes back as removed, never with content.
 */
import { sql } from 'drizzle-orm';
import type { Channel } from '../../shared/channels.ts';
import type { TCitedSource, TSourceRecord } from '../../shared/schemas/sources.ts';
import { rowsOf, type Tx } from '../db/client.ts';

type Row = {
  id: string;
  channel: Channel;
  platform: string;
  occurred_at: string | Date;
  display_name: string;
  department: string | null;
  thread_id: string | null;
  subject: string | null;
  body: string;
  language: string;
};

const iso = (value: string | Date) => new Date(value).toISOString();

export async function loadSources(tx: Tx, customerId: string, ids: readonly string[]): Promise<TCitedSource[]> {
  if (ids.length === 0) return [];
  const rows = rowsOf<Row>(
    await tx.execute(sql`
      select c.id, c.channel, c.platform, c.occurred_at, e.display_name, e.department, c.thread_id, c.subject,
             c.body, c.language
      from communications c join employees e on e.id = c.employee_id and e.customer_id = c.customer_id
      where c.customer_id = ${customerId} and c.id = any(string_to_array(${ids.join(',')}, ',')::uuid[])`),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id): TCitedSource => {
    const r = byId.get(id);
    if (!r) return { removed: true, id };
    const record: TSourceRecord = {
      id: r.id,
      channel: r.channel,
      platform: r.platform,
      occurredAt: iso(r.occurred_at),
      author: { displayName: r.display_name, department: r.department },
      threadId: r.thread_id,
      subject: r.subject,
      body: r.body,
      language: r.language,
    };
    return { removed: false, record };
  });
}
