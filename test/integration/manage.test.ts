import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentEvents, employeeConsent } from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { checkTenantLedger } from '../../server/services/consent-ledger.ts';
import type { Channel } from '../../shared/channels.ts';
import { callerFor, enroll } from '../helpers/caller.ts';
import { openTestDb, testDbKind, type TestDb } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

async function enrolled(grants: Channel[] = ['email', 'messaging', 'video', 'sms_voice']) {
  const c = await makeCustomer(t.handle);
  const person = c.employees[0]!;
  const receipt = await enroll(t.handle, person.token, Object.fromEntries(grants.map((g) => [g, 'grant'])));
  const projection = () =>
    withTenant(t.handle, c.customerId, async (tx) => {
      const [row] = await tx.select().from(employeeConsent).where(eq(employeeConsent.employeeId, person.id));
      return row!;
    });
  return { c, person, manageToken: receipt.manageToken, projection };
}

describe(`manage my consent (${testDbKind})`, () => {
  it('withdrawing one channel is effective when the call returns', async () => {
    const { manageToken, projection } = await enrolled();
    const api = callerFor(t.handle);
    const result = await api.consent.update({ manageToken, action: 'withdraw', idempotencyKey: randomUUID(), channels: ['video'] });
    expect(result.channels).toEqual(['video']);
    expect((await projection()).channelsConsented).toEqual(['email', 'messaging', 'sms_voice']);
    const view = await api.consent.manage({ manageToken, language: 'en' });
    expect(view.channels.find((c) => c.channel === 'video')).toMatchObject({ allowed: false, since: null });
    expect(view.history.at(-1)).toMatchObject({ channel: 'video', decision: 'withdraw' });
  });

  it('withdrawing everything marks the projection revoked, and granting again clears it', async () => {
    const { manageToken, projection, c } = await enrolled(['email', 'video']);
    const api = callerFor(t.handle);
    await api.consent.update({ manageToken, action: 'withdraw', idempotencyKey: randomUUID(), channels: ['email', 'video'] });
    const revoked = await projection();
    expect(revoked).toMatchObject({ channelsConsented: [], revoked: true });
    expect(revoked.revokedAt).toBeInstanceOf(Date);

    const view = await api.consent.manage({ manageToken, language: 'fr' });
    await api.consent.update({
      manageToken,
      action: 'grant',
      idempotencyKey: randomUUID(),
      channels: ['email'],
      noticeVersionId: view.notice.versionId,
      language: 'fr',
      acknowledged: true,
    });
    expect(await projection()).toMatchObject({ channelsConsented: ['email'], revoked: false, revokedAt: null, consentVersion: 'v1-fr' });
    expect((await withTenant(t.handle, c.customerId, checkTenantLedger)).breaks).toEqual([]);
  });

  it('granting again needs an acknowledgment; withdrawing does not', async () => {
    const { manageToken } = await enrolled(['email']);
    const api = callerFor(t.handle);
    const view = await api.consent.manage({ manageToken, language: 'en' });
    const refused = await api.consent
      .update({
        manageToken,
        action: 'grant',
        idempotencyKey: randomUUID(),
        channels: ['video'],
        noticeVersionId: view.notice.versionId,
        language: 'en',
        acknowledged: false as unknown as true,
      })
      .catch((e: unknown) => e);
    expect((refused as TRPCError).code).toBe('BAD_REQUEST');
  });

  it('a repeated withdrawal records one event', async () => {
    const { manageToken, c, person } = await enrolled(['email']);
    const api = callerFor(t.handle);
    const input = { manageToken, action: 'withdraw' as const, idempotencyKey: randomUUID(), channels: ['email' as const] };
    await Promise.all([api.consent.update(input), api.consent.update(input)]);
    await api.consent.update({ ...input, idempotencyKey: randomUUID() });
    const events = await withTenant(t.handle, c.customerId, (tx) =>
      tx.select().from(consentEvents).where(eq(consentEvents.employeeId, person.id)),
    );
    expect(events.filter((e) => e.decision === 'withdraw')).toHaveLength(1);
  });

  it('keeps working after the enrollment link has expired', async () => {
    const { manageToken } = await enrolled(['email']);
    const inTwoMonths = new Date(Date.now() + 60 * 24 * 3600 * 1000);
    const api = callerFor(t.handle, { now: inTwoMonths });
    const result = await api.consent.update({ manageToken, action: 'withdraw', idempotencyKey: randomUUID(), channels: ['email'] });
    expect(result.channels).toEqual(['email']);
  });

  it('refuses unknown manage tokens and channels the customer does not use', async () => {
    const api = callerFor(t.handle);
    const unknown = await api.consent.manage({ manageToken: 'x'.repeat(43), language: 'en' }).catch((e: TRPCError) => e);
    expect((unknown as TRPCError).code).toBe('NOT_FOUND');
    expect((unknown as TRPCError).message).toBe('MANAGE_LINK_INVALID');
    const c2 = await makeCustomer(t.handle, { channels: ['email'] });
    const receipt = await enroll(t.handle, c2.employees[0]!.token, { email: 'grant' });
    const wrong = await api.consent
      .update({ manageToken: receipt.manageToken, action: 'withdraw', idempotencyKey: randomUUID(), channels: ['video'] })
      .catch((e: TRPCError) => e);
    expect((wrong as TRPCError).message).toBe('CHANNELS_MISMATCH');
  });
});
