/**
 * POST /api/v1/ingest over real HTTP: API-key authentication (401 + logged failure), size limits (413), per-record
 * validation, the consent gate, attribution, customer isolation, idempotency, the purge on withdraw and — on
 * PostgreSQL — the race between an ingest and a withdraw.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/channels.ts';
import { INGEST_MAX_BYTES, INGEST_PATH, type TIngestResponse } from '../../shared/schemas/ingest.ts';
import { rowsOf } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { updateManage } from '../../server/services/manage.ts';
import { callerFor, enroll } from '../helpers/caller.ts';
import { commRecord, toWire, ingest } from '../helpers/communications.ts';
import { openTestDb, testDbKind, type TestDb } from '../helpers/db.ts';
import { makeCustomer, type TestCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, startTestServer, type RunningServer } from '../helpers/services.ts';

const DAY = 86_400_000;
const UA = `ingest-test-${randomUUID()}`;

let db: TestDb;
let server: RunningServer;
beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer(db.handle);
  // api_auth_failures is insert-only for the app and forced-RLS for the owner too: let this test's owner read it.
  await db.owner('drop policy if exists ingest_test_read on api_auth_failures');
  await db.owner('create policy ingest_test_read on api_auth_failures for select to current_user using (true)');
});
afterAll(async () => {
  // The shared PostgreSQL of the test run must not keep a read path into this table.
  await db.owner('drop policy if exists ingest_test_read on api_auth_failures');
  await server.close();
  await db.close();
});


async function post(key: string | null, body: unknown, opts: { raw?: string } = {}) {
  const response = await fetch(`${server.origin}${INGEST_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': UA,
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: opts.raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as TIngestResponse & { error?: string } };
}

async function newKey(customerId: string, role: 'admin' | 'operator' = 'admin') {
  const user = await makeUser(server.services, role, customerId);
  const created = await callerAs(server.services, user).apiKeys.create({ label: `Connector ${randomUUID().slice(0, 4)}` });
  return { user, ...created };
}

/** A customer whose employees granted `granted` `daysAgo` days ago (the rest of the channels denied). */
async function consentingCustomer(count: number, granted: Channel[], daysAgo = 10, channels?: Channel[]) {
  const c = await makeCustomer(db.handle, { count, ...(channels ? { channels } : {}) });
  const receipts = [];
  for (const e of c.employees) {
    receipts.push(
      await enroll(db.handle, e.token, Object.fromEntries(granted.map((ch) => [ch, 'grant'])), {
        now: new Date(Date.now() - daysAgo * DAY),
      }),
    );
  }
  return { ...c, receipts };
}

const tenantRows = <T>(customerId: string, query: ReturnType<typeof sql>) =>
  withTenant(db.handle, customerId, async (tx) => rowsOf<T>(await tx.execute(query)));
const storedIds = async (customerId: string) =>
  (await tenantRows<{ external_id: string }>(customerId, sql`select external_id from communications order by external_id`)).map(
    (r) => r.external_id,
  );
const recent = (days = 1) => new Date(Date.now() - days * DAY);

let a: Awaited<ReturnType<typeof consentingCustomer>>;
let b: TestCustomer;
let keyA: Awaited<ReturnType<typeof newKey>>;
beforeAll(async () => {
  a = await consentingCustomer(3, ['email', 'messaging']);
  b = await consentingCustomer(1, ['email']);
  keyA = await newKey(a.customerId);
});

