/**
 * `npm run bench:roster:links` — generating enrollment links for a 100,000-person roster on real PostgreSQL.
 *
 *   1. Creates a customer with BENCH_EMPLOYEES (default 100,000) employees and no links (as after a roster import).
 *   2. Times `links.generate` for everyone through the tRPC procedure itself (tenant transaction, RLS, audit).
 *   3. Checks every current employee now holds exactly one active link, then times a second generate (a no-op: all
 *      links are usable) and `links.list` of the first page, which reads the whole roster's statuses.
 *
 * Target: generate ≤ 5 s. Needs DATABASE_URL + MIGRATE_DATABASE_URL (see .ci/start-postgres.sh).
 */
import { NO_SIGNAL_MODELS } from '../server/signal/llm.ts';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { CHANNELS } from '../shared/channels.ts';
import { createContextInner } from '../server/context.ts';
import { openDb, rowsOf } from '../server/db/client.ts';
import { withTenant } from '../server/db/tenant.ts';
import { createCaller } from '../server/routers/_app.ts';
import { addEmployees, createCustomer } from '../server/services/customers.ts';
import { benchDatabase, outDir } from './server.ts';

const COUNT = Number(process.env.BENCH_EMPLOYEES ?? 100_000);
const TARGET_MS = 5_000;

const { databaseUrl, migrateUrl } = benchDatabase('bench:roster:links');

const db = await openDb({ databaseUrl, migrateDatabaseUrl: migrateUrl });
try {
  const { id: customerId } = await createCustomer(db, {
    name: `Bench links ${randomUUID().slice(0, 8)}`,
    ceoName: 'Bench CEO',
    outputLanguage: 'en',
    channels: [...CHANNELS],
  });
  const seedStart = performance.now();
  await withTenant(db, customerId, async (tx) => {
    for (let offset = 0; offset < COUNT; offset += 5_000) {
      await addEmployees(
        tx,
        customerId,
        Array.from({ length: Math.min(5_000, COUNT - offset) }, (_, i) => ({
          email: `person.${offset + i}@bench.test`,
          displayName: `Bench Person ${offset + i}`,
          department: `Dept ${(offset + i) % 40}`,
          location: `Office ${(offset + i) % 12}`,
        })),
      );
    }
  });
  const seedMs = performance.now() - seedStart;
  await db.db.execute(sql`analyze`).catch(() => undefined);

  const api = createCaller(
    createContextInner({
      db,
      user: {
        id: 'bench-operator',
        email: 'bench@panops.local',
        name: 'Bench operator',
        role: 'operator',
        customerId: null,
        language: null,
        activeCustomerId: customerId,
        sessionToken: 'bench',
      },
      meta: { ipAddress: '127.0.0.1', userAgent: 'bench' },
    }),
  );

  const t0 = performance.now();
  const generated = await api.links.generate({});
  const generateMs = performance.now() - t0;

  const [check] = await withTenant(db, customerId, async (tx) =>
    rowsOf<{ active: number; people: number }>(
      await tx.execute(sql`select count(*)::int as active, count(distinct employee_id)::int as people
        from enrollment_links where status = 'active' and customer_id = ${customerId}`),
    ),
  );
  if (generated.generated !== COUNT || check?.active !== COUNT || check.people !== COUNT) {
    throw new Error(`expected ${COUNT} links, got ${JSON.stringify({ generated, check })}`);
  }

  const t1 = performance.now();
  const again = await api.links.generate({});
  const regenerateMs = performance.now() - t1;
  if (again.generated !== 0) throw new Error(`second generate issued ${again.generated} links`);

  // list needs services only for the mail mode; a stand-in mailer keeps this script free of SMTP.
  const listApi = createCaller(
    createContextInner({
      db,
      services: { mailer: { mode: 'outbox', send: async () => ({ delivered: false, messageId: null }), close() {} }, publicUrl: '', auth: null as never, signal: NO_SIGNAL_MODELS },
      user: { id: 'bench-operator', email: 'bench@panops.local', name: 'Bench', role: 'operator', customerId: null, language: null, activeCustomerId: customerId, sessionToken: 'bench' },
    }),
  );
  const t2 = performance.now();
  const list = await listApi.links.list({ limit: 200 });
  const listMs = performance.now() - t2;

  const result = {
    employees: COUNT,
    seedMs: Math.round(seedMs),
    generateMs: Math.round(generateMs),
    regenerateNoopMs: Math.round(regenerateMs),
    listFirstPageMs: Math.round(listMs),
    listedTotal: list.counts.total,
    targetMs: TARGET_MS,
    met: generateMs <= TARGET_MS,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}/roster-links.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`Generate links for ${COUNT.toLocaleString('en')} employees: ${result.generateMs} ms (target ≤ ${TARGET_MS} ms: ${result.met ? 'met' : 'MISSED'})`);
  console.log(`  second generate (no-op): ${result.regenerateNoopMs} ms; links.list first page over the roster: ${result.listFirstPageMs} ms`);
  console.log(`  (seeding the roster took ${result.seedMs} ms; JSON in bench/.out/roster-links.json)`);
  if (!result.met) process.exitCode = 1;
} finally {
  await db.close();
}
