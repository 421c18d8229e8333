/**
 * Onboarding portal items 2 and 3 through the real routers: the pre-onboarding checklist (send window, readiness
 * with the runbook's fixes, email to the customer admin) and the session tracker (system-detected steps, operator
 * marks with reasons, start and an idempotent close that schedules the post-onboarding checks once).
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogin, type SessionUser } from '../../server/auth/auth.ts';
import { emailMessages, employees, onboardingSessions, postOnboardingChecks } from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { addEmployees, recordCustomerUser } from '../../server/services/customers.ts';
import { issueEnrollmentLinks } from '../../server/services/enrollment-links.ts';
import { CHECKLIST_ITEMS, POST_CHECKS } from '../../shared/onboarding.ts';
import { makeEmployee } from '../helpers/factories.ts';
import { callerAs, freePort, makeUser, testServices, useTestServices } from '../helpers/services.ts';

const env = useTestServices();
let operator: SessionUser;
beforeAll(async () => {
  operator = await makeUser(env.services, 'operator', null);
});

const label = process.env.TEST_DB ?? 'pglite';
const asOperator = (customerId: string, now?: Date) =>
  callerAs(env.services, { ...operator, activeCustomerId: customerId }, now ? { now } : {});

/** A customer created the way the operator does it (portal setup), with its checklist and session rows. */
async function newCustomer(opts: { outputLanguage?: string; contactEmail?: string | null; name?: string } = {}) {
  const created = await callerAs(env.services, operator).customers.create({
    name: opts.name ?? `Initech ${randomUUID().slice(0, 6)}`,
    ceoName: 'Bill Lumbergh',
    outputLanguage: opts.outputLanguage ?? 'en',
    contactEmail: opts.contactEmail ?? null,
    requestId: randomUUID(),
  });
  return created.id;
}

const auditActions = async (customerId: string) =>
  (await asOperator(customerId).customers.audit({ limit: 500 })).map((e) => e.action);

const emailsOf = (customerId: string) =>
  withTenant(env.t.handle, customerId, (tx) => tx.select().from(emailMessages).orderBy(emailMessages.toAddress));

/** Every checklist item confirmed: the session may start and close without a reason. */
async function readyChecklist(customerId: string) {
  for (const { key } of CHECKLIST_ITEMS) await asOperator(customerId).onboarding.updateItem({ item: key, status: 'confirmed' });
}

const checksOf = (customerId: string) =>
  withTenant(env.t.handle, customerId, (tx) => tx.select().from(postOnboardingChecks));

