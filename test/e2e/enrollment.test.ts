/**
 * The employee app in Debian's chromium at a phone viewport (390×844), against the real server and database
 * in-process: enroll, revoke, error pages, a failing database, Arabic right-to-left.
 */
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentEvents, employeeConsent, noticeViews } from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { assertBuilt, haveChromium, launchChromium } from '../helpers/browser.ts';
import { injectInsertFault, openTestDb, type TestDb } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { startTestServer, type RunningServer } from '../helpers/services.ts';

let t: TestDb;
let running: RunningServer;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  if (!haveChromium) return;
  assertBuilt();
  t = await openTestDb();
  running = await startTestServer(t.handle);
  origin = running.origin;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await t?.close();
});

async function phone(locale = 'en-US'): Promise<{ context: BrowserContext; page: Page; clicks: () => number; tap: (l: Locator) => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let count = 0;
  return {
    context,
    page,
    clicks: () => count,
    tap: async (locator: Locator) => {
      count++;
      await locator.click();
      expect(errors).toEqual([]);
    },
  };
}

const choice = (page: Page, channel: string, label: 'Allow' | "Don't allow") =>
  page.locator(`fieldset[data-channel="${channel}"] label.choice`).filter({ hasText: new RegExp(`^${label}$`) });

async function events(customerId: string, employeeId: string) {
  return withTenant(t.handle, customerId, (tx) =>
    tx.select().from(consentEvents).where(eq(consentEvents.employeeId, employeeId)).orderBy(consentEvents.seq),
  );
}

