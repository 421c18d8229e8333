import { defineConfig } from 'vitest/config';

/**
 * Projects, in three groups (sequence.groupOrder):
 *   0, in parallel: unit (pure), integration on embedded PGlite, build checks on dist/, fuzzing;
 *   1, one file at a time: integration on real PostgreSQL (only when DATABASE_URL is set; some tests add and drop
 *      fault-injection triggers), browser end-to-end tests with Debian's chromium, fault tests (child processes,
 *      a private PostgreSQL cluster killed and restarted);
 *   2, last: the log audit, which greps the whole run's server logs for secrets.
 */
const realPostgres = Boolean(process.env.DATABASE_URL);
/** Every project: the app's log goes to the run's log folder (test/setup/logs.ts). */
const setupFiles = ['test/setup/logs.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/setup/global.ts'],
    // CI also writes machine-readable results, from which .ci/run prints its "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.ci/results.json' } : undefined,
    projects: [
      { test: { name: 'unit', setupFiles, include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration-pglite',
          setupFiles,
          include: ['test/integration/**/*.test.ts'],
          env: { TEST_DB: 'pglite' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(realPostgres
        ? [
            {
              test: {
                name: 'integration-postgres',
                setupFiles,
                include: ['test/integration/**/*.test.ts'],
                env: { TEST_DB: 'postgres' },
                fileParallelism: false,
                sequence: { groupOrder: 1 },
                testTimeout: 30_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
      { test: { name: 'build', setupFiles, include: ['test/build/**/*.test.ts'] } },
      {
        test: {
          name: 'e2e',
          setupFiles,
          include: ['test/e2e/**/*.test.ts'],
          expect: { poll: { timeout: 10_000, interval: 50 } },
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Malformed input at every route over HTTP, on real PostgreSQL when there is one.
        test: {
          name: 'fuzz',
          setupFiles,
          include: ['test/fuzz/**/*.test.ts'],
          env: { TEST_DB: realPostgres ? 'postgres' : 'pglite' },
          testTimeout: 600_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The real server as a child process on a private PostgreSQL cluster that the tests kill and restart.
        test: {
          name: 'fault',
          setupFiles,
          include: ['test/fault/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
      { test: { name: 'log-audit', setupFiles, include: ['test/log-audit/**/*.test.ts'], sequence: { groupOrder: 2 } } },
    ],
  },
});
