import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/channels.ts';
import {
  consentEvents,
  employeeConsent,
  employees,
  identityConfirmations,
  identityCorrections,
  noticeViews,
} from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { appCodeOf } from '../../server/errors.ts';
import { checkTenantLedger } from '../../server/services/consent-ledger.ts';
import { callerFor, grantAll, submission } from '../helpers/caller.ts';
import { injectInsertFault, openTestDb, type TestDb } from '../helpers/db.ts';
import { linkRow, makeCustomer } from '../helpers/factories.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());


async function expectAppError(promise: Promise<unknown>, appCode: string, httpCode?: TRPCError['code']) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${appCode}`).toBeInstanceOf(TRPCError);
  expect(appCodeOf(error as TRPCError)).toBe(appCode);
  if (httpCode) expect((error as TRPCError).code).toBe(httpCode);
}

async function openAndSubmit(token: string, overrides: Record<string, unknown> = {}) {
  const api = callerFor(t.handle);
  const view = await api.enrollment.get({ token, language: 'en' });
  return api.enrollment.submit({ ...submission(token, view, grantAll(view.channels)), ...overrides });
}

describe(`enrollment (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('shows the roster identity, configured channels and the notice in the requested language', async () => {
    const c = await makeCustomer(t.handle, { channels: ['email', 'video'] });
    const person = c.employees[0]!;
    const view = await callerFor(t.handle).enrollment.get({ token: person.token, language: 'de' });
    expect(view.channels).toEqual(['email', 'video']);
    expect(view.identity.email).toBe(person.email);
    expect(view.notice.language).toBe('de');
    expect(view.notice.label).toBe('v1-de');
    expect(view.notice.body).toContain('Casey Chief');
  });

  it('records the notice version and language actually shown, and marks the link opened', async () => {
    const c = await makeCustomer(t.handle);
    const person = c.employees[0]!;
    const api = callerFor(t.handle);
    const view = await api.enrollment.get({ token: person.token, language: 'ar' });
    await api.enrollment.noticeShown({ token: person.token, noticeVersionId: view.notice.versionId });
    const views = await withTenant(t.handle, c.customerId, (tx) =>
      tx.select().from(noticeViews).where(eq(noticeViews.employeeId, person.id)),
    );
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ noticeVersionId: view.notice.versionId, language: 'ar' });
    expect((await linkRow(t.handle, c.customerId, person.token))?.openedAt).toBeInstanceOf(Date);
  });

  it('submits per-channel choices: events, projection, receipt and a used link, in one go', async () => {
    const c = await makeCustomer(t.handle);
    const person = c.employees[0]!;
    const receipt = await openAndSubmit(person.token, {
      choices: [
        { channel: 'email', decision: 'grant' },
        { channel: 'messaging', decision: 'deny' },
        { channel: 'video', decision: 'grant' },
        { channel: 'sms_voice', decision: 'deny' },
      ],
    });
    expect(receipt.decisions).toEqual([
      { channel: 'email', decision: 'grant' },
      { channel: 'messaging', decision: 'deny' },
      { channel: 'video', decision: 'grant' },
      { channel: 'sms_voice', decision: 'deny' },
    ]);
    expect(receipt.noticeLabel).toBe('v1-en');
    expect(receipt.manageToken.length).toBeGreaterThanOrEqual(40);

    const { events, projection, ledger } = await withTenant(t.handle, c.customerId, async (tx) => ({
      events: await tx.select().from(consentEvents).where(eq(consentEvents.employeeId, person.id)).orderBy(consentEvents.seq),
      projection: await tx.select().from(employeeConsent).where(eq(employeeConsent.employeeId, person.id)),
      ledger: await checkTenantLedger(tx),
    }));
    expect(events.map((e) => [e.seq, e.channel, e.decision])).toEqual([
      [1, 'email', 'grant'],
      [2, 'messaging', 'deny'],
      [3, 'video', 'grant'],
      [4, 'sms_voice', 'deny'],
    ]);
    expect(events[0]).toMatchObject({ ipAddress: '203.0.113.7', userAgent: 'vitest', language: 'en' });
    expect(projection).toHaveLength(1);
    expect(projection[0]).toMatchObject({
      email: person.email,
      consentVersion: 'v1-en',
      channelsConsented: ['email', 'video'],
      revoked: false,
      revokedAt: null,
      ipAddress: '203.0.113.7',
    });
    expect(ledger.breaks).toEqual([]);
    const link = await linkRow(t.handle, c.customerId, person.token);
    expect(link?.status).toBe('used');
    expect(link?.usedAt).toBeInstanceOf(Date);
  });

  it('records one decision when the same submission arrives twice (retry or double tap)', async () => {
    const c = await makeCustomer(t.handle);
    const person = c.employees[0]!;
    const api = callerFor(t.handle);
    const view = await api.enrollment.get({ token: person.token, language: 'en' });
    const input = submission(person.token, view, grantAll(view.channels));
    const [first, second] = await Promise.all([api.enrollment.submit(input), api.enrollment.submit(input)]);
    const third = await api.enrollment.submit(input);
    expect(second.decisions).toEqual(first.decisions);
    expect(third.recordedAt).toBe(first.recordedAt);
    const events = await withTenant(t.handle, c.customerId, (tx) =>
      tx.select().from(consentEvents).where(eq(consentEvents.employeeId, person.id)),
    );
    expect(events).toHaveLength(CHANNELS.length);
    // Every receipt's manage link works.
    for (const r of [first, second, third]) {
      expect((await api.consent.manage({ manageToken: r.manageToken, language: 'en' })).email).toBe(person.email);
    }
  });

  it("refuses another employee's idempotency key and writes nothing for it", async () => {
    const c = await makeCustomer(t.handle, { count: 2 });
    const [first, second] = c.employees as [(typeof c.employees)[0], (typeof c.employees)[0]];
    const api = callerFor(t.handle);
    const firstInput = submission(first.token, await api.enrollment.get({ token: first.token, language: 'en' }));
    await api.enrollment.submit(firstInput);
    const view = await api.enrollment.get({ token: second.token, language: 'en' });
    await expectAppError(
      api.enrollment.submit({ ...submission(second.token, view), idempotencyKey: firstInput.idempotencyKey }),
      'IDEMPOTENCY_CONFLICT',
      'CONFLICT',
    );
    const events = await withTenant(t.handle, c.customerId, (tx) =>
      tx.select().from(consentEvents).where(eq(consentEvents.employeeId, second.id)),
    );
    expect(events).toHaveLength(0);
    expect((await linkRow(t.handle, c.customerId, second.token))?.status).toBe('active');
  });

  it('refuses a second, different submission on a used link', async () => {
    const c = await makeCustomer(t.handle);
    const person = c.employees[0]!;
    await openAndSubmit(person.token);
    await expectAppError(callerFor(t.handle).enrollment.get({ token: person.token, language: 'en' }), 'LINK_USED', 'CONFLICT');
    await expectAppError(openAndSubmit(person.token), 'LINK_USED');
  });

  it('refuses expired links, and links superseded by a reissue, with the same expired answer', async () => {
    const created = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    const c = await makeCustomer(t.handle, { now: created });
    const person = c.employees[0]!;
    await expectAppError(
      callerFor(t.handle).enrollment.get({ token: person.token, language: 'en' }),
      'LINK_EXPIRED',
      'FORBIDDEN',
    );
    const sixDaysLater = new Date(created.getTime() + 6 * 24 * 3600 * 1000);
    expect((await callerFor(t.handle, { now: sixDaysLater }).enrollment.get({ token: person.token, language: 'en' })).identity.email).toBe(person.email);
  });

  it('answers unknown and malformed tokens identically', async () => {
    const api = callerFor(t.handle);
    const unknown = await api.enrollment.get({ token: randomUUID(), language: 'en' }).catch((e: TRPCError) => e);
    const malformed = await api.enrollment.get({ token: "x' or 1=1 --", language: 'en' }).catch((e: TRPCError) => e);
    const empty = await api.enrollment.get({ token: '', language: 'en' }).catch((e: TRPCError) => e);
    for (const e of [unknown, malformed, empty]) {
      expect(e).toBeInstanceOf(TRPCError);
      expect((e as TRPCError).code).toBe('NOT_FOUND');
      expect((e as TRPCError).message).toBe('LINK_INVALID');
    }
  });

  it('stores an identity correction as a correction for review and leaves the roster untouched', async () => {
    const c = await makeCustomer(t.handle);
    const person = c.employees[0]!;
    const api = callerFor(t.handle);
    const view = await api.enrollment.get({ token: person.token, language: 'en' });
    const receipt = await openAndSubmit(person.token, {
      identity: {
        ...view.identity,
        displayName: 'Corrected Name',
        platformIds: { ...view.identity.platformIds, slack: '@corrected' },
      },
    });
    expect(receipt.identityCorrected).toBe(true);
    const { roster, corrections, confirmations } = await withTenant(t.handle, c.customerId, async (tx) => ({
      roster: await tx.select().from(employees).where(eq(employees.id, person.id)),
      corrections: await tx.select().from(identityCorrections).where(eq(identityCorrections.employeeId, person.id)),
      confirmations: await tx.select().from(identityConfirmations).where(eq(identityConfirmations.employeeId, person.id)),
    }));
    expect(roster[0]?.displayName).toBe(person.displayName);
    expect(corrections.map((x) => [x.field, x.oldValue, x.newValue, x.status]).sort()).toEqual([
      ['displayName', person.displayName, 'Corrected Name', 'pending_review'],
      ['platformIds.slack', view.identity.platformIds.slack, '@corrected', 'pending_review'],
    ]);
    expect(corrections[0]?.createdAt).toBeInstanceOf(Date);
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]).toMatchObject({ corrected: true, directory: { displayName: person.displayName } });
  });

  it('a confirmation without changes is not a correction', async () => {
    const c = await makeCustomer(t.handle);
    const receipt = await openAndSubmit(c.employees[0]!.token);
    expect(receipt.identityCorrected).toBe(false);
  });

  it('rejects bad input with 4xx and writes nothing', async () => {
    const c = await makeCustomer(t.handle, { channels: ['email', 'messaging'] });
    const person = c.employees[0]!;
    const api = callerFor(t.handle);
    const view = await api.enrollment.get({ token: person.token, language: 'en' });
    const base = {
      token: person.token,
      idempotencyKey: randomUUID(),
      noticeVersionId: view.notice.versionId,
      language: 'en' as const,
      identity: view.identity,
      choices: [
        { channel: 'email' as const, decision: 'grant' as const },
        { channel: 'messaging' as const, decision: 'deny' as const },
      ],
      acknowledged: true as const,
    };
    // A missing channel (nothing is pre-selected), an unconfigured channel, no acknowledgment, a bad email,
    // a notice shown in another language, a malformed idempotency key.
    await expectAppError(api.enrollment.submit({ ...base, choices: base.choices.slice(0, 1) }), 'CHANNELS_MISMATCH', 'BAD_REQUEST');
    await expectAppError(
      api.enrollment.submit({ ...base, choices: [...base.choices, { channel: 'video', decision: 'grant' }] }),
      'CHANNELS_MISMATCH',
    );
    await expectAppError(api.enrollment.submit({ ...base, acknowledged: false as unknown as true }), 'INVALID_INPUT', 'BAD_REQUEST');
    await expectAppError(
      api.enrollment.submit({ ...base, identity: { ...base.identity, email: 'not-an-email' } }),
      'INVALID_INPUT',
    );
    await expectAppError(api.enrollment.submit({ ...base, language: 'fr' }), 'NOTICE_MISMATCH', 'BAD_REQUEST');
    await expectAppError(api.enrollment.submit({ ...base, idempotencyKey: 'nope' }), 'INVALID_INPUT');
    await expectAppError(api.enrollment.submit({ ...base, noticeVersionId: randomUUID() }), 'NOTICE_MISMATCH');
    const events = await withTenant(t.handle, c.customerId, (tx) => tx.select().from(consentEvents));
    expect(events).toHaveLength(0);
    expect((await linkRow(t.handle, c.customerId, person.token))?.status).toBe('active');
  });

  it('localizable validation: messages are i18n keys', async () => {
    const c = await makeCustomer(t.handle);
    const person = c.employees[0]!;
    const error = await openAndSubmit(person.token, { acknowledged: false }).catch((e: TRPCError) => e);
    expect(String((error as TRPCError).cause)).toContain('validation.acknowledge');
  });

  it('leaves nothing half-written when the database fails mid-submit, and the retry then succeeds', async () => {
    const c = await makeCustomer(t.handle);
    const person = c.employees[0]!;
    const api = callerFor(t.handle);
    const view = await api.enrollment.get({ token: person.token, language: 'en' });
    const input = submission(person.token, view, grantAll(view.channels));
    // A real database fault, after the ledger insert: the projection write fails for this one employee.
    const removeFault = await injectInsertFault(t, 'employee_consent', person.id);
    try {
      await expectAppError(api.enrollment.submit(input), 'NOT_SAVED', 'SERVICE_UNAVAILABLE');
    } finally {
      await removeFault();
    }
    const after = await withTenant(t.handle, c.customerId, async (tx) => ({
      events: await tx.select().from(consentEvents).where(eq(consentEvents.employeeId, person.id)),
      confirmations: await tx.select().from(identityConfirmations).where(eq(identityConfirmations.employeeId, person.id)),
    }));
    expect(after.events).toHaveLength(0);
    expect(after.confirmations).toHaveLength(0);
    expect((await linkRow(t.handle, c.customerId, person.token))?.status).toBe('active');

    const receipt = await api.enrollment.submit(input);
    expect(receipt.decisions).toHaveLength(CHANNELS.length);
  });
});
