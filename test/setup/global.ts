/**
 * Once per `vitest run`: start the run's log folder empty, so the log audit reads this run's logs only.
 * KEEP_TEST_LOGS=1 keeps the previous run's logs (to re-run the audit alone on them).
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function setup() {
  if (process.env.KEEP_TEST_LOGS) return;
  rmSync(fileURLToPath(new URL('../../.test-logs', import.meta.url)), { recursive: true, force: true });
}
