import { defineConfig } from 'vitest/config';

/**
 * Projects: unit (pure), integration on embedded PGlite, integration on real PostgreSQL (only when DATABASE_URL is
 * set; files run one at a time because some tests add and drop fault-injection triggers), build checks on dist/,
 * and browser end-to-end tests with Debian's chromium.
 */
const realPostgres = Boolean(process.env.DATABASE_URL);

export default defineConfig({
  test: {
    // CI also writes machine-readable results, from which .ci/run prints its "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.ci/results.json' } : undefined,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration-pglite',
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
                include: ['test/integration/**/*.test.ts'],
                env: { TEST_DB: 'postgres' },
                fileParallelism: false,
                testTimeout: 30_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
      { test: { name: 'build', include: ['test/build/**/*.test.ts'] } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          expect: { poll: { timeout: 10_000, interval: 50 } },
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