describe.skipIf(!haveChromium)('employee app in chromium (390×844)', () => {
  it('enrolls in four screens, then revokes one channel with fewer taps than granting took', async () => {
    const c = await makeCustomer(t.handle);
    const person = c.employees[0]!;
    const { context, page, tap, clicks } = await phone();
    await page.goto(`${origin}/enroll/${person.token}`);

    await expect.poll(() => page.locator('.step').textContent()).toBe('Step 1 of 4');
    await tap(page.getByRole('button', { name: 'Continue' }));
    await expect.poll(() => page.locator('.step').textContent()).toBe('Step 2 of 4');
    expect(await page.locator('.identity').textContent()).toContain(person.email);
    await tap(page.getByRole('button', { name: 'These details are correct' }));
    await expect.poll(() => page.locator('.step').textContent()).toBe('Step 3 of 4');

    // Nothing is pre-selected, and both options look the same.
    expect(await page.locator('input[type=radio]:checked').count()).toBe(0);
    const allowBox = await choice(page, 'email', 'Allow').boundingBox();
    const denyBox = await choice(page, 'email', "Don't allow").boundingBox();
    expect(allowBox!.width).toBeCloseTo(denyBox!.width, 0);
    expect(allowBox!.height).toBeCloseTo(denyBox!.height, 0);
    const styleOf = (l: Locator) =>
      l.locator('span').evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.backgroundColor, s.color, s.fontWeight, s.fontSize, s.borderTopWidth, s.borderTopColor].join('|');
      });
    expect(await styleOf(choice(page, 'email', 'Allow'))).toBe(await styleOf(choice(page, 'email', "Don't allow")));

    const beforeChoices = clicks();
    await tap(choice(page, 'email', 'Allow'));
    await tap(choice(page, 'messaging', 'Allow'));
    await tap(choice(page, 'video', "Don't allow"));
    await tap(choice(page, 'sms_voice', 'Allow'));
    await tap(page.getByRole('checkbox'));
    await tap(page.getByRole('button', { name: 'Submit my choices' }));
    await expect.poll(() => page.getByRole('heading', { name: 'Your choices are saved' }).count()).toBe(1);
    const grantTaps = clicks() - beforeChoices;

    const receipt = page.locator('.decisions li');
    expect(await receipt.evaluateAll((items) => items.map((li) => [li.dataset.channel, li.dataset.decision]))).toEqual([
      ['email', 'grant'],
      ['messaging', 'grant'],
      ['video', 'deny'],
      ['sms_voice', 'grant'],
    ]);
    expect(await page.locator('.receipt').textContent()).toContain('Notice version v1-en');

    // Revoke messaging: open "manage my consent" from the receipt, tap once.
    const beforeRevoke = clicks();
    await tap(page.getByRole('link', { name: 'Manage my consent' }));
    await expect.poll(() => page.locator('li[data-channel="messaging"]').getAttribute('data-allowed')).toBe('true');
    await tap(page.locator('li[data-channel="messaging"]').getByRole('button', { name: 'Stop sharing' }));
    await expect.poll(() => page.locator('li[data-channel="messaging"]').getAttribute('data-allowed')).toBe('false');
    const revokeTaps = clicks() - beforeRevoke;
    expect(revokeTaps).toBeLessThanOrEqual(grantTaps);
    expect(revokeTaps).toBe(2);

    const rows = await events(c.customerId, person.id);
    expect(rows.map((e) => [e.channel, e.decision])).toEqual([
      ['email', 'grant'],
      ['messaging', 'grant'],
      ['video', 'deny'],
      ['sms_voice', 'grant'],
      ['messaging', 'withdraw'],
    ]);
    const [projection] = await withTenant(t.handle, c.customerId, (tx) =>
      tx.select().from(employeeConsent).where(eq(employeeConsent.employeeId, person.id)),
    );
    expect(projection).toMatchObject({ channelsConsented: ['email', 'sms_voice'], revoked: false, consentVersion: 'v1-en' });
    expect(projection!.userAgent).toContain('Chrome');

    // The installed app remembers the manage link: a bare /manage works on this device.
    await page.goto(`${origin}/manage`);
    await expect.poll(() => page.locator('li[data-channel="email"]').getAttribute('data-allowed')).toBe('true');
    await context.close();
  });

  it('shows the expired-link page for an expired token, and one page for unknown and malformed tokens', async () => {
    const c = await makeCustomer(t.handle, { now: new Date(Date.now() - 8 * 24 * 3600 * 1000) });
    const { context, page } = await phone();
    await page.goto(`${origin}/enroll/${c.employees[0]!.token}`);
    await expect.poll(() => page.locator('.link-error').getAttribute('data-error')).toBe('LINK_EXPIRED');
    expect(await page.locator('h1').textContent()).toBe('This link has expired');
    expect(await page.locator('.link-error').textContent()).toContain('administrator');

    await page.goto(`${origin}/enroll/00000000-0000-4000-8000-000000000000`);
    await expect.poll(() => page.locator('.link-error').getAttribute('data-error')).toBe('LINK_INVALID');
    const unknownText = await page.locator('.link-error').textContent();
    await page.goto(`${origin}/enroll/not-a-token`);
    await expect.poll(() => page.locator('.link-error').getAttribute('data-error')).toBe('LINK_INVALID');
    expect(await page.locator('.link-error').textContent()).toBe(unknownText);
    await context.close();
  });

  it('keeps the answers and offers a retry when the database fails during submit', async () => {
    const c = await makeCustomer(t.handle, { channels: ['email', 'video'] });
    const person = c.employees[0]!;
    const { context, page, tap } = await phone();
    await page.goto(`${origin}/enroll/${person.token}`);
    await tap(page.getByRole('button', { name: 'Continue' }));
    await tap(page.getByRole('button', { name: 'These details are correct' }));
    await tap(choice(page, 'email', 'Allow'));
    await tap(choice(page, 'video', "Don't allow"));
    await tap(page.getByRole('checkbox'));

    const removeFault = await injectInsertFault(t, 'employee_consent', person.id);
    try {
      await tap(page.getByRole('button', { name: 'Submit my choices' }));
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Not saved');
      expect(await page.getByRole('heading', { name: 'Your choices are saved' }).count()).toBe(0);
      expect(await page.locator('fieldset[data-channel="email"] input[value="grant"]').isChecked()).toBe(true);
      expect(await page.locator('fieldset[data-channel="video"] input[value="deny"]').isChecked()).toBe(true);
      expect(await page.getByRole('checkbox').isChecked()).toBe(true);
      expect(await events(c.customerId, person.id)).toHaveLength(0);
    } finally {
      await removeFault();
    }

    // The network drops the next attempt: still not saved, still nothing replayed behind the user's back.
    await page.route('**/trpc/enrollment.submit**', (route) => route.abort('internetdisconnected'));
    await tap(page.getByRole('button', { name: 'Try again' }));
    await expect.poll(() => page.getByRole('alert').textContent()).toContain("couldn't reach PanOps");
    await page.unroute('**/trpc/enrollment.submit**');

    await tap(page.getByRole('button', { name: 'Try again' }));
    await expect.poll(() => page.getByRole('heading', { name: 'Your choices are saved' }).count()).toBe(1);
    expect((await events(c.customerId, person.id)).map((e) => [e.channel, e.decision])).toEqual([
      ['email', 'grant'],
      ['video', 'deny'],
    ]);
    await context.close();
  });

  it('reads the notice in Arabic, right to left, and records the language shown', async () => {
    const c = await makeCustomer(t.handle);
    const person = c.employees[0]!;
    const { context, page, tap } = await phone('ar');
    await page.goto(`${origin}/enroll/${person.token}`);
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/[\u0600-\u06FF]/);
    // The brand sits at the right edge in RTL.
    const brand = await page.locator('.brand').boundingBox();
    expect(brand!.x).toBeGreaterThan(390 / 2);
    await expect
      .poll(async () =>
        (await withTenant(t.handle, c.customerId, (tx) => tx.select().from(noticeViews).where(eq(noticeViews.employeeId, person.id)))).map(
          (v) => v.language,
        ),
      )
      .toEqual(['ar']);

    // Switching language shows (and records) the notice in that language.
    await page.locator('.language select').selectOption('es');
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await expect.poll(() => page.locator('.muted').first().textContent()).toContain('v1-es');
    await tap(page.getByRole('button', { name: 'Continuar' }));
    await context.close();
  });
});
