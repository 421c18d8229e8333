/**
 * Signal in Debian's chromium against the real server and database, with the fake OpenAI-compatible model on
 * 127.0.0.1: the CEO of a French-language customer signs in, asks a question, watches the French answer stream in
 * with its citations, and opens the cited source.
 */
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/channels.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { assertBuilt, haveChromium, launchChromium } from '../helpers/browser.ts';
import { enroll, grantAll } from '../helpers/caller.ts';
import { commRecord, ingest } from '../helpers/communications.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { startFakeLlm, type ChatRequest, type FakeLlm } from '../helpers/fake-llm.ts';
import { makeUser, startTestServer, TEST_PASSWORD, type RunningServer } from '../helpers/services.ts';

let t: TestDb;
let fake: FakeLlm;
let running: RunningServer;
let browser: Browser;

const DAY = 86_400_000;
const SUPPLIER_BODY = 'Le fournisseur Baltic Metals annonce trois semaines de retard sur la livraison des châssis Atlas.';

/** The French answer the fake model streams, citing the first record it was sent. */
const frenchAnswer = (request: ChatRequest) => {
  const id = /\[#([0-9a-f-]{36})\]/.exec(request.messages.at(-1)!.content)![1];
  return `D'après les échanges, **la livraison du fournisseur est retardée** de trois semaines [#${id}].`;
};

beforeAll(async () => {
  if (!haveChromium) return;
  assertBuilt();
  t = await openTestDb();
  fake = await startFakeLlm({ behaviour: { kind: 'answer', text: frenchAnswer, chunkChars: 3, delayMs: 15 } });
  running = await startTestServer(t.handle, { signal: { llm: { url: fake.url, model: fake.model }, embeddings: null } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await fake?.close();
  await t?.close();
});

async function signIn(page: Page, email: string) {
  await page.goto(`${running.origin}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe.skipIf(!haveChromium)('Signal in chromium', () => {
  it('a French-language CEO asks, reads the streamed French answer, opens a cited source and finds the turn in the Archive', async () => {
    const enrolledAt = new Date(Date.now() - 30 * DAY);
    const customer = await makeCustomer(t.handle, { count: 5, now: enrolledAt, name: 'Fromagerie Dupont' });
    for (const e of customer.employees) await enroll(t.handle, e.token, grantAll(CHANNELS), { now: enrolledAt });
    await withTenant(t.handle, customer.customerId, (tx) =>
      tx.execute(sql`update customers set output_language = 'fr' where id = ${customer.customerId}`),
    );
    await ingest(t.handle, customer.customerId, [
      commRecord(customer.employees[0]!.email, 'email', {
        occurredAt: new Date(Date.now() - 2 * DAY),
        language: 'fr',
        subject: 'Retard fournisseur',
        body: SUPPLIER_BODY,
      }),
      commRecord(customer.employees[1]!.email, 'messaging', {
        occurredAt: new Date(Date.now() - DAY),
        language: 'fr',
        subject: null,
        body: 'Le client demande la nouvelle date de livraison.',
      }),
    ]);
    const ceo = await makeUser(running.services, 'ceo', customer.customerId);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    await signIn(page, ceo.email);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/signal');
    await page.goto(`${running.origin}/signal/ask`);

    // The UI follows the customer's output language.
    await page.getByLabel('Votre question').fill('Pourquoi la livraison du fournisseur est-elle en retard ?');
    await page.getByRole('button', { name: 'Demander' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/signal\/sessions\/[0-9a-f-]{36}$/);

    const answer = page.locator('.signal-answer .markdown');
    await expect.poll(() => answer.textContent()).toContain('la livraison du fournisseur est retardée de trois semaines');
    await expect.poll(() => page.getByRole('button', { name: 'Demander' }).count()).toBe(1);
    expect(await answer.locator('strong').textContent()).toBe('la livraison du fournisseur est retardée');
    // The model was asked for French, with this customer's records only.
    expect(fake.requests.at(-1)!.messages[0]!.content).toContain('French (fr)');

    // The citation is a button; it opens the source record.
    const citation = answer.getByRole('button', { name: 'Source 1' });
    await citation.click();
    const card = page.locator('.source-card:focus');
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain(SUPPLIER_BODY);
    expect(await card.textContent()).toContain('Retard fournisseur');

    // Reloading the session shows the saved turn.
    await page.reload();
    await expect.poll(() => page.locator('.signal-answer .markdown').textContent()).toContain('la livraison du fournisseur est retardée');

    // The turn is in the Archive, reached from the navigation, with its answer and its cited source.
    await page.getByRole('link', { name: 'Archives' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/archive');
    await page.getByRole('link', { name: /Pourquoi la livraison du fournisseur/ }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/archive\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('main').textContent()).toContain('la livraison du fournisseur est retardée de trois semaines');
    await page.locator('main').getByRole('button', { name: 'Source 1' }).first().click();
    await expect.poll(() => page.locator('.source-card:focus').textContent()).toContain(SUPPLIER_BODY);
    await context.close();
  });
});
