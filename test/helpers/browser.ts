/** Debian's chromium for the browser tests: required in CI, skipped (with a clear reason) elsewhere when absent. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { distDir } from '../../server/app/http.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);

export function assertBuilt() {
  if (!existsSync(`${distDir}/index.html`)) throw new Error('dist/ is missing: run `npm run build` first');
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
