/**
 * Signal sessions and turns as fixture rows, for tests of what reads them (Archive). The Signal chat owns the real
 * writer; these are plain inserts in a tenant transaction with the same columns.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../server/db/client.ts';
import { rowsOf } from '../../server/db/client.ts';
import { signalSessions, signalTurns, type SignalTurnStatus } from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';

export async function makeSession(
  db: DbHandle,
  customerId: string,
  userId: string,
  opts: { title?: string; at?: Date } = {},
): Promise<string> {
  const id = randomUUID();
  const at = opts.at ?? new Date();
  await withTenant(db, customerId, (tx) =>
    tx.insert(signalSessions).values({ id, customerId, userId, title: opts.title ?? 'A session', createdAt: at, updatedAt: at }),
  );
  return id;
}

export async function makeTurn(
  db: DbHandle,
  customerId: string,
  sessionId: string,
  turn: {
    query: string;
    response?: string;
    retrieved?: string[];
    status?: SignalTurnStatus;
    at?: Date;
    mode?: 'llm' | 'extractive';
    errorCode?: string | null;
  },
): Promise<string> {
  const id = randomUUID();
  const at = turn.at ?? new Date();
  await withTenant(db, customerId, async (tx) => {
    const [next] = rowsOf<{ n: number }>(
      await tx.execute(sql`select coalesce(max(turn_index) + 1, 0)::int as n from signal_turns where session_id = ${sessionId}`),
    );
    await tx.insert(signalTurns).values({
      id,
      sessionId,
      customerId,
      turnIndex: next!.n,
      query: turn.query,
      response: turn.response ?? '',
      retrievedRecordIds: turn.retrieved ?? [],
      modelUsed: turn.mode === 'extractive' ? 'extractive' : 'fake-llm',
      mode: turn.mode ?? 'llm',
      status: turn.status ?? 'complete',
      errorCode: turn.errorCode ?? null,
      language: 'en',
      createdAt: at,
      completedAt: turn.status === 'failed' ? null : at,
    });
    await tx.update(signalSessions).set({ updatedAt: at }).where(sql`${signalSessions.id} = ${sessionId}`);
  });
  return id;
}

/** Ids of the stored communications of a customer, newest first. */
export async function communicationIds(db: DbHandle, customerId: string): Promise<{ id: string; employee_id: string; body: string }[]> {
  return withTenant(db, customerId, async (tx) =>
    rowsOf<{ id: string; employee_id: string; body: string }>(
      await tx.execute(sql`select id, employee_id, body from communications order by occurred_at desc, id`),
    ),
  );
}
