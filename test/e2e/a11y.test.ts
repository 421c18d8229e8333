/**
 * Accessibility: axe-core (WCAG 2.1 A and AA rules) scans every main screen of the portal, the admin panel,
 * Signal, the Archive and the employee app, in English and in Arabic (right-to-left), on the demo data.
 * A violation anywhere fails the build.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOGINS, ensureDemo, type DemoLink } from '../../server/seed/demo.ts';
import { scan, type Violation } from '../helpers/axe.ts';
import { assertBuilt, haveChromium, launchChromium } from '../helpers/browser.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { startTestServer, type RunningServer } from '../helpers/services.ts';

const PASSWORD = 'a11y demo password 2026';
const LANGUAGES = ['en', 'ar'] as const;
type Lng = (typeof LANGUAGES)[number];

let t: TestDb;
let running: RunningServer;
let browser: Browser;
let demoLinks: DemoLink[] = [];

beforeAll(async () => {
  if (!haveChromium) return;
  assertBuilt();
  t = await openTestDb();
  running = await startTestServer(t.handle);
  ({ links: demoLinks } = await ensureDemo(running.services, { now: new Date(), password: PASSWORD }));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await t?.close();
});

const locale = (lng: Lng) => JSON.parse(readFileSync(new URL(`../../client/i18n/locales/${lng}/enroll.json`, import.meta.url), 'utf8'));

async function contextIn(lng: Lng, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: lng === 'ar' ? 'ar' : 'en-US' });
  // An explicit UI-language choice, as the language switcher stores it; it wins over the customer's language.
  await context.addInitScript((language) => localStorage.setItem('panops.language', language), lng);
  return context;
}

async function signIn(page: Page, email: string) {
  await page.goto(`${running.origin}/login`);
  await page.locator('input[type=email]').fill(email);
  await page.locator('input[type=password]').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

const ADMIN_SCREENS = [
  '/portal/setup',
  '/portal/checklist',
  '/portal/session',
  '/portal/roster',
  '/portal/links',
  '/portal/outbox',
  '/admin',
  '/admin/people',
  '/admin/corrections',
  '/admin/checks',
  '/admin/audit',
  '/admin/api-keys',
];
const CEO_SCREENS = ['/signal', '/signal/ask', '/archive'];

describe.skipIf(!haveChromium)('accessibility (axe-core, WCAG 2.1 AA)', () => {
  it('the scan reports a real violation (control: an unlabelled field added to the sign-in page)', async () => {
    const context = await contextIn('en');
    const page = await context.newPage();
    await page.goto(`${running.origin}/login`);
    expect(await scan(page, 'en')).toEqual([]);
    await page.evaluate(() => document.querySelector('main')!.append(document.createElement('input')));
    expect((await scan(page, 'en')).map((v) => v.id)).toContain('label');
    await context.close();
  });

  for (const lng of LANGUAGES) {
    it(`sign-in, operator and customer-admin screens have no violations (${lng})`, async () => {
      const context = await contextIn(lng);
      const page = await context.newPage();
      const found: Record<string, Violation[]> = {};
      await page.goto(`${running.origin}/login`);
      found['/login'] = await scan(page, lng);

      await signIn(page, DEMO_LOGINS.operator.email);
      found['/portal'] = await scan(page, lng);
      await context.clearCookies();

      await signIn(page, DEMO_LOGINS.admin.email);
      for (const path of ADMIN_SCREENS) {
        await page.goto(`${running.origin}${path}`);
        found[path] = await scan(page, lng);
      }
      await context.close();
      expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
    });

    it(`Signal and Archive screens have no violations (${lng})`, async () => {
      const context = await contextIn(lng);
      const page = await context.newPage();
      const found: Record<string, Violation[]> = {};
      await signIn(page, DEMO_LOGINS.ceo.email);
      for (const path of CEO_SCREENS) {
        await page.goto(`${running.origin}${path}`);
        found[path] = await scan(page, lng);
      }
      // An answered question (extractive mode: no model configured here), then that session in the Archive.
      await page.goto(`${running.origin}/signal/ask`);
      await page.locator('textarea').fill('supplier delay pipeline');
      await page.locator('form button[type=submit]').click();
      await page.waitForURL((url) => url.pathname.startsWith('/signal/sessions/'));
      await expect.poll(() => page.locator('article.signal-turn[aria-busy=false]').count(), { timeout: 20_000 }).toBe(1);
      found['/signal/sessions/:id'] = await scan(page, lng);
      const sessionId = new URL(page.url()).pathname.split('/').at(-1);
      await page.goto(`${running.origin}/archive/${sessionId}`);
      found['/archive/:id'] = await scan(page, lng);
      await context.close();
      expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
    });

    it(`every employee-app screen has no violations on a phone (${lng})`, async () => {
      const text = locale(lng);
      const context = await contextIn(lng, { width: 390, height: 844 });
      const page = await context.newPage();
      const found: Record<string, Violation[]> = {};
      const link = demoLinks[lng === 'en' ? 0 : 1]!;
      await page.goto(`${running.origin}${link.path}`);
      found.disclosure = await scan(page, lng);
      await page.locator('main button').last().click();
      await page.getByRole('button', { name: text.identity.confirm }).waitFor();
      found.identity = await scan(page, lng);
      await page.getByRole('button', { name: text.identity.confirm }).click();
      await page.getByRole('button', { name: text.choices.submit }).waitFor();
      found.choices = await scan(page, lng);
      for (const fieldset of await page.locator('fieldset[data-channel]').all()) {
        await fieldset.locator('label.choice').first().click();
      }
      await page.getByRole('checkbox').check();
      await page.getByRole('button', { name: text.choices.submit }).click();
      await page.getByRole('heading', { name: text.receipt.heading }).waitFor();
      found.receipt = await scan(page, lng);
      await page.getByRole('link', { name: text.receipt.manage }).click();
      await page.waitForURL((url) => url.pathname.startsWith('/manage'));
      found.manage = await scan(page, lng);
      await page.goto(`${running.origin}/enroll/00000000-0000-4000-8000-000000000000`);
      found.invalidLink = await scan(page, lng);
      await context.close();
      expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
    });
  }
});
