/**
 * Languages of people, not of the product: a user's own UI language is remembered by their account, and the emails
 * a customer's people receive are in their own language when known (their login's), else the customer's output
 * language, else English.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionUserByEmail, type SessionUser } from '../../server/auth/auth.ts';
import { emailMessages } from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { publishMissingDefaultNotices } from '../../server/services/notices.ts';
import { callerFor } from '../helpers/caller.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, useTestServices } from '../helpers/services.ts';

const env = useTestServices();
let operator: SessionUser;
beforeAll(async () => {
  operator = await makeUser(env.services, 'operator', null);
});

const label = process.env.TEST_DB ?? 'pglite';
const asOperator = (customerId: string, now?: Date) =>
  callerAs(env.services, { ...operator, activeCustomerId: customerId }, now ? { now } : {});

async function newCustomer(outputLanguage: string, name = `Kaisha ${randomUUID().slice(0, 6)}`) {
  const created = await callerAs(env.services, operator).customers.create({
    name,
    ceoName: 'Aiko Tanaka',
    outputLanguage,
    contactEmail: null,
    requestId: randomUUID(),
  });
  return created.id;
}

const mailsTo = (customerId: string, to: string) =>
  withTenant(env.t.handle, customerId, (tx) => tx.select().from(emailMessages).where(eq(emailMessages.toAddress, to)));

const signedIn = async (email: string) => (await sessionUserByEmail(env.services.auth, email))!;

describe(`a user's own UI language (${label})`, () => {
  it('defaults to nothing, so the portal follows the customer; a choice is remembered by the account', async () => {
    const customerId = await newCustomer('ja');
    const ceo = await makeUser(env.services, 'ceo', customerId);
    expect(await callerAs(env.services, ceo).session.me()).toMatchObject({ outputLanguage: 'ja', language: null });

    const after = await callerAs(env.services, ceo).session.setLanguage({ language: 'fr' });
    expect(after).toMatchObject({ outputLanguage: 'ja', language: 'fr' });
    // A later request (another device) reads the account again.
    expect(await callerAs(env.services, await signedIn(ceo.email)).session.me()).toMatchObject({ language: 'fr' });

    await callerAs(env.services, ceo).session.setLanguage({ language: null });
    expect(await callerAs(env.services, await signedIn(ceo.email)).session.me()).toMatchObject({ language: null });
  });

  it('accepts only UI languages, with a 4xx and nothing changed otherwise', async () => {
    const customerId = await newCustomer('de');
    const admin = await makeUser(env.services, 'admin', customerId);
    await callerAs(env.services, admin).session.setLanguage({ language: 'nl' });
    for (const language of ['ko', 'EN', 'xx', '']) {
      await expect(callerAs(env.services, admin).session.setLanguage({ language } as never)).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    }
    expect(await callerAs(env.services, await signedIn(admin.email)).session.me()).toMatchObject({ language: 'nl' });
  });

  it('needs a signed-in user', async () => {
    await expect(callerAs(env.services, null).session.setLanguage({ language: 'fr' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe(`emails in the recipient's language (${label})`, () => {
  it('an invitation without a chosen language is in the customer output language; a chosen one wins', async () => {
    const customerId = await newCustomer('ja');
    const plain = `ceo-${randomUUID().slice(0, 6)}@kaisha.example`;
    const german = `admin-${randomUUID().slice(0, 6)}@kaisha.example`;
    await asOperator(customerId).customers.inviteUser({ email: plain, name: '田中 愛子', role: 'ceo' });
    await asOperator(customerId).customers.inviteUser({ email: german, name: 'Anna Admin', role: 'admin', language: 'de' });
    const [toPlain] = await mailsTo(customerId, plain);
    const [toGerman] = await mailsTo(customerId, german);
    expect(toPlain).toMatchObject({ kind: 'invite', subject: 'PanOps への招待' });
    expect(toPlain!.textBody).toContain('田中 愛子 様');
    expect(toGerman).toMatchObject({ kind: 'invite' });
    expect(toGerman!.subject).not.toBe(toPlain!.subject);
    expect(toGerman!.textBody).toMatch(/^Hallo Anna Admin,/);
  });

  it('a password reset follows the same rule, and a customer language the UI lacks falls back to English', async () => {
    const zhCustomer = await newCustomer('zh');
    const koCustomer = await newCustomer('ko');
    const zhAdmin = await makeUser(env.services, 'admin', zhCustomer);
    const koAdmin = await makeUser(env.services, 'admin', koCustomer);
    for (const email of [zhAdmin.email, koAdmin.email]) {
      await env.services.auth.api.requestPasswordReset({ body: { email, redirectTo: `${env.services.publicUrl}/reset-password` } });
    }
    expect((await mailsTo(zhCustomer, zhAdmin.email))[0]).toMatchObject({ kind: 'password_reset', subject: '重置您的 PanOps 密码' });
    expect((await mailsTo(koCustomer, koAdmin.email))[0]).toMatchObject({
      kind: 'password_reset',
      subject: 'Reset your PanOps password',
    });
  });

  it("the checklist goes to each admin in their own login's language, else the customer's", async () => {
    const customerId = await newCustomer('de', 'Kaisha KK');
    const japanese = `admin-ja-${randomUUID().slice(0, 6)}@kaisha.example`;
    await asOperator(customerId).customers.inviteUser({ email: japanese, name: 'Aiko', role: 'admin', language: 'ja' });
    const plain = await makeUser(env.services, 'admin', customerId);
    const op = asOperator(customerId, new Date('2026-11-20T09:00:00Z'));
    await op.onboarding.setSessionDate({ sessionDate: '2026-11-30' });
    const result = await op.onboarding.emailChecklist();
    expect(result.messages.map((m) => m.status)).toEqual(['outbox', 'outbox']);

    const [toJapanese] = (await mailsTo(customerId, japanese)).filter((m) => m.kind === 'checklist');
    const [toPlain] = (await mailsTo(customerId, plain.email)).filter((m) => m.kind === 'checklist');
    expect(toJapanese!.subject).toBe('Kaisha KK: 2026年11月30日月曜日 のセッションに向けた PanOps 事前チェックリスト');
    expect(toJapanese!.textBody).toContain('1. Azure AD の条件付きアクセスポリシー(Microsoft 365、グローバル管理者)— 未完了');
    expect(toPlain!.subject).toContain('PanOps-Checkliste');
    const entry = (await op.customers.audit({ limit: 50 })).find((e) => e.action === 'checklist.emailed');
    expect(entry?.details).toMatchObject({
      language: 'de',
      messages: expect.arrayContaining([
        expect.objectContaining({ to: japanese, language: 'ja' }),
        expect.objectContaining({ to: plain.email, language: 'de' }),
      ]),
    });
  });
});

describe(`consent notices for languages added after a customer was created (${label})`, () => {
  it('publishes the default notice in each missing UI language only, once', async () => {
    const { customerId, employees } = await makeCustomer(env.t.handle, { count: 1, name: 'Acme Nederland' });
    expect(await withTenant(env.t.handle, customerId, (tx) => publishMissingDefaultNotices(tx, customerId))).toEqual([]);
    // As if the customer predated Japanese and Chinese: only the database owner can remove published versions.
    await env.t.owner(`select set_config('app.customer_id', $1, false)`, [customerId]);
    await env.t.owner(`delete from consent_notice_versions where customer_id = $1 and language in ('ja', 'zh')`, [customerId]);
    const before = await callerFor(env.t.handle).enrollment.get({ token: employees[0]!.token, language: 'ja' });
    expect(before.notice.language).toBe('en');
    const nl = await callerFor(env.t.handle).enrollment.get({ token: employees[0]!.token, language: 'nl' });

    expect(await withTenant(env.t.handle, customerId, (tx) => publishMissingDefaultNotices(tx, customerId))).toEqual(['ja', 'zh']);
    const after = await callerFor(env.t.handle).enrollment.get({ token: employees[0]!.token, language: 'ja' });
    expect(after.notice).toMatchObject({ language: 'ja', label: 'v1-ja' });
    expect(after.notice.body).toContain('Acme Nederland は、CEO である Casey Chief が');
    // Languages that had a version keep it: same version id, nothing republished.
    expect((await callerFor(env.t.handle).enrollment.get({ token: employees[0]!.token, language: 'nl' })).notice.versionId).toBe(
      nl.notice.versionId,
    );
    expect(await withTenant(env.t.handle, customerId, (tx) => publishMissingDefaultNotices(tx, customerId))).toEqual([]);
  });
});