describe(`POST ${INGEST_PATH} (${testDbKind})`, () => {
  it('answers 401 to a missing, malformed or unknown key and logs each attempt with the prefix only', async () => {
    const unknown = `pk_zzzzzzzz_${'A'.repeat(43)}`;
    for (const key of [null, 'not-a-key', unknown]) {
      const { status, body } = await post(key, { records: [] });
      expect(status, String(key)).toBe(401);
      expect(body).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.any(String) });
    }
    const logged = await db.owner(`select key_prefix, reason, ip_address, user_agent from api_auth_failures where user_agent = $1 order by occurred_at`, [UA]);
    expect(logged.map((r) => [r.key_prefix, r.reason])).toEqual([
      [null, 'missing'],
      [null, 'malformed'],
      ['pk_zzzzzzzz', 'unknown_or_revoked'],
    ]);
    expect(logged[0]!.ip_address).toBe('127.0.0.1');
  });

  it('stores the valid records of a batch, lists the malformed ones by index, code and path, and is idempotent', async () => {
    const [e1, e2] = a.employees;
    const good = [commRecord(e1!.email, 'email', { occurredAt: recent() }), commRecord(e2!.email, 'messaging', { occurredAt: recent() })];
    const batch = [
      toWire(good[0]!),
      { ...toWire(commRecord(e1!.email, 'email')), external_id: '' },
      toWire(good[1]!),
      { ...toWire(commRecord(e1!.email, 'email')), channel: 'carrier_pigeon', occurred_at: 'yesterday' },
      'not a record',
    ];
    const first = await post(keyA.secret, { records: batch });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ received: 5, accepted: 2 });
    expect(first.body.rejected).toEqual(
      expect.arrayContaining([
        { index: 1, code: 'too_small', path: ['external_id'] },
        { index: 3, code: 'invalid_value', path: ['channel'] },
        { index: 3, code: 'invalid_format', path: ['occurred_at'] },
        { index: 4, code: 'invalid_type', path: [] },
      ]),
    );
    expect(new Set(first.body.rejected.map((r) => r.index))).toEqual(new Set([1, 3, 4]));
    expect(await storedIds(a.customerId)).toEqual(expect.arrayContaining(good.map((g) => g.externalId)));

    const again = await post(keyA.secret, { records: [toWire(good[0]!), toWire(good[1]!)] });
    expect(again.body).toMatchObject({ accepted: 2 });
    expect(await storedIds(a.customerId)).toHaveLength(new Set(await storedIds(a.customerId)).size);
    const keys = await callerAs(server.services, keyA.user).apiKeys.list();
    expect(keys.find((k) => k.id === keyA.key.id)!.lastUsedAt).not.toBeNull();
  });

  it('stores nothing for a channel without consent, consent granted after the record, or a channel the customer does not use', async () => {
    const c = await consentingCustomer(1, ['email'], 2, ['email', 'messaging']);
    const { secret } = await newKey(c.customerId);
    const email = c.employees[0]!.email;
    const { body } = await post(secret, {
      records: [
        toWire(commRecord(email, 'messaging', { occurredAt: recent() })),
        toWire(commRecord(email, 'email', { occurredAt: recent(5) })),
        toWire(commRecord(email, 'video', { occurredAt: recent() })),
        toWire(commRecord(email, 'email', { occurredAt: recent() })),
      ],
    });
    // The answer does not say which of the accepted records the consent gate kept out (ADR 0013): the table does.
    expect(body).toEqual({ received: 4, accepted: 3, notStored: { channel_not_configured: 1, unknown_employee: 0, ambiguous_name: 0 }, rejected: [] });
    expect(await storedIds(c.customerId)).toHaveLength(1);
  });

  it("cannot be used to read a choice: a record for a channel the author refused is answered like one they allowed, the first time and when repeated", async () => {
    const c = await consentingCustomer(1, ['email'], 2, ['email', 'messaging']);
    const { secret } = await newKey(c.customerId);
    const email = c.employees[0]!.email;
    const allowed = toWire(commRecord(email, 'email', { occurredAt: recent() }));
    const refused = toWire(commRecord(email, 'messaging', { occurredAt: recent() }));
    const answers = [];
    for (const record of [allowed, refused, allowed, refused]) answers.push((await post(secret, { records: [record] })).body);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({ received: 1, accepted: 1, notStored: { channel_not_configured: 0, unknown_employee: 0, ambiguous_name: 0 }, rejected: [] });
    expect(await storedIds(c.customerId)).toHaveLength(1);
  });

  it('uses the display name only when no email is given and exactly one current employee has it', async () => {
    const [e1] = a.employees;
    const byName = (name: string) => toWire(commRecord('', 'email', { occurredAt: recent(), author: { name } }));
    const { body } = await post(keyA.secret, { records: [byName(e1!.displayName.toUpperCase()), byName('Nobody Known')] });
    expect(body).toMatchObject({ accepted: 1, notStored: { unknown_employee: 1 } });
  });

  it("never writes to another customer: B's employee in A's batch is unknown to A, and B's store stays empty", async () => {
    const bEmail = b.employees[0]!.email;
    const { body } = await post(keyA.secret, { records: [toWire(commRecord(bEmail, 'email', { occurredAt: recent() }))] });
    expect(body).toMatchObject({ accepted: 0, notStored: { unknown_employee: 1 } });
    expect(await storedIds(b.customerId)).toEqual([]);
  });

  it('refuses more than 1,000 records and an oversized body with 413, storing nothing', async () => {
    const email = a.employees[2]!.email;
    const many = Array.from({ length: 1001 }, () => toWire(commRecord(email, 'email', { occurredAt: recent() })));
    const tooMany = await post(keyA.secret, { records: many });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toMatchObject({ code: 'TOO_LARGE', limit: 1000 });

    const huge = JSON.stringify({ records: [toWire(commRecord(email, 'email', { body: 'x'.repeat(INGEST_MAX_BYTES) }))] });
    const tooBig = await post(keyA.secret, null, { raw: huge });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'TOO_LARGE', limit: INGEST_MAX_BYTES });

    const rows = await tenantRows<{ n: number }>(
      a.customerId,
      sql`select count(*)::int as n from communications where employee_id = ${a.employees[2]!.id}`,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('answers 401 once a key is revoked', async () => {
    const k = await newKey(a.customerId, 'admin');
    const email = a.employees[0]!.email;
    expect((await post(k.secret, { records: [] })).status).toBe(200);
    await callerAs(server.services, k.user).apiKeys.revoke({ id: k.key.id });
    const { status } = await post(k.secret, { records: [toWire(commRecord(email, 'email', { occurredAt: recent() }))] });
    expect(status).toBe(401);
  });

  it('a withdraw purges the records (the receipt says how many) and they are gone from a tenant SELECT', async () => {
    const c = await consentingCustomer(1, ['email', 'messaging'], 10);
    const { secret } = await newKey(c.customerId);
    const email = c.employees[0]!.email;
    const records = [
      ...Array.from({ length: 4 }, () => commRecord(email, 'email', { occurredAt: recent(3) })),
      commRecord(email, 'messaging', { occurredAt: recent(3) }),
    ];
    expect((await post(secret, { records: records.map((r) => toWire(r)) })).body.accepted).toBe(5);
    expect(await storedIds(c.customerId)).toHaveLength(5);
    const idempotencyKey = randomUUID();
    const api = callerFor(db.handle);
    const manageToken = c.receipts[0]!.manageToken;
    const receipt = await api.consent.update({ manageToken, action: 'withdraw', channels: ['email'], idempotencyKey });
    expect(receipt.removed).toBe(4);
    // A retried withdraw answers with the same receipt.
    expect((await api.consent.update({ manageToken, action: 'withdraw', channels: ['email'], idempotencyKey })).removed).toBe(4);
    const left = await tenantRows<{ channel: string }>(c.customerId, sql`select channel from communications`);
    expect(left.map((r) => r.channel)).toEqual(['messaging']);
    // Re-posting the same records stores nothing (and is answered as before: accepted).
    expect((await post(secret, { records: records.map((r) => toWire(r)) })).body).toMatchObject({ accepted: 5 });
    expect((await tenantRows<{ channel: string }>(c.customerId, sql`select channel from communications`)).map((r) => r.channel)).toEqual(['messaging']);
  });
});

