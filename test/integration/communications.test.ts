import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { addEmployees } from '../../server/services/customers.ts';
import { generateCommunications } from '../../server/seed/communications-generator.ts';
import { enroll, callerFor } from '../helpers/caller.ts';
import { commRecord, ingest } from '../helpers/communications.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { makeCustomer, makeEmployee } from '../helpers/factories.ts';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db.close();
});

const DAY = 86_400_000;

async function stored(customerId: string) {
  return withTenant(db.handle, customerId, async (tx) =>
    rowsOf<{ external_id: string; employee_id: string; channel: string; language: string; fts_config: string; consent_event_id: string; fts: string }>(
      await tx.execute(sql`select external_id, employee_id, channel, language, fts_config::text, consent_event_id, fts::text from communications order by external_id`),
    ),
  );
}

async function tenantSelect<T>(customerId: string, query: ReturnType<typeof sql>) {
  return withTenant(db.handle, customerId, async (tx) => rowsOf<T>(await tx.execute(query)));
}

describe('storeCommunications', () => {
  it('stores consented records with lineage, counts the rest by reason, and is idempotent', async () => {
    const enrolledAt = new Date(Date.now() - 10 * DAY);
    const c = await makeCustomer(db.handle, { count: 2, channels: ['email', 'messaging', 'video'] });
    const [a, b] = c.employees;
    await enroll(db.handle, a!.token, { email: 'grant', messaging: 'deny', video: 'grant' }, { now: enrolledAt });
    const after = new Date(enrolledAt.getTime() + DAY);
    const records = [
      commRecord(a!.email.toUpperCase(), 'email', { externalId: 'e1', occurredAt: after }),
      commRecord(a!.email, 'messaging', { externalId: 'm1', occurredAt: after }),
      commRecord(a!.email, 'email', { externalId: 'early', occurredAt: new Date(enrolledAt.getTime() - DAY) }),
      commRecord(b!.email, 'email', { externalId: 'b1', occurredAt: after }),
      commRecord('stranger@elsewhere.test', 'email', { externalId: 's1', occurredAt: after }),
      commRecord(a!.email, 'sms_voice', { externalId: 'sms1', occurredAt: after }),
      commRecord(a!.email, 'video', { externalId: 'v1', occurredAt: after, language: undefined, subject: null, body: '来週の出荷が遅れる可能性があります。サプライヤーに確認します。' }),
    ];
    const first = await ingest(db.handle, c.customerId, records);
    expect(first).toEqual({
      received: 7,
      stored: 2,
      duplicates: 0,
      notStored: { channel_not_configured: 1, unknown_employee: 1, ambiguous_name: 0, no_consent: 3 },
    });
    const rows = await stored(c.customerId);
    expect(rows.map((r) => r.external_id)).toEqual(['e1', 'v1']);
    const ja = rows.find((r) => r.external_id === 'v1')!;
    expect(ja.language).toBe('ja');
    expect(ja.fts_config).toBe('panops_simple');
    expect(ja.fts).toContain("'サプライヤー'");
    const grant = await tenantSelect<{ id: string }>(
      c.customerId,
      sql`select id from consent_events where employee_id = ${a!.id} and channel = 'email' and decision = 'grant'`,
    );
    expect(rows.find((r) => r.external_id === 'e1')!.consent_event_id).toBe(grant[0]!.id);

    const again = await ingest(db.handle, c.customerId, records);
    expect(again.stored).toBe(0);
    expect(again.duplicates).toBe(2);
  });

  it('falls back to the display name only when exactly one current employee has it (case and accents ignored)', async () => {
    const c = await makeCustomer(db.handle, { count: 0, channels: ['email'] });
    const people = await withTenant(db.handle, c.customerId, (tx) =>
      addEmployees(tx, c.customerId, [
        makeEmployee({ displayName: 'José Núñez' }),
        makeEmployee({ displayName: 'Sam Lee' }),
        makeEmployee({ displayName: 'sam lee' }),
      ]),
    );
    const { issueEnrollmentLinks } = await import('../../server/services/enrollment-links.ts');
    const links = await withTenant(db.handle, c.customerId, (tx) =>
      issueEnrollmentLinks(tx, c.customerId, people.map((p) => p.id), new Date(Date.now() - 5 * DAY)),
    );
    for (const l of links) await enroll(db.handle, l.token, { email: 'grant' }, { now: new Date(Date.now() - 5 * DAY) });
    const result = await ingest(db.handle, c.customerId, [
      commRecord('', 'email', { externalId: 'n1', author: { name: 'jose  nunez' } }),
      commRecord('', 'email', { externalId: 'n2', author: { name: 'Sam Lee' } }),
      commRecord('', 'email', { externalId: 'n3', author: { name: 'Nobody Here' } }),
      // An unknown email is not rescued by a matching name.
      commRecord('jose@other.test', 'email', { externalId: 'n4', author: { email: 'jose@other.test', name: 'José Núñez' } }),
    ]);
    expect(result.stored).toBe(1);
    expect(result.notStored).toMatchObject({ ambiguous_name: 1, unknown_employee: 2 });
    const rows = await stored(c.customerId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.employee_id).toBe(people.find((p) => p.displayName === 'José Núñez')!.id);
  });

  it('a withdraw purges, and re-ingesting the old records (even after granting again) brings nothing back', async () => {
    const start = new Date(Date.now() - 20 * DAY);
    const c = await makeCustomer(db.handle, { count: 1, channels: ['email', 'messaging'] });
    const [a] = c.employees;
    const receipt = await enroll(db.handle, a!.token, { email: 'grant', messaging: 'grant' }, { now: start });
    const old = [1, 2, 3].map((i) => commRecord(a!.email, 'email', { externalId: `old${i}`, occurredAt: new Date(start.getTime() + i * DAY) }));
    const chat = commRecord(a!.email, 'messaging', { externalId: 'chat1', occurredAt: new Date(start.getTime() + DAY) });
    expect((await ingest(db.handle, c.customerId, [...old, chat])).stored).toBe(4);

    const api = callerFor(db.handle);
    const withdrawn = await api.consent.update({ manageToken: receipt.manageToken, action: 'withdraw', channels: ['email'], idempotencyKey: crypto.randomUUID() });
    expect(withdrawn.removed).toBe(3);
    expect((await stored(c.customerId)).map((r) => r.external_id)).toEqual(['chat1']);
    const purges = await tenantSelect(
      c.customerId,
      sql`select channel, removed_count from communication_purges where employee_id = ${a!.id}`,
    );
    expect(purges).toEqual([{ channel: 'email', removed_count: 3 }]);

    expect((await ingest(db.handle, c.customerId, old)).notStored.no_consent).toBe(3);
    const view = await api.consent.manage({ manageToken: receipt.manageToken, language: 'en' });
    await api.consent.update({
      manageToken: receipt.manageToken,
      action: 'grant',
      channels: ['email'],
      idempotencyKey: crypto.randomUUID(),
      noticeVersionId: view.notice.versionId,
      language: 'en',
      acknowledged: true,
    });
    const reingest = await ingest(db.handle, c.customerId, old);
    expect(reingest.stored).toBe(0);
    expect(reingest.notStored.no_consent).toBe(3);
    const fresh = await ingest(db.handle, c.customerId, [commRecord(a!.email, 'email', { externalId: 'new1', occurredAt: new Date(Date.now() + 1000) })]);
    expect(fresh.stored).toBe(1);
  });

  it('the generator is deterministic and gives varied, multi-language records', () => {
    const people = Array.from({ length: 30 }, (_, i) => ({ email: `p${i}@acme.test`, displayName: `Person ${i}`, department: i % 2 ? 'Sales' : 'Engineering' }));
    const opts = { seed: 7, people, count: 500, end: new Date('2026-11-20T18:00:00Z') };
    const one = [...generateCommunications(opts)];
    const two = [...generateCommunications(opts)];
    expect(one).toEqual(two);
    expect(one).toHaveLength(500);
    expect(new Set(one.map((r) => r.channel)).size).toBe(4);
    expect(new Set(one.map((r) => r.externalId)).size).toBe(500);
    const weekend = one.filter((r) => [0, 6].includes(r.occurredAt.getUTCDay())).length;
    expect(weekend).toBeLessThan(500 * 0.1);
  });
});
