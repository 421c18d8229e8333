/**
 * The consent ledger: append-only events, SHA-256 hash-chained per employee. Each event's hash covers the
 * previous hash and every recorded field, so editing, deleting or reordering any event breaks the chain from
 * that point on. The canonical form is a JSON array in fixed order (test/unit/consent-ledger.test.ts pins it).
 */
import { createHash } from 'node:crypto';
import { asc, sql } from 'drizzle-orm';
import type { Channel, ConsentDecision } from '../../shared/channels.ts';
import { rowsOf, type Tx } from '../db/client.ts';
import { consentEvents } from '../db/schema.ts';

export const GENESIS_HASH = '0'.repeat(64);
const FORMAT = 'panops.consent-event.v1';

export type LedgerFields = {
  customerId: string;
  employeeId: string;
  seq: number;
  channel: Channel;
  decision: ConsentDecision;
  noticeVersionId: string;
  language: string;
  occurredAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
  idempotencyKey: string;
};

export function canonicalEvent(prevHash: string, e: LedgerFields): string {
  return JSON.stringify([
    FORMAT,
    prevHash,
    e.customerId,
    e.employeeId,
    e.seq,
    e.channel,
    e.decision,
    e.noticeVersionId,
    e.language,
    e.occurredAt.toISOString(),
    e.ipAddress,
    e.userAgent,
    e.idempotencyKey,
  ]);
}

export function hashEvent(prevHash: string, e: LedgerFields): string {
  return createHash('sha256').update(canonicalEvent(prevHash, e), 'utf8').digest('hex');
}

export type StoredEvent = LedgerFields & { prevHash: string; hash: string };
export type ChainBreak = { employeeId: string; seq: number; reason: 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch' };

/** Verifies one employee's events, which must be sorted by seq. Returns the first break, or null. */
export function verifyChain(events: readonly StoredEvent[]): ChainBreak | null {
  let prevHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const at = { employeeId: event.employeeId, seq: event.seq };
    if (event.seq !== index + 1) return { ...at, reason: 'seq_gap' };
    if (event.prevHash !== prevHash) return { ...at, reason: 'prev_hash_mismatch' };
    if (hashEvent(prevHash, event) !== event.hash) return { ...at, reason: 'hash_mismatch' };
    prevHash = event.hash;
  }
  return null;
}

export type NewDecision = { channel: Channel; decision: ConsentDecision };
export type AppendContext = Omit<LedgerFields, 'seq' | 'channel' | 'decision' | 'idempotencyKey'> & {
  idempotencyKey: string;
};

/** Per-event keys derived from the submission key, so the unique index covers every event of a submission. */
export const eventKey = (submissionKey: string, channel: Channel) => `${submissionKey}:${channel}`;

/** The newest event of an employee's chain; the writers read it under the ledger lock (consent_ledger_state). */
export type ChainTip = { seq: number; hash: string } | undefined;

/** Builds the next links of the chain after `tip`; pure, so the insert can be pipelined with other writes. */
export function chainEvents(tip: ChainTip, context: AppendContext, decisions: readonly NewDecision[]): StoredEvent[] {
  let seq = tip?.seq ?? 0;
  let prevHash = tip?.hash ?? GENESIS_HASH;
  return decisions.map((d) => {
    const fields: LedgerFields = {
      ...context,
      seq: ++seq,
      channel: d.channel,
      decision: d.decision,
      idempotencyKey: eventKey(context.idempotencyKey, d.channel),
    };
    const event = { ...fields, prevHash, hash: hashEvent(prevHash, fields) };
    prevHash = event.hash;
    return event;
  });
}

/** Checks every chain of the current tenant. */
export async function checkTenantLedger(tx: Tx): Promise<{ employees: number; events: number; breaks: ChainBreak[] }> {
  const events = await tx.select().from(consentEvents).orderBy(asc(consentEvents.employeeId), asc(consentEvents.seq));
  const byEmployee = Map.groupBy(events, (e) => e.employeeId);
  const breaks: ChainBreak[] = [];
  for (const chain of byEmployee.values()) {
    const broken = verifyChain(chain);
    if (broken) breaks.push(broken);
  }
  return { employees: byEmployee.size, events: events.length, breaks };
}

/** Point in time: the channels with valid consent for an employee at `at` (SQL function, RLS-scoped). */
export async function consentedChannelsAt(tx: Tx, employeeId: string, at: Date): Promise<Channel[]> {
  const result = await tx.execute(
    sql`select consented_channels_at(${employeeId}::uuid, ${at.toISOString()}::timestamptz) as channels`,
  );
  return rowsOf<{ channels: Channel[] }>(result)[0]?.channels ?? [];
}
