/**
 * The onboarding portal in Debian's chromium against the real server, database and a real SMTP server on
 * 127.0.0.1: an operator signs in, creates a customer and invites its CEO; the CEO sets a password from the
 * emailed invitation, signs in and lands on their home screen.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../server/context.ts';
import { createAppServer, distDir } from '../../server/http.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { freePort, makeUser, TEST_PASSWORD, testServices } from '../helpers/services.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);

let t: TestDb;
let server: Server;
let origin: string;
let browser: Browser;
let smtp: SmtpSink;
let services: AppServices;

beforeAll(async () => {
  if (!haveChromium) return;
  if (!existsSync(`${distDir}/index.html`)) throw new Error('dist/ is missing: run `npm run build` first');
  t = await openTestDb();
  smtp = await startSmtpSink();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  services = testServices(t.handle, { publicUrl: origin, smtpUrl: smtp.url });
  server = await createAppServer({ services, mode: 'production' });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
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
});
