/** Once per `vitest run`: start the run's log folder empty, so the log audit reads this run's logs only. */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function setup() {
  rmSync(fileURLToPath(new URL('../../.test-logs', import.meta.url)), { recursive: true, force: true });
}
