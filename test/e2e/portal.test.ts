/**
 * The onboarding portal in Debian's chromium against the real server, database and a real SMTP server on
 * 127.0.0.1: an operator signs in, creates a customer and invites its CEO; the CEO sets a password from the
 * emailed invitation, signs in and lands on their home screen. The whole onboarding: a messy CSV roster is mapped,
 * its errors fixed, links generated and emailed; an employee enrolls on a phone through the emailed link, and the
 * admin's dashboard shows the new rate.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../server/context.ts';
import { testBrowser } from '../helpers/auth-client.ts';
import { assertBuilt, haveChromium, launchChromium } from '../helpers/browser.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { makeUser, startTestServer, TEST_PASSWORD, type RunningServer } from '../helpers/services.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';

let t: TestDb;
let running: RunningServer;
let origin: string;
let browser: Browser;
let smtp: SmtpSink;
let services: AppServices;

beforeAll(async () => {
  if (!haveChromium) return;
  assertBuilt();
  t = await openTestDb();
  smtp = await startSmtpSink();
  running = await startTestServer(t.handle, { smtpUrl: smtp.url });
  ({ services, origin } = running);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await smtp?.close();
  await t?.close();
});

async function desktop(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    throw e;
  });
  return page;
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${origin}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe.skipIf(!haveChromium)('onboarding portal in chromium', () => {
  it('operator creates a customer and invites the CEO, who sets a password and lands on Signal', async () => {
    const operator = await makeUser(services, 'operator', null);
    const page = await desktop();
    await signIn(page, operator.email, TEST_PASSWORD);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal');

    await page.getByLabel('Company name').fill('Initech');
    await page.getByLabel('CEO name').fill('Bill Lumbergh');
    await page.getByLabel('Output language').selectOption('de');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal/setup');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Setup — Initech');

    const ceoEmail = `bill.${Date.now()}@initech.example`;
    const invite = page.getByRole('form', { name: 'Invite a login' });
    await invite.getByLabel('Email').fill(ceoEmail);
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(ceoEmail);

    const invitation = await smtp.waitFor(ceoEmail);
    expect(invitation.subject).toMatch(/PanOps/);
    const link = /(https?:\/\/\S+)/.exec(invitation.text)?.[1];
    expect(link).toBeTruthy();

    const ceoPage = await desktop();
    await ceoPage.goto(link!);
    await expect.poll(() => new URL(ceoPage.url()).pathname).toBe('/reset-password');
    await ceoPage.getByLabel('New password').fill('a long enough ceo password');
    await ceoPage.getByLabel('Repeat the password').fill('a long enough ceo password');
    await ceoPage.getByRole('button', { name: 'Save password' }).click();
    await expect.poll(() => ceoPage.getByRole('status').textContent()).toContain('Your password is set.');

    await signIn(ceoPage, ceoEmail, 'a long enough ceo password');
    await expect.poll(() => new URL(ceoPage.url()).pathname).toBe('/signal');
    // The customer's output language is German, and the CEO's UI follows it.
    await expect.poll(() => ceoPage.getByRole('heading', { level: 1 }).textContent()).toBe('Willkommen, Bill Lumbergh');
  });

  it('a throttled sign-in shows the wait and offers an unlock link; the emailed link trusts the browser (ADR 0012)', async () => {
    const operator = await makeUser(services, 'operator', null);
    // Someone guessing from other addresses: browsers the account does not know now wait.
    for (let i = 0; i < 10; i++) await testBrowser(origin).signIn(operator.email, `attacker guess ${i}`);
    const page = await desktop();
    await signIn(page, operator.email, TEST_PASSWORD);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe(
        "Too many failed sign-ins to this account from browsers it doesn't know. Try again in 1 minute, or email yourself an unlock link to sign in from this browser now.",
      );
    await page.getByRole('button', { name: 'Email me an unlock link' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('an unlock link is on its way');
    const mail = await smtp.waitFor(operator.email);
    expect(mail.subject).toBe('Sign in to PanOps from a new browser');
    const link = /(http\S+\/unlock#token=\S+)/.exec(mail.text)![1]!;
    await page.goto(link);
    await page.getByRole('button', { name: 'Trust this browser' }).click();
    // Back on the sign-in page, the email filled in; the password is still needed.
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('This browser is now trusted');
    expect(page.url()).not.toContain('token');
    expect(await page.getByLabel('Email').inputValue()).toBe(operator.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal');
  });

  it('says the service is unavailable when sign-in answers 503, not that the password is wrong', async () => {
    const page = await desktop();
    await page.route('**/api/auth/sign-in/email', (route) => route.fulfill({ status: 503, body: '' }));
    await signIn(page, 'anyone@test.example', 'any password at all');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The service is unavailable right now. Please try again in a moment.');
  });

  it('sends signed-out visitors to the login page and other roles to their own home', async () => {
    const page = await desktop();
    await page.goto(`${origin}/admin`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    const operator = await makeUser(services, 'operator', null);
    await signIn(page, operator.email, TEST_PASSWORD);
    // Back to /admin after sign-in, which sends an operator without a chosen customer to the customer list.
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal');
    await page.goto(`${origin}/signal`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal');
  });

  it('maps a messy CSV, fixes its errors, emails links; an employee enrolls from the email; the admin sees the rate', async () => {
    const operator = await makeUser(services, 'operator', null);
    const page = await desktop();
    await signIn(page, operator.email, TEST_PASSWORD);
    await page.getByLabel('Company name').fill('Globex');
    await page.getByLabel('CEO name').fill('Hank Scorpio');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal/setup');

    // The messy file: BOM, semicolons, a quoted newline, non-Latin names, and three bad rows.
    await page.getByRole('link', { name: 'Roster' }).click();
    const messy = fileURLToPath(new URL('../fixtures/roster/messy.csv', import.meta.url));
    await page.locator('input[type=file]').setInputFiles(messy);
    await expect.poll(() => page.getByText('7 rows in messy.csv').count()).toBe(1);
    // Headers were recognised: "E-mail Address" → Email, "Dept" → Department.
    expect(await page.getByLabel('Field for column E-mail Address').inputValue()).toBe('email');
    expect(await page.getByLabel('Field for column Dept').inputValue()).toBe('department');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await expect.poll(() => page.getByText('Errors: 3; rows affected: 3.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Apply to roster' }).isDisabled()).toBe(true);

    // Fix the file (drop the duplicate, correct the email, name the nameless) and upload it again.
    const fixed = readFileSync(messy, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('José Müller'))
      .join('\n')
      .replace('bob(at)example.com', 'bob@example.com')
      .replace(';nameless@example.com', 'Nia Nameless;nameless@example.com');
    const dir = mkdtempSync(join(tmpdir(), 'panops-e2e-'));
    writeFileSync(join(dir, 'fixed.csv'), fixed);
    await page.locator('input[type=file]').setInputFiles(join(dir, 'fixed.csv'));
    await expect.poll(() => page.getByText('6 rows in fixed.csv').count()).toBe(1);
    // The mapping saved for this customer is suggested again.
    expect(await page.getByLabel('Field for column Mobile').inputValue()).toBe('phone');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await expect.poll(() => page.getByText('No errors: every row can be imported.').count()).toBe(1);
    await page.getByRole('button', { name: 'Apply to roster' }).click();
    await expect.poll(() => page.getByText(/Applied. Joiners: 6;/).count()).toBe(1);

    // Links: confirm the list, generate, email.
    await page.getByRole('link', { name: 'Enrollment links' }).click();
    await page.getByLabel('I have checked the list').check();
    await page.getByRole('button', { name: 'Generate links (6)' }).click();
    await expect.poll(() => page.getByText(/Links generated: 6/).count()).toBe(1);
    await page.getByLabel('Email each person their link').check();
    await page.getByRole('button', { name: 'Distribute' }).click();
    await expect.poll(() => page.getByText('Emails sent: 6.').count()).toBe(1);
    for (const address of ['anna.ivanova@example.com', 'li.wei@example.com', 'fatima@example.com', 'bob@example.com', 'nameless@example.com', 'chloe@example.com']) {
      await smtp.waitFor(address);
    }

    // Анна enrolls on her phone through the link in her email.
    const mail = await smtp.waitFor('anna.ivanova@example.com');
    const link = /(http:\/\/\S+\/enroll\/[0-9a-f-]{36})/.exec(mail.text)?.[1];
    expect(link).toBeTruthy();
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US', isMobile: true, hasTouch: true })).newPage();
    await phone.goto(link!);
    await phone.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => phone.locator('.identity').textContent()).toContain('anna.ivanova@example.com');
    await phone.getByRole('button', { name: 'These details are correct' }).click();
    for (const channel of ['email', 'messaging', 'video', 'sms_voice']) {
      await phone.locator(`fieldset[data-channel="${channel}"] label.choice`).filter({ hasText: /^Allow$/ }).click();
    }
    await phone.getByRole('checkbox').click();
    await phone.getByRole('button', { name: 'Submit my choices' }).click();
    await expect.poll(() => phone.getByRole('heading', { name: 'Your choices are saved' }).count()).toBe(1);

    // The customer's admin signs in: 1 of 6 responded, and no channel figures for a group under 5.
    const customerId = await page.evaluate(async () => {
      const res = await fetch('/trpc/session.me');
      return ((await res.json()) as { result: { data: { activeCustomerId: string } } }).result.data.activeCustomerId;
    });
    const admin = await makeUser(services, 'admin', customerId);
    const adminPage = await desktop();
    await signIn(adminPage, admin.email, TEST_PASSWORD);
    await expect.poll(() => new URL(adminPage.url()).pathname).toBe('/admin');
    await expect.poll(() => adminPage.locator('.stat').filter({ hasText: 'Responded' }).textContent()).toContain('1 of 6');
    expect(await adminPage.getByText('fewer than 5').count()).toBeGreaterThan(0);
  });
});

