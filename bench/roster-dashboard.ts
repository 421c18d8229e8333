/**
 * `npm run bench:roster:dashboard` — the admin dashboard's queries over a 100,000-employee customer on real
 * PostgreSQL, through the tRPC procedures (tenant transaction, RLS, output validation included).
 *
 *   1. Fixture, inserted set-wise with generate_series: realistic departments and locations (plus a few tiny
 *      groups so suppression is exercised), links in every state (none, created, sent, opened, expired, used,
 *      superseded then reissued), ~40 % responded with mixed channel choices, 500 leavers, the session closed 5 days
 *      ago.
 *   2. Each dashboard query runs BENCH_RUNS times (default 100) after a warm-up: p50/p95 per query.
 *
 * Target: p95 ≤ 50 ms per query. Needs DATABASE_URL + MIGRATE_DATABASE_URL (see .ci/start-postgres.sh).
 * Knobs: BENCH_EMPLOYEES (default 100000), BENCH_RUNS (default 100).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { CHANNELS } from '../shared/channels.ts';
import { createContextInner } from '../server/context.ts';
import { openDb } from '../server/db/client.ts';
import { withTenant } from '../server/db/tenant.ts';
import { createCaller } from '../server/routers/_app.ts';
import { createCustomer } from '../server/services/customers.ts';
import { benchDatabase, measureRuns, outDir } from './server.ts';

const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const TARGET_P95_MS = 50;

const { databaseUrl, migrateUrl } = benchDatabase('bench:roster:dashboard');

const DEPARTMENTS = ['Engineering', 'Sales', 'Customer Success', 'Marketing', 'Finance', 'Operations', 'People',
  'Legal', 'Product', 'Design', 'Security', 'Facilities'];
const LOCATIONS = ['London', 'New York', 'Berlin', 'Paris', 'Madrid', 'Dubai', 'Singapore', 'Remote'];
const FIRST = ['Ada', 'Bo', 'Chen', 'Dana', 'Eli', 'Fatima', 'Goran', 'Hana', 'Ines', 'Jonas', 'Kofi', 'Lena',
  'Mateo', 'Nour', 'Olga', 'Priya', 'Quinn', 'Rania', 'Sven', 'Tomás', 'Uma', 'Viktor', 'Wei', 'Yara', 'Zoe'];
const LAST = ['Abbott', 'Baker', 'Costa', 'Dubois', 'Evans', 'Fischer', 'García', 'Haddad', 'Ito', 'Jensen',
  'Kowalski', 'López', 'Müller', 'Nakamura', 'Okafor', 'Petrov', 'Rossi', 'Schmidt', 'Tanaka', 'Usman', 'Weber'];
const HOUR = 3_600_000;

const textArray = (values: string[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`;

async function main() {
  const db = await openDb({ databaseUrl, migrateDatabaseUrl: migrateUrl, max: 4 });
  const owner = postgres(migrateUrl!, { max: 1, onnotice: () => {} });
  const now = new Date();
  const closedAt = new Date(now.getTime() - 5 * 24 * HOUR);
  const { id: customerId } = await createCustomer(db, {
    name: `Dashboard bench ${randomUUID().slice(0, 8)}`,
    ceoName: 'Bench CEO',
    outputLanguage: 'en',
    channels: [...CHANNELS],
  });

  const fixtureStart = performance.now();
  await withTenant(db, customerId, async (tx) => {
    // Departments and locations skewed like a real company (a few big ones, a long tail), and 3 tiny teams.
    await tx.execute(sql`
      insert into employees (customer_id, email, display_name, department, location, role, platform_ids, created_at)
      select ${customerId}, 'person' || g || '@bench.example',
        (${textArray(FIRST)})[(1 + g % ${FIRST.length})::int] || ' ' || (${textArray(LAST)})[(1 + (g / 7) % ${LAST.length})::int] || ' ' || g,
        case when g <= 9 then 'Tiny team ' || (g % 3)
             else (${textArray(DEPARTMENTS)})[1 + floor(${DEPARTMENTS.length} * power(((g * 7919) % 10007) / 10007.0, 2))::int] end,
        (${textArray(LOCATIONS)})[1 + floor(${LOCATIONS.length} * power(((g * 104729) % 10009) / 10009.0, 1.5))::int],
        'Staff', jsonb_build_object('slack', '@p' || g), ${closedAt.toISOString()}::timestamptz - interval '10 days'
      from generate_series(1, ${EMPLOYEES}::bigint) g`);
    // One bucket per person decides their link story: 0–4 none, 5–14 created only, 15–34 sent, 35–49 opened,
    // 50–59 expired, 60–99 responded; every 30th person also has an older superseded link.
    await tx.execute(sql`
      create temporary table bench_people on commit drop as
      select e.id, (row_number() over (order by e.email) * 37) % 100 as bucket, row_number() over (order by e.email) as n
      from employees e where e.customer_id = ${customerId}`);
    await tx.execute(sql`
      insert into enrollment_links (token, employee_id, customer_id, created_at, expires_at, status, sent_at, sent_via)
      select gen_random_uuid(), p.id, ${customerId}, ${closedAt.toISOString()}::timestamptz - interval '9 days',
        ${closedAt.toISOString()}::timestamptz - interval '2 days', 'superseded', null, null
      from bench_people p where p.n % 30 = 0 and p.bucket >= 5`);
    await tx.execute(sql`
      insert into enrollment_links (token, employee_id, customer_id, created_at, expires_at, opened_at, used_at, status, sent_at, sent_via)
      select gen_random_uuid(), p.id, ${customerId}, c.created_at, c.created_at + interval '7 days',
        case when p.bucket between 35 and 49 or p.bucket >= 60 then c.created_at + interval '2 hours' end,
        case when p.bucket >= 60 then c.created_at + (p.n % 96) * interval '1 hour' end,
        case when p.bucket >= 60 then 'used' else 'active' end,
        case when p.bucket >= 15 then c.created_at + interval '5 minutes' end,
        case when p.bucket >= 15 then 'email' end
      from bench_people p
      cross join lateral (select case when p.bucket between 50 and 59
          then ${closedAt.toISOString()}::timestamptz - interval '8 days'
          else ${closedAt.toISOString()}::timestamptz - interval '1 hour' end as created_at) c
      where p.bucket >= 5`);
    await tx.execute(sql`
      insert into employee_consent (employee_id, customer_id, email, display_name, enrollment_timestamp, consent_version,
        channels_consented, revoked)
      select e.id, ${customerId}, e.email, e.display_name, l.used_at, 'v1-en',
        coalesce((select jsonb_agg(ch order by ch) from unnest(${textArray([...CHANNELS])}) with ordinality as c(ch, i)
          where (p.n / (1 + i)) % 3 <> 0), '[]'::jsonb), false
      from bench_people p join employees e on e.id = p.id
      join enrollment_links l on l.employee_id = p.id and l.status = 'used'`);
    // A few hundred leavers, as after a roster re-import: every figure must leave them out.
    await tx.execute(sql`update employees set left_at = ${closedAt.toISOString()}::timestamptz
      where id in (select id from bench_people where n % 200 = 0)`);
    await tx.execute(sql`update onboarding_sessions set closed_at = ${closedAt.toISOString()}::timestamptz
      where customer_id = ${customerId}`);
  });
  // What autovacuum does after a bulk load (statistics, visibility map); a real import is followed by it too.
  await owner.unsafe('vacuum analyze employees, enrollment_links, employee_consent');
  const fixtureMs = performance.now() - fixtureStart;

  const caller = createCaller(
    createContextInner({
      db,
      user: {
        id: 'bench-admin',
        email: 'admin@bench.example',
        name: 'Bench Admin',
        role: 'admin',
        customerId,
        language: null,
        activeCustomerId: null,
        sessionToken: 'bench',
      },
      meta: { ipAddress: '127.0.0.1', userAgent: 'bench' },
    }),
  );

  const funnel = await caller.admin.funnel();
  const summary = await caller.admin.summary();
  console.log(`fixture: ${EMPLOYEES} employees in ${(fixtureMs / 1000).toFixed(1)} s; funnel`, funnel.counts,
    `responded ${summary.responded}/${summary.total}`);

  const queries: Record<string, () => Promise<unknown>> = {
    summary: () => caller.admin.summary(),
    funnel: () => caller.admin.funnel(),
    timeline: () => caller.admin.timeline(),
    'people page 1': () => caller.admin.people({}),
    'people page 40': () => caller.admin.people({ page: 40 }),
    'people status=expired': () => caller.admin.people({ status: 'expired' }),
    'people status=opened page 5': () => caller.admin.people({ status: 'opened', page: 5 }),
    'people search': () => caller.admin.people({ search: 'Nour Weber' }),
  };
  const results: Record<string, { p50Ms: number; p95Ms: number; maxMs: number; met: boolean }> = {};
  for (const [name, run] of Object.entries(queries)) {
    const { percentile, max } = await measureRuns(run, RUNS, 10);
    const pct = (p: number) => +percentile(p).toFixed(2);
    results[name] = { p50Ms: pct(50), p95Ms: pct(95), maxMs: +max.toFixed(2), met: pct(95) <= TARGET_P95_MS };
    console.log(`${name.padEnd(28)} p50 ${String(pct(50)).padStart(7)} ms   p95 ${String(pct(95)).padStart(7)} ms   ${
      results[name].met ? 'ok' : `MISSED (target ${TARGET_P95_MS} ms)`}`);
  }
  const met = Object.values(results).every((r) => r.met);
  console.log(met ? `all dashboard queries p95 ≤ ${TARGET_P95_MS} ms: target met` : 'target NOT met');

  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    `${outDir}/roster-dashboard.json`,
    JSON.stringify({ at: new Date().toISOString(), employees: EMPLOYEES, runs: RUNS, fixtureMs: Math.round(fixtureMs),
      funnel: funnel.counts, targetP95Ms: TARGET_P95_MS, met, results }, null, 2),
  );
  await owner.end();
  await db.close();
  process.exit(met ? 0 : 1);
}

await main();
