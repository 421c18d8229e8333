/** axe-core (WCAG 2.1 A and AA rules) in a page, for the browser tests' accessibility scans. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type Violation = { id: string; impact: string | null; help: string; targets: string[] };

/** Scans the page as it is now, after checking it is laid out in `lng` (direction and language). */
export async function scan(page: Page, lng: string): Promise<Violation[]> {
  await page.waitForLoadState('networkidle');
  await page.locator('h1').first().waitFor();
  expect(await page.evaluate(() => document.documentElement.dir)).toBe(lng === 'ar' ? 'rtl' : 'ltr');
  expect(await page.evaluate(() => document.documentElement.lang)).toBe(lng);
  // Evaluated through the DevTools protocol, so the app's strict CSP (script-src 'self') stays on for the scan.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: never[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
}
