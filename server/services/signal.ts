/**
 * Signal sessions and turns. A turn is written twice, each time in its own short tenant transaction so none is held
 * open while the answer streams: when the question arrives (retrieval done, sources known, status "incomplete") and
 * when the answer ends (its text, and complete / incomplete / failed). A server that dies mid-answer therefore
 * leaves the question and its sources on record, marked incomplete.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Channel } from '../../shared/channels.ts';
import {
  sessionTitleOf,
  type TScopeOptions,
  type TSessionView,
  type TSignalQueryInput,
  type TStreamErrorCode,
  type TTurn,
} from '../../shared/schemas/signal.ts';
import type { TCitedSource } from '../../shared/schemas/sources.ts';
import type { SessionUser } from '../auth/auth.ts';
import type { DbHandle, Tx } from '../db/client.ts';
import { customers, employees, signalSessions, signalTurns, type SignalMode, type SignalTurnStatus } from '../db/schema.ts';
import { withTenant } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { presentRecords, summarize } from '../signal/extractive.ts';
import { HISTORY_TURNS, type HistoryTurn } from '../signal/prompt.ts';
import { resolveSources } from './archive.ts';
import { retrieve } from './retrieval.ts';


export type StartedTurn = {
  sessionId: string;
  turnId: string;
  customer: { name: string; outputLanguage: string };
  history: HistoryTurn[];
  sources: TCitedSource[];
};

/** Opens (or continues) the CEO's session, retrieves the sources and records the turn as started. */
export function startTurn(
  db: DbHandle,
  customerId: string,
  user: SessionUser,
  input: TSignalQueryInput,
  opts: { mode: SignalMode; model: string; embedding?: number[] | null },
): Promise<StartedTurn> {
  return withTenant(db, customerId, async (tx) => {
    let sessionId = input.sessionId;
    if (sessionId) {
      // Locked so two questions sent at once to one session get consecutive turn numbers.
      const [own] = await tx
        .select({ id: signalSessions.id })
        .from(signalSessions)
        .where(and(eq(signalSessions.id, sessionId), eq(signalSessions.customerId, customerId), eq(signalSessions.userId, user.id)))
        .for('update');
      if (!own) throw new AppError('NOT_FOUND');
    } else {
      sessionId = randomUUID();
      await tx.insert(signalSessions).values({
        id: sessionId,
        customerId,
        userId: user.id,
        title: sessionTitleOf(input.query),
      });
    }
    const [customer] = await tx
      .select({ name: customers.name, outputLanguage: customers.outputLanguage })
      .from(customers)
      .where(eq(customers.id, customerId));
    if (!customer) throw new AppError('NOT_FOUND');

    const previous = await tx
      .select({ query: signalTurns.query, response: signalTurns.response, turnIndex: signalTurns.turnIndex })
      .from(signalTurns)
      .where(eq(signalTurns.sessionId, sessionId))
      .orderBy(desc(signalTurns.turnIndex))
      .limit(HISTORY_TURNS + 1);
    const history = previous
      .filter((t) => t.response !== '')
      .slice(0, HISTORY_TURNS)
      .reverse()
      .map(({ query, response }) => ({ query, response }));

    const ids = await retrieve(tx, customerId, { query: input.query, scope: input.scope, embedding: opts.embedding });
    const sources = await resolveSources(tx, customerId, ids);

    const turnId = randomUUID();
    await tx.insert(signalTurns).values({
      id: turnId,
      sessionId,
      customerId,
      turnIndex: (previous[0]?.turnIndex ?? -1) + 1,
      query: input.query,
      response: '',
      retrievedRecordIds: ids,
      scope: input.scope ?? {},
      modelUsed: opts.model,
      mode: opts.mode,
      status: 'incomplete',
      language: customer.outputLanguage,
    });
    await tx.update(signalSessions).set({ updatedAt: sql`now()` }).where(eq(signalSessions.id, sessionId));
    return { sessionId, turnId, customer, history, sources };
  });
}

/** Records how the answer ended, with whatever text arrived. */
export function finishTurn(
  db: DbHandle,
  customerId: string,
  turnId: string,
  outcome: { response: string; status: SignalTurnStatus; errorCode?: TStreamErrorCode | null },
): Promise<void> {
  return withTenant(db, customerId, async (tx) => {
    await tx
      .update(signalTurns)
      .set({ response: outcome.response, status: outcome.status, errorCode: outcome.errorCode ?? null, completedAt: sql`now()` })
      .where(and(eq(signalTurns.id, turnId), eq(signalTurns.customerId, customerId)));
  });
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** One of the CEO's own sessions with every turn and its sources, to continue it. */
export async function sessionView(tx: Tx, customerId: string, user: SessionUser, sessionId: string): Promise<TSessionView> {
  const [session] = await tx
    .select({ id: signalSessions.id, title: signalSessions.title })
    .from(signalSessions)
    .where(and(eq(signalSessions.id, sessionId), eq(signalSessions.customerId, customerId), eq(signalSessions.userId, user.id)));
  if (!session) throw new AppError('NOT_FOUND');
  const rows = await tx
    .select()
    .from(signalTurns)
    .where(eq(signalTurns.sessionId, sessionId))
    .orderBy(asc(signalTurns.turnIndex));
  const turns: TTurn[] = [];
  for (const row of rows) {
    const sources = await resolveSources(tx, customerId, row.retrievedRecordIds);
    turns.push({
      turnId: row.id,
      turnIndex: row.turnIndex,
      query: row.query,
      response: row.response,
      mode: row.mode,
      status: row.status,
      errorCode: row.errorCode,
      model: row.modelUsed,
      scope: row.scope,
      createdAt: iso(row.createdAt),
      sources,
      summary: row.mode === 'extractive' ? summarize(presentRecords(sources)) : null,
    });
  }
  return { sessionId: session.id, title: session.title, turns };
}

/** What the CEO can narrow a question to: the customer's channels and the current departments. */
export async function scopeOptions(tx: Tx, customerId: string, mode: SignalMode): Promise<TScopeOptions> {
  const [customer] = await tx.select({ channels: customers.channels }).from(customers).where(eq(customers.id, customerId));
  const departments = await tx
    .selectDistinct({ department: employees.department })
    .from(employees)
    .where(and(eq(employees.customerId, customerId), isNull(employees.leftAt), isNotNull(employees.department), ne(employees.department, '')))
    .orderBy(asc(employees.department));
  return {
    channels: (customer?.channels ?? []) as Channel[],
    departments: departments.map((d) => d.department!),
    mode,
  };
}
