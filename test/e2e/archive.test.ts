/**
 * The CEO's Archive and Signal home in Debian's chromium against the real server and database: a past session's
 * answer renders as markdown with clickable citations that open the cited source, the export downloads a markdown
 * file, and Signal home shows the dashboard and sends a question to the chat page.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../server/auth/auth.ts';
import { assertBuilt, haveChromium, launchChromium } from '../helpers/browser.ts';
import { enroll, grantAll } from '../helpers/caller.ts';
import { commRecord, ingest } from '../helpers/communications.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { makeUser, startTestServer, TEST_PASSWORD, type RunningServer } from '../helpers/services.ts';
import { communicationIds, makeSession, makeTurn } from '../helpers/signal-fixtures.ts';

const DAY = 86_400_000;
let t: TestDb;
let running: RunningServer;
let browser: Browser;
let ceo: SessionUser;
let sessionId: string;
let bodies: string[];

beforeAll(async () => {
  if (!haveChromium) return;
  assertBuilt();
  t = await openTestDb();
  running = await startTestServer(t.handle);
  browser = await launchChromium();
  const enrolledAt = new Date(Date.now() - 30 * DAY);
  const c = await makeCustomer(t.handle, { count: 6, now: enrolledAt });
  for (const e of c.employees) await enroll(t.handle, e.token, grantAll(['email', 'messaging', 'video', 'sms_voice']), { now: enrolledAt });
  await ingest(
    t.handle,
    c.customerId,
    c.employees.map((e, i) =>
      commRecord(e.email, 'email', { occurredAt: new Date(Date.now() - DAY + i * 1000), subject: null, body: `Supplier delay note ${i}: renewals at risk.` }),
    ),
  );
  const records = await communicationIds(t.handle, c.customerId);
  bodies = records.map((r) => r.body);
  ceo = await makeUser(running.services, 'ceo', c.customerId);
  sessionId = await makeSession(t.handle, c.customerId, ceo.id, { title: 'Supplier delay' });
  await makeTurn(t.handle, c.customerId, sessionId, {
    query: 'What is the supplier delay doing to renewals?',
    response: `## Summary\n\nTwo renewals are **at risk** [#${records[0]!.id}]. <img src=x onerror="window.pwned=1"> Also [#${records[1]!.id}].`,
    retrieved: records.slice(0, 3).map((r) => r.id),
  });
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await t?.close();
});

describe.skipIf(!haveChromium)('Archive and Signal home in chromium', () => {
  it('opens a past answer with clickable citations, exports it, and Signal home sends a question to the chat', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', acceptDownloads: true });
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(`${running.origin}/login`);
    await page.getByLabel('Email').fill(ceo.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/signal$/);

    // Signal home: the dashboard and the question box.
    await expect.poll(() => page.getByRole('heading', { name: 'Activity over the last 8 weeks' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('img', { name: /Messages per week by channel/ }).count()).toBe(1);
    await expect.poll(() => page.locator('.connector-list .badge').count()).toBe(8);
    await page.getByLabel('Ask a question about your company').fill('What about renewals?');
    await page.getByRole('button', { name: 'Ask Signal' }).click();
    // The chat page asks at once and moves on to the new session's address, so wait for where it ends up.
    await page.waitForURL(/\/signal\/sessions\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('article.signal-turn').first().textContent()).toContain('What about renewals?');

    // Archive: the session, then its answer.
    await page.goto(`${running.origin}/archive`);
    await page.getByRole('link', { name: 'Supplier delay' }).click();
    await page.waitForURL(new RegExp(`/archive/${sessionId}$`));
    await expect.poll(() => page.getByRole('heading', { name: 'Summary' }).isVisible()).toBe(true);
    expect(await page.locator('.turn-answer strong').textContent()).toBe('at risk');
    expect(await page.locator('.turn-answer img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.getByRole('button', { name: 'Source 2' }).click();
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(focused).toContain(bodies[1]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as markdown' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^panops-signal-\d{4}-\d{2}-\d{2}-supplier-delay\.md$/);
    const file = readFileSync((await download.path())!, 'utf8');
    expect(file).toContain('# Supplier delay');
    expect(file).toContain('Two renewals are **at risk** [1].');
    await context.close();
  });
});
