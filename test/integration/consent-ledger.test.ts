import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../server/db/tenant.ts';
import { checkAllLedgers } from '../../server/scripts/ledger-check.ts';
import { checkTenantLedger, consentedChannelsAt } from '../../server/services/consent-ledger.ts';
import { callerFor, enroll } from '../helpers/caller.ts';
import { openTestDb, testDbKind, type TestDb } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

const enrollAt = (token: string, now: Date, decisions: Parameters<typeof enroll>[2]) =>
  enroll(t.handle, token, decisions, { now });

describe(`consent ledger (${testDbKind})`, () => {
  it('answers which channels had valid consent at any point in time', async () => {
    const t0 = new Date('2026-03-01T09:00:00Z');
    const c = await makeCustomer(t.handle, { now: t0 });
    const person = c.employees[0]!;
    const receipt = await enrollAt(person.token, new Date('2026-03-02T09:00:00Z'), { email: 'grant', messaging: 'grant' });
    await callerFor(t.handle, { now: new Date('2026-03-05T09:00:00Z') }).consent.update({
      manageToken: receipt.manageToken,
      action: 'withdraw',
      idempotencyKey: randomUUID(),
      channels: ['messaging'],
    });
    const at = (iso: string) =>
      withTenant(t.handle, c.customerId, (tx) => consentedChannelsAt(tx, person.id, new Date(iso)));
    expect(await at('2026-03-01T12:00:00Z')).toEqual([]);
    expect(await at('2026-03-03T12:00:00Z')).toEqual(['email', 'messaging']);
    expect(await at('2026-03-05T09:00:00Z')).toEqual(['email']);
    expect(await at('2027-01-01T00:00:00Z')).toEqual(['email']);
    // Another tenant asking about this employee learns nothing.
    const other = await makeCustomer(t.handle);
    expect(
      await withTenant(t.handle, other.customerId, (tx) => consentedChannelsAt(tx, person.id, new Date('2026-03-03'))),
    ).toEqual([]);
  });

  it('reports an edited event as a broken chain, from that event on', async () => {
    const c = await makeCustomer(t.handle, { count: 2 });
    await enrollAt(c.employees[0]!.token, new Date(), { email: 'grant' });
    await enrollAt(c.employees[1]!.token, new Date(), { email: 'grant', video: 'grant' });
    expect((await withTenant(t.handle, c.customerId, checkTenantLedger)).breaks).toEqual([]);

    // Tamper as the owner: switch the trigger off, flip a refusal into a grant, switch it back on.
    const victim = c.employees[1]!.id;
    await t.owner(`select set_config('app.customer_id', $1, false)`, [c.customerId]);
    try {
      await t.owner(`alter table consent_events disable trigger consent_events_no_update_delete`);
      await t.owner(`update consent_events set decision = 'grant' where employee_id = $1 and seq = 2`, [victim]);
    } finally {
      await t.owner(`alter table consent_events enable trigger consent_events_no_update_delete`);
      await t.owner(`select set_config('app.customer_id', '', false)`);
    }
    const report = await withTenant(t.handle, c.customerId, checkTenantLedger);
    expect(report.breaks).toEqual([{ employeeId: victim, seq: 2, reason: 'hash_mismatch' }]);
    const all = await checkAllLedgers(t.handle);
    expect(all.breaks).toContainEqual({ customerId: c.customerId, employeeId: victim, seq: 2, reason: 'hash_mismatch' });
  });

  it('reports a deleted event as a gap', async () => {
    const c = await makeCustomer(t.handle);
    const person = c.employees[0]!;
    await enrollAt(person.token, new Date(), { email: 'grant' });
    await t.owner(`select set_config('app.customer_id', $1, false)`, [c.customerId]);
    try {
      await t.owner(`alter table consent_events disable trigger consent_events_no_update_delete`);
      await t.owner(`delete from consent_events where employee_id = $1 and seq = 1`, [person.id]);
    } finally {
      await t.owner(`alter table consent_events enable trigger consent_events_no_update_delete`);
      await t.owner(`select set_config('app.customer_id', '', false)`);
    }
    const report = await withTenant(t.handle, c.customerId, checkTenantLedger);
    expect(report.breaks).toEqual([{ employeeId: person.id, seq: 2, reason: 'seq_gap' }]);
  });
});
