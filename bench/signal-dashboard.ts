/**
 * `npm run bench:signal:dashboard` — the Signal dashboard's and the Archive's queries over a large communications
 * store on real PostgreSQL, through the tRPC procedures (tenant transaction, RLS, output validation included).
 *
 *   1. Fixture: BENCH_PEOPLE employees in skewed departments (plus a 3-person team, so suppression is exercised),
 *      each enrolled through the real enrollment path granting every channel 70 days ago. BENCH_TEMPLATES records
 *      from the demo generator go through the real store (attribution, consent, language, full-text vector); they
 *      are then copied set-wise, each copy attributed to another consenting employee (with that employee's grant as
 *      lineage) and moved in time within the last 60 days, until the store holds BENCH_RECORDS rows.
 *   2. The CEO's Archive: 200 sessions of 5 turns citing stored records.
 *   3. Each query runs BENCH_RUNS times (default 20) after a warm-up: p50/p95.
 *
 * Target: p95 ≤ 1,000 ms for each dashboard query computed afresh at 1,000,000 records; ≤ 100 ms for a cached
 * dashboard read and for each Archive query.
 * Needs DATABASE_URL + MIGRATE_DATABASE_URL (see .ci/start-postgres.sh).
 * Knobs: BENCH_RECORDS (default 1000000), BENCH_PEOPLE (default 1000), BENCH_TEMPLATES (default 20000), BENCH_RUNS.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { CHANNELS } from '../shared/channels.ts';
import { DASHBOARD_FRESH_MINUTES } from '../shared/schemas/insights.ts';
import { createContextInner } from '../server/context.ts';
import { openDb, rowsOf } from '../server/db/client.ts';
import { signalSessions, signalTurns } from '../server/db/schema.ts';
import { withTenant } from '../server/db/tenant.ts';
import { createCaller } from '../server/routers/_app.ts';
import { generateCommunications } from '../server/seed/communications-generator.ts';
import { storeCommunications, type IncomingCommunication } from '../server/services/communications.ts';
import { addEmployees, createCustomer } from '../server/services/customers.ts';
import { issueEnrollmentLinks } from '../server/services/enrollment-links.ts';
import { enroll, grantAll } from '../test/helpers/caller.ts';
import { benchDatabase, measureRuns, outDir } from './server.ts';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1000);
const TEMPLATES = Math.min(RECORDS, Number(process.env.BENCH_TEMPLATES ?? 20_000));
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TARGET_DASHBOARD_P95_MS = 1000;
const TARGET_ARCHIVE_P95_MS = 100;
const DAY = 86_400_000;

const { databaseUrl, migrateUrl } = benchDatabase('bench:signal:dashboard');

const DEPARTMENTS = ['Engineering', 'Sales', 'Customer Success', 'Marketing', 'Finance', 'Operations', 'People', 'Legal', 'Product'];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const db = await openDb({ databaseUrl, migrateDatabaseUrl: migrateUrl, max: 4 });
  const owner = postgres(migrateUrl!, { max: 1, onnotice: () => {} });
  const now = new Date();
  const enrolledAt = new Date(now.getTime() - 70 * DAY);
  const { id: customerId } = await createCustomer(db, {
    name: `Signal dashboard bench ${randomUUID().slice(0, 8)}`,
    ceoName: 'Bench CEO',
    outputLanguage: 'en',
    channels: [...CHANNELS],
  });

  let t0 = performance.now();
  const people = await withTenant(db, customerId, async (tx) => {
    const added = await addEmployees(
      tx,
      customerId,
      Array.from({ length: PEOPLE }, (_, i) => ({
        email: `person${i}@bench.example`,
        displayName: `Person ${i}`,
        // Skewed: a few big departments and a long tail; the first 3 people are a tiny team.
        department: i < 3 ? 'Board office' : DEPARTMENTS[Math.floor(DEPARTMENTS.length * ((i * 7919) % 1009) ** 2 / 1009 ** 2)]!,
        location: 'London',
        role: 'Staff',
        platformIds: {},
      })),
    );
    const links = await issueEnrollmentLinks(tx, customerId, added.map((p) => p.id), enrolledAt);
    return added.map((p) => ({ ...p, token: links.find((l) => l.employeeId === p.id)!.token }));
  });
  for (const p of people) await enroll(db, p.token, grantAll(CHANNELS), { now: enrolledAt });
  const enrollMs = performance.now() - t0;
  console.log(`${PEOPLE} people enrolled through the real path in ${seconds(enrollMs)}`);

  t0 = performance.now();
  const batch: IncomingCommunication[] = [];
  let stored = 0;
  const flush = async () => {
    const result = await withTenant(db, customerId, (tx) => storeCommunications(tx, customerId, batch, now));
    stored += result.stored;
    batch.length = 0;
  };
  for (const record of generateCommunications({
    seed: 4,
    people: people.map((p) => ({ email: p.email, displayName: p.displayName, department: p.department ?? null })),
    count: TEMPLATES,
    end: now,
    days: 60,
    idPrefix: 'tpl',
  })) {
    batch.push(record);
    if (batch.length === 1000) await flush();
  }
  if (batch.length) await flush();
  const templateMs = performance.now() - t0;
  console.log(`${stored} template records stored through storeCommunications in ${seconds(templateMs)}`);

  t0 = performance.now();
  const copies = Math.ceil(RECORDS / stored) - 1;
  // Copy k of a template: another person (k positions on in a fixed order), with that person's grant for the
  // channel as lineage, at a time shifted by k × 37 minutes, wrapped into the last 60 days.
  for (let k = 1; k <= copies; k++) {
    const remaining = RECORDS - stored;
    if (remaining <= 0) break;
    await withTenant(db, customerId, (tx) =>
      tx.execute(sql`
        with people as (
          select id, (row_number() over (order by email) - 1)::int as n, count(*) over ()::int as total
          from employees where customer_id = ${customerId}),
        grants as (
          select distinct on (employee_id, channel) employee_id, channel, id
          from consent_events where customer_id = ${customerId} and decision = 'grant'
          order by employee_id, channel, occurred_at desc)
        insert into communications (customer_id, employee_id, channel, platform, external_id, thread_id, occurred_at,
          participants, subject, body, language, fts_config, fts, consent_event_id, ingested_at)
        select c.customer_id, other.id, c.channel, c.platform, c.external_id || '/' || ${k}::int, c.thread_id,
          ${now.toISOString()}::timestamptz - make_interval(secs => ((extract(epoch from ${now.toISOString()}::timestamptz - c.occurred_at)
            + ${k}::int * 2220)::bigint % ${60 * 86400}::bigint)::double precision),
          c.participants, c.subject, c.body, c.language, c.fts_config, c.fts, g.id, c.ingested_at
        from communications c
        join people me on me.id = c.employee_id
        join people other on other.n = (me.n + ${k}::int * 7) % me.total
        join grants g on g.employee_id = other.id and g.channel = c.channel
        where c.customer_id = ${customerId} and c.external_id like 'tpl-%' and c.external_id not like '%/%'
        limit ${remaining}`),
    );
    const [{ n }] = rowsOf<{ n: number }>(
      await withTenant(db, customerId, (tx) => tx.execute(sql`select count(*)::int as n from communications`)),
    ) as [{ n: number }];
    stored = n;
    if (k % 10 === 0) console.log(`  ${stored} records…`);
  }
  await owner.unsafe('vacuum analyze communications');
  const copyMs = performance.now() - t0;
  console.log(`${stored} records in the store after ${seconds(copyMs)} of set-wise copies`);

  // The CEO's Archive: 200 sessions × 5 turns, each turn retrieving 40 records and citing 3.
  const ceoId = 'bench-ceo';
  const sample = rowsOf<{ id: string }>(
    await withTenant(db, customerId, (tx) => tx.execute(sql`select id from communications order by occurred_at desc limit 4000`)),
  ).map((r) => r.id);
  const topics = ['pipeline', 'hiring', 'supplier delay', 'churn risk', 'launch', 'budget', 'incident', 'réunion'];
  await withTenant(db, customerId, async (tx) => {
    for (let s = 0; s < 200; s++) {
      const id = randomUUID();
      const at = new Date(now.getTime() - (200 - s) * 3_600_000);
      await tx.insert(signalSessions).values({ id, customerId, userId: ceoId, title: `What about ${topics[s % topics.length]} ${s}?`, createdAt: at, updatedAt: at });
      await tx.insert(signalTurns).values(
        Array.from({ length: 5 }, (_, k) => {
          const retrieved = sample.slice(((s * 5 + k) * 40) % 3960, ((s * 5 + k) * 40) % 3960 + 40);
          return {
            id: randomUUID(),
            sessionId: id,
            customerId,
            turnIndex: k,
            query: `Question ${k} on ${topics[(s + k) % topics.length]} in session ${s}`,
            response: `The ${topics[(s + k) % topics.length]} situation is mixed [#${retrieved[0]}]. ${'Details follow. '.repeat(30)}See also [#${retrieved[1]}, #${retrieved[2]}].`,
            retrievedRecordIds: retrieved,
            modelUsed: 'bench',
            mode: 'llm' as const,
            status: k === 4 && s % 10 === 0 ? ('incomplete' as const) : ('complete' as const),
            language: 'en',
            createdAt: new Date(at.getTime() + k * 60_000),
            completedAt: new Date(at.getTime() + k * 60_000),
          };
        }),
      );
    }
  });
  await owner.unsafe('vacuum analyze signal_sessions, signal_turns');
  const firstSession = rowsOf<{ id: string }>(
    await withTenant(db, customerId, (tx) => tx.execute(sql`select id from signal_sessions order by updated_at desc limit 1`)),
  )[0]!.id;

  // Dashboard figures are kept for DASHBOARD_FRESH_MINUTES; each measured call runs at a clock that has moved past
  // that, so every run computes them (cold), and one more call at the same clock measures a cached read.
  let clock = now.getTime();
  const callerAt = (at: number) =>
    createCaller(
      createContextInner({
        db,
        user: {
          id: ceoId,
          email: 'ceo@bench.example',
          name: 'Bench CEO',
          role: 'ceo',
          customerId,
          language: null,
          activeCustomerId: null,
          sessionToken: 'bench',
        },
        meta: { ipAddress: '127.0.0.1', userAgent: 'bench' },
        now: () => new Date(at),
      }),
    );
  const caller = callerAt(clock);
  const cold = () => callerAt((clock += (DASHBOARD_FRESH_MINUTES + 1) * 60_000));

  const activity = await caller.insights.activity();
  const terms = await caller.insights.terms();
  const hidden = activity.byDepartment.flatMap((d) => d.cells).filter((c) => c.suppressed).length;
  console.log(`dashboard: ${activity.byDepartment.length} departments, ${hidden} hidden department-weeks; top terms:`,
    terms.top.slice(0, 8).map((x) => `${x.term} ${x.current} (${x.trend})`).join(', '));

  const queries: Record<string, { run: () => Promise<unknown>; target: number }> = {
    'insights.activity (cold)': { run: () => cold().insights.activity(), target: TARGET_DASHBOARD_P95_MS },
    'insights.terms (cold)': { run: () => cold().insights.terms(), target: TARGET_DASHBOARD_P95_MS },
    'insights.activity (cached)': { run: () => caller.insights.activity(), target: TARGET_ARCHIVE_P95_MS },
    'insights.terms (cached)': { run: () => caller.insights.terms(), target: TARGET_ARCHIVE_P95_MS },
    'archive.sessions': { run: () => caller.archive.sessions({}), target: TARGET_ARCHIVE_P95_MS },
    'archive.sessions page 5': { run: () => caller.archive.sessions({ page: 5 }), target: TARGET_ARCHIVE_P95_MS },
    'archive.search': { run: () => caller.archive.search({ q: 'supplier delay' }), target: TARGET_ARCHIVE_P95_MS },
    'archive.session': { run: () => caller.archive.session({ sessionId: firstSession }), target: TARGET_ARCHIVE_P95_MS },
  };
  const results: Record<string, { p50Ms: number; p95Ms: number; maxMs: number; targetMs: number; met: boolean }> = {};
  for (const [name, { run, target }] of Object.entries(queries)) {
    const { percentile, max } = await measureRuns(run, RUNS, 3);
    const pct = (p: number) => +percentile(p).toFixed(1);
    results[name] = { p50Ms: pct(50), p95Ms: pct(95), maxMs: +max.toFixed(1), targetMs: target, met: pct(95) <= target };
    console.log(`${name.padEnd(26)} p50 ${String(pct(50)).padStart(8)} ms   p95 ${String(pct(95)).padStart(8)} ms   ${
      results[name].met ? 'ok' : `MISSED (target ${target} ms)`}`);
  }
  const met = Object.values(results).every((r) => r.met);
  console.log(met ? 'all targets met' : 'target NOT met');

  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    `${outDir}/signal-dashboard.json`,
    JSON.stringify({ at: new Date().toISOString(), records: stored, people: PEOPLE, templates: TEMPLATES, runs: RUNS,
      fixture: { enrollMs: Math.round(enrollMs), templateMs: Math.round(templateMs), copyMs: Math.round(copyMs) }, met, results }, null, 2),
  );
  await owner.end();
  await db.close();
  process.exit(met ? 0 : 1);
}

await main();