describe(`onboarding roles and tenants (${label})`, () => {
  it('lets the operator and the customer admin work the checklist, and only the operator run the session', async () => {
    const customerId = await newCustomer({ contactEmail: 'it@initech.example' });
    const admin = callerAs(env.services, await makeUser(env.services, 'admin', customerId));
    const ceo = callerAs(env.services, await makeUser(env.services, 'ceo', customerId));
    const op = asOperator(customerId);

    // Both may read and update the checklist and read the session.
    expect((await admin.onboarding.checklist()).items).toHaveLength(6);
    await admin.onboarding.updateItem({ item: 'zoom_app_approval', status: 'confirmed', note: 'Done by Sam' });
    await admin.onboarding.setSessionDate({ sessionDate: '2026-12-07' });
    expect((await op.onboarding.checklist()).items.find((i) => i.key === 'zoom_app_approval')?.status).toBe('confirmed');
    expect((await admin.onboarding.session()).steps).toHaveLength(8);
    await expect(admin.onboarding.emailChecklist()).resolves.toMatchObject({ messages: [expect.anything()] });

    // The admin follows the session but cannot change it.
    await expect(admin.onboarding.start()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(admin.onboarding.markStep({ step: 3, reason: 'no Slack' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(admin.onboarding.unmarkStep({ step: 3, reason: 'oops' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(admin.onboarding.close()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await op.onboarding.start({ notReadyReason: 'customer asked to start today' });
    await op.onboarding.markStep({ step: 3, reason: 'customer has no Slack' });

    // The CEO has no part in onboarding.
    for (const call of [
      () => ceo.onboarding.checklist(),
      () => ceo.onboarding.updateItem({ item: 'admin_roles', status: 'confirmed' }),
      () => ceo.onboarding.setSessionDate({ sessionDate: '2026-12-08' }),
      () => ceo.onboarding.emailChecklist(),
      () => ceo.onboarding.session(),
      () => ceo.onboarding.start(),
      () => ceo.onboarding.markStep({ step: 2, reason: 'x' }),
      () => ceo.onboarding.unmarkStep({ step: 3, reason: 'x' }),
      () => ceo.onboarding.close(),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(callerAs(env.services, null).onboarding.checklist()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(callerAs(env.services, operator).onboarding.session()).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    const actions = await auditActions(customerId);
    expect(actions).not.toContain('session.closed');
    expect(actions.filter((a) => a === 'session.step_marked')).toHaveLength(1);
  });

  it('keeps each customer to itself: checklist, session steps and marks of A never show in B', async () => {
    const a = await newCustomer();
    const b = await newCustomer();
    const adminA = callerAs(env.services, await makeUser(env.services, 'admin', a));
    await adminA.onboarding.updateItem({ item: 'admin_roles', status: 'blocked', note: 'Global Admin on leave' });
    await asOperator(a).onboarding.markStep({ step: 2, reason: 'M365 done by phone' });
    await withTenant(env.t.handle, a, async (tx) => {
      const people = await addEmployees(tx, a, [makeEmployee(), makeEmployee()]);
      await issueEnrollmentLinks(tx, a, people.map((p) => p.id), new Date());
    });
    // A's CEO has a password: A's step 7 is done, and B (no CEO of its own) does not see A's.
    await makeUser(env.services, 'ceo', a);

    const viewA = await adminA.onboarding.session();
    expect(viewA.steps.filter((s) => s.done).map((s) => s.step)).toEqual([1, 2, 6, 7]);
    const viewB = await asOperator(b).onboarding.session();
    expect(viewB.steps.filter((s) => s.done).map((s) => s.step)).toEqual([1]);
    expect(viewB.steps[5]!.system.counts).toEqual({ employees: 0, links: 0 });
    const itemB = (await asOperator(b).onboarding.checklist()).items.find((i) => i.key === 'admin_roles');
    expect(itemB).toMatchObject({ status: 'pending', note: null, updatedBy: null });
    // An admin of A asking for the checklist always gets A's, whatever customer the operator has open.
    expect((await adminA.onboarding.checklist()).items.find((i) => i.key === 'admin_roles')?.status).toBe('blocked');
    expect(await auditActions(b)).toEqual(['customer.created']);
  });
});

describe(`pre-onboarding checklist (${label})`, () => {
  it('lists the six items of the runbook, all pending, each with platform, who and its fix', async () => {
    const customerId = await newCustomer();
    const list = await asOperator(customerId).onboarding.checklist();
    expect(list.items.map((i) => i.key)).toEqual(CHECKLIST_ITEMS.map((i) => i.key));
    expect(list.items.every((i) => i.status === 'pending')).toBe(true);
    expect(list.items[0]).toMatchObject({ platform: 'Microsoft 365', who: 'Global Admin', fix: 'conditional_access' });
    expect(list.ready).toBe(false);
    expect(list.sessionDate).toBeNull();
    expect(list.sendWindow).toBeNull();
    expect(list.sendStatus).toBe('unscheduled');
  });

  it('is ready only when every item is confirmed; blocking items carry the matching fix or none', async () => {
    const customerId = await newCustomer();
    const op = asOperator(customerId);
    let list = await op.onboarding.checklist();
    expect(list.blocking.map((i) => [i.key, i.fix])).toEqual([
      ['azure_conditional_access', 'conditional_access'],
      ['google_app_approval', null],
      ['zoom_app_approval', null],
      ['cloud_recording', 'zoom_cloud_recording'],
      ['admin_roles', 'global_admin_unavailable'],
      ['employee_roster', null],
    ]);
    for (const item of CHECKLIST_ITEMS.filter((i) => i.key !== 'cloud_recording')) {
      list = await op.onboarding.updateItem({ item: item.key, status: 'confirmed' });
    }
    list = await op.onboarding.updateItem({ item: 'cloud_recording', status: 'blocked', note: 'Zoom recording off org-wide' });
    expect(list.ready).toBe(false);
    expect(list.blocking).toEqual([
      expect.objectContaining({ key: 'cloud_recording', status: 'blocked', fix: 'zoom_cloud_recording', note: 'Zoom recording off org-wide' }),
    ]);
    list = await op.onboarding.updateItem({ item: 'cloud_recording', status: 'confirmed', note: 'Enabled by IT' });
    expect(list.ready).toBe(true);
    expect(list.blocking).toEqual([]);
    // Back to pending: not ready again.
    list = await op.onboarding.updateItem({ item: 'employee_roster', status: 'pending' });
    expect(list.ready).toBe(false);
    expect(list.blocking.map((i) => i.key)).toEqual(['employee_roster']);
  });

  it('records who changed an item and when, audits each change once, and refuses bad input', async () => {
    const customerId = await newCustomer();
    const adminUser = await makeUser(env.services, 'admin', customerId);
    const when = new Date('2026-11-20T10:15:00Z');
    const admin = callerAs(env.services, adminUser, { now: when });
    const input = { item: 'azure_conditional_access' as const, status: 'blocked' as const, note: '  Waiting for change board  ' };
    const list = await admin.onboarding.updateItem(input);
    expect(list.items[0]).toMatchObject({
      status: 'blocked',
      note: 'Waiting for change board',
      updatedBy: adminUser.email,
      updatedAt: when.toISOString(),
    });
    await admin.onboarding.updateItem(input); // a retry
    const entries = (await asOperator(customerId).customers.audit({ limit: 50 })).filter((e) => e.action === 'checklist.item_updated');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorEmail: adminUser.email,
      target: 'azure_conditional_access',
      details: { status: 'blocked', previousStatus: 'pending', note: 'Waiting for change board' },
    });
    await admin.onboarding.updateItem({ ...input, note: '' });
    expect((await admin.onboarding.checklist()).items[0]!.note).toBeNull();

    const bad = [
      { item: 'not_an_item', status: 'confirmed' },
      { item: 'admin_roles', status: 'done' },
      { item: 'admin_roles', status: 'confirmed', note: 'x'.repeat(2001) },
    ];
    for (const b of bad) {
      await expect(admin.onboarding.updateItem(b as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('computes the send window in business days from the session date', async () => {
    const customerId = await newCustomer();
    const at = (iso: string) => asOperator(customerId, new Date(`${iso}T12:00:00Z`));
    // Session on Monday 30 November 2026: send between Thursday 19 and Monday 23 November.
    let list = await at('2026-11-18').onboarding.setSessionDate({ sessionDate: '2026-11-30' });
    expect(list.sessionDate).toBe('2026-11-30');
    expect(list.sendWindow).toEqual({ earliest: '2026-11-19', latest: '2026-11-23' });
    expect(list.sendStatus).toBe('early');
    expect((await at('2026-11-20').onboarding.checklist()).sendStatus).toBe('due');
    expect((await at('2026-11-24').onboarding.checklist()).sendStatus).toBe('late');
    // Same date again: nothing changes, no second audit entry.
    await at('2026-11-18').onboarding.setSessionDate({ sessionDate: '2026-11-30' });
    list = await at('2026-11-18').onboarding.setSessionDate({ sessionDate: '2027-01-04' });
    expect(list.sendWindow).toEqual({ earliest: '2026-12-24', latest: '2026-12-28' });
    expect((await auditActions(customerId)).filter((a) => a === 'checklist.session_date_set')).toHaveLength(2);
    for (const sessionDate of ['2026-02-30', '30/11/2026', '']) {
      await expect(at('2026-11-18').onboarding.setSessionDate({ sessionDate })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    list = await at('2026-11-18').onboarding.setSessionDate({ sessionDate: null });
    expect(list).toMatchObject({ sessionDate: null, sendWindow: null, sendStatus: 'unscheduled' });
  });
});

describe(`checklist email (${label})`, () => {
  it('goes to every admin login, in the customer language, into the outbox, and is stamped and audited', async () => {
    const customerId = await newCustomer({ outputLanguage: 'de', name: 'Globex GmbH', contactEmail: 'contact@globex.example' });
    const first = await makeUser(env.services, 'admin', customerId, { email: `admin1-${randomUUID().slice(0, 6)}@globex.example` });
    const second = await makeUser(env.services, 'admin', customerId, { email: `admin2-${randomUUID().slice(0, 6)}@globex.example` });
    await makeUser(env.services, 'ceo', customerId);
    const now = new Date('2026-11-20T09:00:00Z');
    const op = asOperator(customerId, now);
    await op.onboarding.setSessionDate({ sessionDate: '2026-11-30' });
    await op.onboarding.updateItem({ item: 'admin_roles', status: 'confirmed', note: 'Anna ist dabei' });
    expect((await op.onboarding.checklist()).recipients.sort()).toEqual([first.email, second.email].sort());

    const result = await op.onboarding.emailChecklist();
    expect(result.checklistSentAt).toBe(now.toISOString());
    expect(result.messages.map((m) => m.status)).toEqual(['outbox', 'outbox']);
    const mails = await emailsOf(customerId);
    expect(mails.map((m) => m.toAddress).sort()).toEqual([first.email, second.email].sort());
    const mail = mails[0]!;
    expect(mail).toMatchObject({ kind: 'checklist', status: 'outbox' });
    expect(mail.subject).toBe('Globex GmbH: PanOps-Checkliste vor dem Onboarding für Ihre Sitzung am Montag, 30. November 2026');
    expect(mail.textBody).toContain('spätestens am Montag, 23. November 2026');
    expect(mail.textBody).toContain(
      '1. Azure AD-Richtlinie für bedingten Zugriff (Microsoft 365; Globaler Administrator) – Offen\n' +
        '   PanOps zu den genehmigten Drittanbieter-Apps hinzufügen; mandantenfähige OAuth-App zulassen',
    );
    expect(mail.textBody).toContain('5. Verfügbarkeit der Administratorrollen (Alle; Administrator) – Bestätigt');
    expect(mail.textBody).toContain('   Notiz: Anna ist dabei');
    expect(mail.textBody).not.toContain('Pending');

    const list = await op.onboarding.checklist();
    expect(list).toMatchObject({ checklistSentAt: now.toISOString(), sendStatus: 'sent' });
    const entry = (await op.customers.audit({ limit: 50 })).find((e) => e.action === 'checklist.emailed');
    expect(entry?.details).toMatchObject({ sessionDate: '2026-11-30', language: 'de' });
  });

  it('falls back to the contact email when the customer has no admin login', async () => {
    const customerId = await newCustomer({ contactEmail: 'it-desk@initrode.example' });
    const op = asOperator(customerId);
    await op.onboarding.setSessionDate({ sessionDate: '2026-12-14' });
    const result = await op.onboarding.emailChecklist();
    expect(result.messages).toEqual([{ to: 'it-desk@initrode.example', status: 'outbox' }]);
    const [mail] = await emailsOf(customerId);
    expect(mail?.subject).toContain('PanOps pre-onboarding checklist for your session on Monday, December 14, 2026');
    expect(mail?.textBody).toContain('1. Azure AD conditional access policy (Microsoft 365; Global Admin) — Pending');
    expect(mail?.textBody).toContain('Preferred format: CSV file.');
  });

  it('refuses clearly with nobody to send to, or without a session date, and sends nothing', async () => {
    const nobody = await newCustomer();
    await asOperator(nobody).onboarding.setSessionDate({ sessionDate: '2026-12-14' });
    await expect(asOperator(nobody).onboarding.emailChecklist()).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: 'NO_RECIPIENT',
    });
    const undated = await newCustomer({ contactEmail: 'it@undated.example' });
    await expect(asOperator(undated).onboarding.emailChecklist()).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: 'SESSION_DATE_MISSING',
    });
    for (const customerId of [nobody, undated]) {
      expect(await emailsOf(customerId)).toEqual([]);
      expect((await asOperator(customerId).onboarding.checklist()).checklistSentAt).toBeNull();
      expect(await auditActions(customerId)).not.toContain('checklist.emailed');
    }
  });

  it('reports a failed delivery as EMAIL_FAILED and does not mark the checklist sent', async () => {
    const customerId = await newCustomer({ contactEmail: 'it@unreachable.example' });
    await asOperator(customerId).onboarding.setSessionDate({ sessionDate: '2026-12-14' });
    // An SMTP server that is not listening.
    const broken = testServices(env.t.handle, { smtpUrl: `smtp://127.0.0.1:${await freePort()}` });
    try {
      await expect(
        callerAs(broken, { ...operator, activeCustomerId: customerId }).onboarding.emailChecklist(),
      ).rejects.toMatchObject({ message: 'EMAIL_FAILED' });
    } finally {
      broken.mailer.close();
    }
    const [mail] = await emailsOf(customerId);
    expect(mail?.status).toBe('failed');
    expect((await asOperator(customerId).onboarding.checklist()).checklistSentAt).toBeNull();
  });
});

describe(`session tracker (${label})`, () => {
  it('shows the 8 steps with their planned minutes, 60 in all, and connectors as not connected', async () => {
    const customerId = await newCustomer();
    const view = await asOperator(customerId).onboarding.session();
    expect(view.steps.map((s) => s.minutes)).toEqual([2, 10, 10, 8, 8, 5, 5, 5]);
    expect(view.totalMinutes).toBe(60);
    expect(view.connectorsAvailable).toBe(false);
    expect(view.steps.map((s) => s.connectorStatus)).toEqual([
      null, 'not_connected', 'not_connected', 'not_connected', 'not_connected', null, null, null,
    ]);
    expect(view.steps[0]).toMatchObject({ done: true, doneBy: 'system', system: { met: true } });
    expect(view.steps.slice(1).every((s) => !s.done)).toBe(true);
    expect(view).toMatchObject({ startedAt: null, closedAt: null, postChecksScheduled: 0 });
  });

  it('detects the roster with links and the CEO login by itself', async () => {
    const customerId = await newCustomer();
    const op = asOperator(customerId);
    const step = async (n: number) => (await op.onboarding.session()).steps[n - 1]!;

    const people = await withTenant(env.t.handle, customerId, (tx) =>
      addEmployees(tx, customerId, [makeEmployee(), makeEmployee(), makeEmployee()]),
    );
    expect(await step(6)).toMatchObject({ done: false, system: { met: false, counts: { employees: 3, links: 0 } } });

    const linkTime = new Date(Date.now() + 60_000);
    await withTenant(env.t.handle, customerId, (tx) => issueEnrollmentLinks(tx, customerId, people.map((p) => p.id), linkTime));
    expect(await step(6)).toMatchObject({
      done: true,
      doneBy: 'system',
      doneAt: linkTime.toISOString(),
      system: { met: true, counts: { employees: 3, links: 3 } },
    });

    // Everyone on the roster has left: no current employees, so the roster is not loaded.
    await withTenant(env.t.handle, customerId, (tx) =>
      tx.update(employees).set({ leftAt: new Date() }).where(eq(employees.customerId, customerId)),
    );
    expect(await step(6)).toMatchObject({ done: false, system: { met: false, counts: { employees: 0, links: 3 } } });

    expect(await step(7)).toMatchObject({ done: false, system: { counts: { ceos: 0, withAccess: 0 } } });
    // An admin login is not a CEO login.
    await makeUser(env.services, 'admin', customerId);
    expect((await step(7)).done).toBe(false);
  });

  it('marks CEO access done when the CEO has set a password or signed in, not when only invited', async () => {
    const customerId = await newCustomer();
    const step7 = async () => (await asOperator(customerId).onboarding.session()).steps[6]!;
    // Invited the way the portal does it: a login without a password, and the tenant's record of it.
    const ctx = await env.services.auth.$context;
    const invite = async (email: string) => {
      const login = await createLogin(env.services.auth, { email, name: 'Casey Chief', role: 'ceo', customerId });
      await withTenant(env.t.handle, customerId, (tx) =>
        recordCustomerUser(tx, { userId: login.id, customerId, role: 'ceo', email, name: 'Casey Chief', invitedAt: new Date() }),
      );
      return login.id;
    };
    const first = await invite(`ceo-${randomUUID()}@example.test`);
    expect(await step7()).toMatchObject({ done: false, doneAt: null, system: { met: false, counts: { ceos: 1, withAccess: 0 } } });

    // The CEO sets a password from the invitation (better-auth's reset links the credential account).
    await ctx.internalAdapter.linkAccount({
      userId: first,
      providerId: 'credential',
      accountId: first,
      password: await ctx.password.hash('a long enough ceo password'),
    });
    const [account] = await ctx.internalAdapter.findAccounts(first);
    const done = await step7();
    expect(done).toMatchObject({ done: true, doneBy: 'system', system: { met: true, counts: { ceos: 1, withAccess: 1 } } });
    expect(done.doneAt).toBe(new Date(account!.createdAt).toISOString());

    // A second CEO who has signed in counts too; the step keeps the earliest moment.
    const second = await invite(`ceo2-${randomUUID()}@example.test`);
    await ctx.internalAdapter.createSession(second);
    expect(await step7()).toMatchObject({ done: true, doneAt: done.doneAt, system: { counts: { ceos: 2, withAccess: 2 } } });
  });

  it('lets the operator mark a step with a reason (required) and undo it, each audited', async () => {
    const customerId = await newCustomer();
    const when = new Date('2026-11-30T09:05:00Z');
    const op = asOperator(customerId, when);
    for (const input of [
      { step: 3, reason: '' },
      { step: 3, reason: '   ' },
      { step: 3 },
      { step: 8, reason: 'closing is its own action' },
      { step: 9, reason: 'no such step' },
      { step: 3, reason: 'x'.repeat(501) },
    ]) {
      await expect(op.onboarding.markStep(input as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(await auditActions(customerId)).not.toContain('session.step_marked');

    let view = await op.onboarding.markStep({ step: 3, reason: 'customer has no Slack' });
    expect(view.steps[2]).toMatchObject({
      done: true,
      doneBy: 'operator',
      doneAt: when.toISOString(),
      connectorStatus: 'not_connected',
      mark: { reason: 'customer has no Slack', doneBy: operator.email },
    });
    // Marking again keeps the first mark and writes no second entry.
    view = await op.onboarding.markStep({ step: 3, reason: 'something else' });
    expect(view.steps[2]!.mark?.reason).toBe('customer has no Slack');

    await expect(op.onboarding.unmarkStep({ step: 3, reason: '' } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    view = await op.onboarding.unmarkStep({ step: 3, reason: 'customer does use Slack after all' });
    expect(view.steps[2]).toMatchObject({ done: false, doneBy: null, mark: null });
    await op.onboarding.unmarkStep({ step: 3, reason: 'retry' });

    const entries = (await op.customers.audit({ limit: 50 })).filter((e) => e.action.startsWith('session.step_'));
    expect(entries.map((e) => [e.action, e.details.reason]).reverse()).toEqual([
      ['session.step_marked', 'customer has no Slack'],
      ['session.step_unmarked', 'customer does use Slack after all'],
    ]);
    expect(entries[0]!.details).toMatchObject({ markReason: 'customer has no Slack', markedBy: operator.email });
  });

  it('starts once, refuses to close before the start, and closes once, scheduling the four checks', async () => {
    const customerId = await newCustomer();
    const t0 = new Date('2026-11-30T09:00:00Z');
    const t1 = new Date('2026-11-30T09:01:00Z');
    const t2 = new Date('2026-11-30T10:02:00Z');
    const t3 = new Date('2026-11-30T11:00:00Z');
    await expect(asOperator(customerId, t0).onboarding.close()).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: 'SESSION_NOT_STARTED',
    });
    await readyChecklist(customerId);
    expect((await asOperator(customerId, t0).onboarding.start()).startedAt).toBe(t0.toISOString());
    expect((await asOperator(customerId, t1).onboarding.start()).startedAt).toBe(t0.toISOString());
    await asOperator(customerId, t1).onboarding.markStep({ step: 2, reason: 'done over the phone' });

    // Two closes at once, then a late retry: one closedAt, one audit entry, four checks.
    const [a, b] = await Promise.all([
      asOperator(customerId, t2).onboarding.close(),
      asOperator(customerId, t2).onboarding.close(),
    ]);
    expect(a.closedAt).toBe(t2.toISOString());
    expect(b.closedAt).toBe(t2.toISOString());
    const again = await asOperator(customerId, t3).onboarding.close();
    expect(again.closedAt).toBe(t2.toISOString());
    expect(again.steps[7]).toMatchObject({ done: true, doneBy: 'close', doneAt: t2.toISOString() });
    expect(again.postChecksScheduled).toBe(4);

    const checks = await checksOf(customerId);
    expect(checks).toHaveLength(4);
    expect(Object.fromEntries(checks.map((c) => [c.check, c.dueAt.toISOString()]))).toEqual(
      Object.fromEntries(POST_CHECKS.map((c) => [c.key, new Date(t2.getTime() + c.afterMinutes * 60_000).toISOString()])),
    );
    const actions = await auditActions(customerId);
    expect(actions.filter((x) => x === 'session.started')).toHaveLength(1);
    expect(actions.filter((x) => x === 'session.closed')).toHaveLength(1);
    const closed = (await asOperator(customerId).customers.audit({ limit: 50 })).find((e) => e.action === 'session.closed');
    expect(closed?.details).toEqual({ openSteps: [3, 4, 5, 6, 7], checklistReady: true, reason: null, blocking: [] });

    const [row] = await withTenant(env.t.handle, customerId, (tx) =>
      tx.select().from(onboardingSessions).where(eq(onboardingSessions.customerId, customerId)),
    );
    expect(row?.closedAt?.toISOString()).toBe(t2.toISOString());

    // A closed session's steps stay as they were.
    await expect(asOperator(customerId, t3).onboarding.markStep({ step: 4, reason: 'late' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'SESSION_CLOSED',
    });
    await expect(asOperator(customerId, t3).onboarding.unmarkStep({ step: 2, reason: 'late' })).rejects.toMatchObject({
      message: 'SESSION_CLOSED',
    });
  });
});

describe(`session start and close while the checklist is not ready (${label})`, () => {
  it('refuses without a reason, and records the reason with the open items when the operator goes ahead', async () => {
    const customerId = await newCustomer();
    const t0 = new Date('2026-12-01T09:00:00Z');
    const t1 = new Date('2026-12-01T10:00:00Z');
    const admin = callerAs(env.services, await makeUser(env.services, 'admin', customerId));
    await admin.onboarding.updateItem({ item: 'admin_roles', status: 'confirmed' });
    const notReady = await asOperator(customerId, t0).onboarding.session();
    expect(notReady).toMatchObject({ checklistReady: false, startedNotReady: null, closedNotReady: null });
    expect(notReady.checklistBlocking).toEqual(CHECKLIST_ITEMS.map((i) => i.key).filter((k) => k !== 'admin_roles'));

    await expect(asOperator(customerId, t0).onboarding.start()).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: 'CHECKLIST_NOT_READY',
    });
    for (const notReadyReason of ['', '   ', 'x'.repeat(501)]) {
      await expect(asOperator(customerId, t0).onboarding.start({ notReadyReason })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect((await asOperator(customerId, t0).onboarding.session()).startedAt).toBeNull();

    const started = await asOperator(customerId, t0).onboarding.start({ notReadyReason: ' Zoom admin approves during the call ' });
    expect(started).toMatchObject({ startedAt: t0.toISOString(), startedNotReady: 'Zoom admin approves during the call' });
    // A retry of the start changes nothing and asks nothing.
    expect((await asOperator(customerId, t1).onboarding.start()).startedAt).toBe(t0.toISOString());

    await expect(asOperator(customerId, t1).onboarding.close()).rejects.toMatchObject({ message: 'CHECKLIST_NOT_READY' });
    expect(await checksOf(customerId)).toEqual([]);
    const closed = await asOperator(customerId, t1).onboarding.close({ notReadyReason: 'Google approval follows tomorrow' });
    expect(closed).toMatchObject({ closedAt: t1.toISOString(), closedNotReady: 'Google approval follows tomorrow', postChecksScheduled: 4 });
    // Closed: a retry without a reason is answered with the closed session.
    expect((await asOperator(customerId, t1).onboarding.close()).closedAt).toBe(t1.toISOString());

    const audit = await asOperator(customerId).customers.audit({ limit: 50 });
    const blocking = notReady.checklistBlocking;
    expect(audit.find((e) => e.action === 'session.started')?.details).toEqual({
      checklistReady: false,
      reason: 'Zoom admin approves during the call',
      blocking,
    });
    expect(audit.find((e) => e.action === 'session.closed')?.details).toMatchObject({
      checklistReady: false,
      reason: 'Google approval follows tomorrow',
      blocking,
    });
  });

  it('asks for nothing when every item is confirmed', async () => {
    const customerId = await newCustomer();
    await readyChecklist(customerId);
    const started = await asOperator(customerId).onboarding.start();
    expect(started).toMatchObject({ checklistReady: true, checklistBlocking: [], startedNotReady: null });
    expect((await asOperator(customerId).onboarding.close()).closedNotReady).toBeNull();
  });
});