describe.runIf(testDbKind === 'postgres')('ingest racing a withdraw (PostgreSQL)', () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  };
  const settled = async (p: Promise<unknown>, ms: number) =>
    Promise.race([p.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
  const meta = { ipAddress: '127.0.0.1', userAgent: 'race' };

  it('ingest first: the withdraw waits for it and then purges what it stored', async () => {
    const c = await consentingCustomer(1, ['email']);
    const e = c.employees[0]!;
    const records = Array.from({ length: 20 }, () => commRecord(e.email, 'email', { occurredAt: recent() }));
    const hold = gate();
    const stored = gate();
    const ingesting = withTenant(db.handle, c.customerId, async (tx) => {
      const { storeCommunications } = await import('../../server/services/communications.ts');
      const result = await storeCommunications(tx, c.customerId, records, new Date());
      stored.open();
      await hold.opened;
      return result;
    });
    await stored.opened;
    const withdrawing = withTenant(db.handle, c.customerId, (tx) =>
      updateManage(tx, { customerId: c.customerId, employeeId: e.id }, { action: 'withdraw', channels: ['email'], idempotencyKey: randomUUID() }, meta, new Date()),
    );
    expect(await settled(withdrawing, 300)).toBe(false);
    hold.open();
    expect((await ingesting).stored).toBe(20);
    expect((await withdrawing).removed).toBe(20);
    expect(await storedIds(c.customerId)).toEqual([]);
  });

  it('withdraw first: the ingest waits for it and then stores nothing', async () => {
    const c = await consentingCustomer(1, ['email']);
    const e = c.employees[0]!;
    const hold = gate();
    const recorded = gate();
    const withdrawing = withTenant(db.handle, c.customerId, async (tx) => {
      const result = await updateManage(
        tx,
        { customerId: c.customerId, employeeId: e.id },
        { action: 'withdraw', channels: ['email'], idempotencyKey: randomUUID() },
        meta,
        new Date(),
      );
      recorded.open();
      await hold.opened;
      return result;
    });
    await recorded.opened;
    const records = Array.from({ length: 20 }, () => commRecord(e.email, 'email', { occurredAt: recent() }));
    const ingesting = ingest(db.handle, c.customerId, records);
    expect(await settled(ingesting, 300)).toBe(false);
    hold.open();
    await withdrawing;
    expect(await ingesting).toMatchObject({ stored: 0, notStored: { no_consent: 20 } });
    expect(await storedIds(c.customerId)).toEqual([]);
  });
});
