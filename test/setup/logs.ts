/**
 * Every test worker (and every server a test starts as a child process, which inherits the variable) writes the
 * app's structured log to .test-logs/ instead of the console. test/log-audit/ reads all of it after the run and
 * fails on any secret found there.
 */
import { fileURLToPath } from 'node:url';

export const TEST_LOG_DIR = fileURLToPath(new URL('../../.test-logs', import.meta.url));
process.env.LOG_DESTINATION ??= `${TEST_LOG_DIR}/worker-${process.pid}.log`;

// The logger writes in batches; write out each file's last batch before the worker moves on or exits.
const { afterAll } = await import('vitest');
const { flushLog } = await import('../../server/app/logger.ts');
afterAll(() => flushLog());
