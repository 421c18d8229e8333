/**
 * Enrollment links through the tRPC router: role matrix and tenant boundary for every procedure, per-person status
 * (not sent → sent → opened → responded, and expired), generate and resend superseding old tokens, email into the
 * outbox (no SMTP), the CSV export and the QR sheet, and the audit trail.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENROLLMENT_LINK_TTL_MS } from '../../shared/channels.ts';
import type { SessionUser } from '../../server/auth/auth.ts';
import type { AppServices } from '../../server/context.ts';
import { eq } from 'drizzle-orm';
import { employees } from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { renderEmail } from '../../server/mail/templates.ts';
import { callerFor, enroll } from '../helpers/caller.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { rosterCustomer, tokensIn } from '../helpers/roster.ts';
import { callerAs, makeUser, testServices } from '../helpers/services.ts';

let t: TestDb;
let services: AppServices;

beforeAll(async () => {
  t = await openTestDb();
  services = testServices(t.handle, { publicUrl: 'https://app.panops.test' });
});

afterAll(async () => {
  services?.mailer.close();
  await t?.close();
});

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-05-04T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

async function adminOf(customerId: string) {
  return makeUser(services, 'admin', customerId);
}
const api = (user: SessionUser, now: Date = T0) => callerAs(services, user, { now });

async function outboxTokens(user: SessionUser) {
  const { messages } = await api(user).links.outbox({});
  return messages.flatMap((m) => tokensIn(m.text ?? ''));
}

async function statusesOf(user: SessionUser, now: Date) {
  const list = await api(user, now).links.list({ limit: 1000 });
  return Object.fromEntries(list.rows.map((r) => [r.email, r.status]));
}

describe(`links: roles and tenants (${process.env.TEST_DB ?? "pglite"})`, () => {
  it('operator and admin may use every procedure; the CEO, signed-out callers and an operator without a customer may not', async () => {
    const { customerId } = await rosterCustomer(t.handle, 2);
    const admin = await adminOf(customerId);
    const ceo = await makeUser(services, 'ceo', customerId);
    const operator = await makeUser(services, 'operator', null);
    const calls = {
      list: (c: ReturnType<typeof api>) => c.links.list({}),
      generate: (c: ReturnType<typeof api>) => c.links.generate({}),
      sendEmails: (c: ReturnType<typeof api>) => c.links.sendEmails({}),
      exportCsv: (c: ReturnType<typeof api>) => c.links.exportCsv({}),
      qrSheet: (c: ReturnType<typeof api>) => c.links.qrSheet({}),
      resendPending: (c: ReturnType<typeof api>) => c.links.resendPending({ requestId: randomUUID() }),
      outbox: (c: ReturnType<typeof api>) => c.links.outbox({}),
    };
    for (const [name, call] of Object.entries(calls)) {
      await expect(call(callerAs(services, null)), name).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(call(api(ceo)), name).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(call(api(operator)), name).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
      await expect(call(api(admin)), name).resolves.toBeDefined();
      await expect(call(api({ ...operator, activeCustomerId: customerId })), name).resolves.toBeDefined();
    }
  });

  it('an admin of A never reads or touches B: list, outbox, selections naming B\'s people', async () => {
    const a = await rosterCustomer(t.handle, 2);
    const b = await rosterCustomer(t.handle, 3);
    const adminA = await adminOf(a.customerId);
    const adminB = await adminOf(b.customerId);
    await api(adminB).links.generate({});
    await api(adminB).links.sendEmails({});

    const bIds = b.employees.map((e) => e.id);
    expect(await api(adminA).links.generate({ employeeIds: bIds })).toMatchObject({ generated: 0 });
    expect(await api(adminA).links.sendEmails({ employeeIds: bIds })).toMatchObject({ delivered: 0, failed: [] });
    expect((await api(adminA).links.exportCsv({ employeeIds: bIds })).count).toBe(0);
    expect((await api(adminA).links.qrSheet({ employeeIds: bIds })).entries).toEqual([]);

    const listA = await api(adminA).links.list({});
    expect(listA.rows.map((r) => r.employeeId).sort()).toEqual(a.employees.map((e) => e.id).sort());
    expect((await api(adminA).links.outbox({})).messages).toEqual([]);
    // B's links were emailed once and are still the ones B's people hold.
    const listB = await api(adminB).links.list({});
    expect(listB.rows.every((r) => r.status === 'sent')).toBe(true);
    expect((await api(adminB).links.outbox({})).messages).toHaveLength(3);
  });

  it('refuses malformed input with field errors, not a server error', async () => {
    const { customerId } = await rosterCustomer(t.handle, 1);
    const admin = await adminOf(customerId);
    await expect(api(admin).links.generate({ employeeIds: ['nope'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api(admin).links.resendPending({ requestId: 'x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api(admin).links.list({ limit: 5000 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe(`links: status and distribution (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('follows each person from not sent to sent, opened and responded; an unanswered link expires', async () => {
    const { customerId, employees: people } = await rosterCustomer(t.handle, 4);
    const admin = await adminOf(customerId);
    const [ann, bob, cy, dee] = people;

    let list = await api(admin).links.list({});
    expect(list.counts).toMatchObject({ total: 4, needsLink: 4, readyToSend: 0, not_sent: 4 });
    // Never anything about choices: exactly these fields per person.
    expect(Object.keys(list.rows[0]!).sort()).toEqual(
      ['department', 'email', 'employeeId', 'expiresAt', 'location', 'name', 'needsLink', 'sentAt', 'sentVia', 'status'].sort(),
    );

    const generated = await api(admin).links.generate({});
    expect(generated).toEqual({ generated: 4, expiresAt: at(ENROLLMENT_LINK_TTL_MS).toISOString() });
    list = await api(admin).links.list({});
    expect(list.counts).toMatchObject({ needsLink: 0, readyToSend: 4, not_sent: 4 });
    expect(list.rows.every((r) => r.expiresAt === at(ENROLLMENT_LINK_TTL_MS).toISOString())).toBe(true);
    // Generating again issues nothing: everyone holds a usable link.
    expect(await api(admin).links.generate({})).toMatchObject({ generated: 0 });

    const sent = await api(admin, at(60_000)).links.sendEmails({});
    expect(sent).toEqual({ mode: 'outbox', delivered: 4, failed: [] });
    const tokens = new Map<string, string>();
    for (const m of (await api(admin).links.outbox({})).messages) tokens.set(m.to, tokensIn(m.text ?? '')[0]!);
    expect(tokens.size).toBe(4);

    list = await api(admin).links.list({ filter: 'sent' });
    expect(list.matching).toBe(4);
    expect(list.rows.every((r) => r.sentVia === 'email' && r.sentAt === at(60_000).toISOString())).toBe(true);

    // Bob opens his link (the notice is shown), Cy opens and answers.
    const view = await callerFor(t.handle, { now: at(DAY) }).enrollment.get({ token: tokens.get(bob!.email)!, language: 'en' });
    await callerFor(t.handle, { now: at(DAY) }).enrollment.noticeShown({
      token: tokens.get(bob!.email)!,
      noticeVersionId: view.notice.versionId,
    });
    await enroll(t.handle, tokens.get(cy!.email)!, { email: 'grant' }, { now: at(DAY) });

    expect(await statusesOf(admin, at(2 * DAY))).toEqual({
      [ann!.email]: 'sent',
      [bob!.email]: 'opened',
      [cy!.email]: 'responded',
      [dee!.email]: 'sent',
    });

    // Dee leaves the company: she is no longer listed.
    await withTenant(t.handle, customerId, (tx) => tx.update(employees).set({ leftAt: at(DAY) }).where(eq(employees.id, dee!.id)));

    // Eight days on, unanswered links are expired (sent or opened alike); the answer stays an answer.
    const later = at(8 * DAY);
    expect(await statusesOf(admin, later)).toEqual({
      [ann!.email]: 'expired',
      [bob!.email]: 'expired',
      [cy!.email]: 'responded',
    });
    list = await api(admin, later).links.list({ filter: 'needs_link' });
    expect(list.rows.map((r) => r.email).sort()).toEqual([ann!.email, bob!.email].sort());

    // A new link for exactly those two; the old ones now read as expired to the employee.
    expect(await api(admin, later).links.generate({})).toMatchObject({ generated: 2 });
    expect(await statusesOf(admin, later)).toMatchObject({ [ann!.email]: 'not_sent', [bob!.email]: 'not_sent' });
    await expect(
      callerFor(t.handle, { now: later }).enrollment.get({ token: tokens.get(ann!.email)!, language: 'en' }),
    ).rejects.toMatchObject({ appCode: 'LINK_EXPIRED' });
  });

  it('emails each link once: a retry sends nothing again; texts follow the customer\'s language or the one the person read', async () => {
    const { customerId, employees } = await rosterCustomer(t.handle, 3, { outputLanguage: 'de', contactEmail: 'hr@firma.test' });
    const admin = await adminOf(customerId);
    await api(admin).links.generate({});
    // The first person already opened a (previous) link and read the notice in French.
    const [first] = employees;
    const firstToken = (await api(admin).links.qrSheet({ employeeIds: [first!.id] })).entries[0]!.url.split('/').at(-1)!;
    const view = await callerFor(t.handle, { now: T0 }).enrollment.get({ token: firstToken, language: 'fr' });
    await callerFor(t.handle, { now: T0 }).enrollment.noticeShown({ token: firstToken, noticeVersionId: view.notice.versionId });
    await api(admin).links.resendPending({ requestId: randomUUID() });

    const again = await api(admin).links.sendEmails({});
    expect(again).toEqual({ mode: 'outbox', delivered: 0, failed: [] });
    const { mailMode, messages } = await api(admin).links.outbox({});
    expect(mailMode).toBe('outbox');
    expect(messages).toHaveLength(3);
    const french = renderEmail('enrollment_link', 'fr', { name: '', company: '', url: '', expires: '', contact: '' });
    const german = renderEmail('enrollment_link', 'de', { name: '', company: '', url: '', expires: '', contact: '' });
    for (const m of messages) {
      expect(m).toMatchObject({ kind: 'enrollment_link', status: 'outbox', error: null });
      expect(m.text).toContain('hr@firma.test');
      expect(m.text).toContain('https://app.panops.test/enroll/');
      const lead = (m.to === first!.email ? french : german).subject.split(':').at(-1)!.trim();
      expect(m.subject.endsWith(lead), m.subject).toBe(true);
    }
    // Every emailed link opens.
    for (const token of await outboxTokens(admin)) {
      await expect(callerFor(t.handle, { now: T0 }).enrollment.get({ token, language: 'en' })).resolves.toBeDefined();
    }
  });

  it('exports name, email and link as CSV with a BOM and proper quoting, marking unsent links as sent by CSV', async () => {
    const names = ['Smith, John', 'Anna "Nan" Lee', 'Łukasz Żółć', '山田 太郎', 'مريم الحسن', '=HYPERLINK("x")'];
    const { customerId } = await rosterCustomer(t.handle, names.map((displayName) => ({ displayName })));
    const admin = await adminOf(customerId);
    await api(admin).links.generate({});
    const out = await api(admin).links.exportCsv({});
    expect(out.count).toBe(names.length);
    expect(out.filename).toBe('enrollment-links-2026-05-04.csv');
    expect(out.csv.startsWith('\uFEFF')).toBe(true);
    expect(out.csv).toContain('"Smith, John"');
    expect(out.csv).toContain('"Anna ""Nan"" Lee"');
    const rows = parse(out.csv, { bom: true, columns: true }) as { name: string; email: string; link: string }[];
    expect(rows.map((r) => r.name).sort()).toEqual(
      names.map((n) => (n.startsWith('=') ? `'${n}` : n)).sort(),
    );
    for (const row of rows) {
      const token = tokensIn(row.link)[0]!;
      await expect(callerFor(t.handle, { now: T0 }).enrollment.get({ token, language: 'en' })).resolves.toBeDefined();
    }
    const list = await api(admin).links.list({});
    expect(list.rows.every((r) => r.status === 'sent' && r.sentVia === 'csv')).toBe(true);
    // Nothing left to email: the CSV already handed every link out.
    expect(await api(admin).links.sendEmails({})).toMatchObject({ delivered: 0 });
  });

  it('prints a QR sheet of working links; links already emailed keep their method', async () => {
    const { customerId, employees } = await rosterCustomer(t.handle, 3);
    const admin = await adminOf(customerId);
    await api(admin).links.generate({});
    await api(admin).links.sendEmails({ employeeIds: [employees[0]!.id] });
    const sheet = await api(admin).links.qrSheet({});
    expect(sheet.entries).toHaveLength(3);
    for (const e of sheet.entries) {
      expect(e.shortUrl).toBe(e.url.replace('https://', ''));
      await expect(
        callerFor(t.handle, { now: T0 }).enrollment.get({ token: tokensIn(e.url)[0]!, language: 'en' }),
      ).resolves.toBeDefined();
    }
    const via = Object.fromEntries((await api(admin).links.list({})).rows.map((r) => [r.employeeId, r.sentVia]));
    expect(via).toEqual({ [employees[0]!.id]: 'email', [employees[1]!.id]: 'qr', [employees[2]!.id]: 'qr' });
  });

  it('resend to pending: fresh links for everyone who has not answered, old ones invalid; a retry does not resend', async () => {
    const { customerId, employees } = await rosterCustomer(t.handle, 3);
    const admin = await adminOf(customerId);
    await api(admin).links.generate({});
    await api(admin).links.sendEmails({});
    const before = await outboxTokens(admin);
    expect(before).toHaveLength(3);
    const answered = before[0]!;
    await enroll(t.handle, answered, {}, { now: at(DAY) });

    const requestId = randomUUID();
    const result = await api(admin, at(2 * DAY)).links.resendPending({ requestId });
    expect(result).toEqual({ reissued: 2, mode: 'outbox', delivered: 2, failed: [] });
    const fresh = (await outboxTokens(admin)).filter((tok) => !before.includes(tok));
    expect(fresh).toHaveLength(2);
    for (const old of before.slice(1)) {
      await expect(
        callerFor(t.handle, { now: at(2 * DAY) }).enrollment.get({ token: old, language: 'en' }),
      ).rejects.toMatchObject({ appCode: 'LINK_EXPIRED' });
    }
    for (const token of fresh) {
      await expect(callerFor(t.handle, { now: at(2 * DAY) }).enrollment.get({ token, language: 'en' })).resolves.toBeDefined();
    }
    const statuses = (await api(admin, at(2 * DAY)).links.list({})).rows;
    expect(statuses.filter((r) => r.status === 'sent')).toHaveLength(2);
    expect(statuses.filter((r) => r.status === 'responded')).toHaveLength(1);
    expect(employees).toHaveLength(3);

    // The same request again (a network retry): nothing reissued, nothing emailed twice.
    const retry = await api(admin, at(2 * DAY)).links.resendPending({ requestId });
    expect(retry).toEqual({ reissued: 2, mode: 'outbox', delivered: 0, failed: [] });
    expect(await outboxTokens(admin)).toHaveLength(5);
  });

  it('records every action in the audit log', async () => {
    const { customerId } = await rosterCustomer(t.handle, 2);
    const admin = await adminOf(customerId);
    await api(admin).links.generate({});
    await api(admin).links.sendEmails({});
    await api(admin).links.exportCsv({});
    await api(admin).links.qrSheet({});
    await api(admin).links.resendPending({ requestId: randomUUID() });
    const audit = await api(admin).customers.audit({ limit: 50 });
    const byAction = Object.fromEntries(audit.map((a) => [a.action, a]));
    expect(byAction['links.generated']?.details).toMatchObject({ count: 2 });
    expect(audit.filter((a) => a.action === 'links.distributed').map((a) => a.details)).toEqual(
      expect.arrayContaining([expect.objectContaining({ method: 'email', delivered: 2, failed: 0 })]),
    );
    expect(byAction['links.exported']?.details).toMatchObject({ method: 'csv', count: 2 });
    expect(byAction['links.qr_sheet']?.details).toMatchObject({ method: 'qr', count: 2 });
    expect(byAction['links.resent']?.details).toMatchObject({ reissued: 2 });
    expect(byAction['links.generated']).toMatchObject({ actorEmail: admin.email, actorRole: 'admin', ipAddress: '198.51.100.9' });
  });
});
