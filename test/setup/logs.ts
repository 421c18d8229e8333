/**
 * Every test worker (and every server a test starts as a child process, which inherits the variable) writes the
 * app's structured log to .test-logs/ instead of the console. test/log-audit/ reads all of it after the run and
 * fails on any secret found there.
 */
import { fileURLToPath } from 'node:url';

export const TEST_LOG_DIR = fileURLToPath(new URL('../../.test-logs', import.meta.url));
process.env.LOG_DESTINATION ??= `${TEST_LOG_DIR}/worker-${process.pid}.log`;
