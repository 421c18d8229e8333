/**
 * `npm run bench:signal:ingest` — 1,000,000 generated communications through POST /api/v1/ingest on real
 * PostgreSQL, attributed and consent-filtered.
 *
 *   1. Creates a customer with BENCH_EMPLOYEES employees (default 2,000) who enrolled through the real enrollment
 *      path 61 days ago: all allow email and chat, 70 % meetings, 30 % SMS/calls. With the generator's channel mix
 *      and 2 % of authors from outside the company, ~12 % of the records must be refused (no consent / unknown).
 *   2. Starts the production server (`node server/main.ts`) against DATABASE_URL and creates an API key through the
 *      service.
 *   3. Streams BENCH_COUNT records (default 1,000,000) from the shared generator (server/seed/communications-
 *      generator.ts) in batches of 1,000 over BENCH_CLIENTS concurrent HTTP clients (default 4). The load generator
 *      shares the machine's two cores with the server and PostgreSQL.
 *   4. Then the service-level figure: BENCH_SERVICE_COUNT more records (default 100,000) through storeCommunications
 *      directly (no HTTP, no JSON, no validation), same concurrency.
 *   5. Leaves the dataset in place and writes bench/.out/signal-dataset.json (customer id, counts, window) for the
 *      retrieval benchmark, and bench/.out/signal-ingest.json with the figures.
 *
 * Target (issue 4): ≥ 10,000 records/s, attributed and consent-filtered.
 * Needs DATABASE_URL + MIGRATE_DATABASE_URL (`eval "$(bash .ci/start-postgres.sh)"`) and a built dist/.
 */
import { benchDatabase, cpuSeconds, outDir, postgresCpu, root, startBenchServer } from './server.ts';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { sql } from 'drizzle-orm';
import { CHANNELS, type Channel } from '../shared/channels.ts';
import { INGEST_PATH, type TIngestResponse } from '../shared/schemas/ingest.ts';
import { createServices } from '../server/app-services.ts';
import { createLogin, type SessionUser } from '../server/auth/auth.ts';
import { createContextInner } from '../server/context.ts';
import { openDb, rowsOf, type DbHandle } from '../server/db/client.ts';
import { withTenant } from '../server/db/tenant.ts';
import { createCaller } from '../server/routers/_app.ts';
import { generateCommunications, type GeneratorPerson } from '../server/seed/communications-generator.ts';
import { createApiKey } from '../server/services/api-keys.ts';
import { storeCommunications, type IncomingCommunication } from '../server/services/communications.ts';
import { toWire } from '../test/helpers/communications.ts';
import { addEmployees, createCustomer, recordCustomerUser } from '../server/services/customers.ts';
import { issueEnrollmentLinks } from '../server/services/enrollment-links.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 1_000_000);
const SERVICE_COUNT = Number(process.env.BENCH_SERVICE_COUNT ?? 100_000);
const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 2_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const BATCH = 1000;
const PORT = Number(process.env.BENCH_PORT ?? 3997);
const TARGET_PER_SECOND = 10_000;
const SEED = 20261122;
const origin = `http://127.0.0.1:${PORT}`;
const DAY = 86_400_000;

const { databaseUrl, migrateUrl } = benchDatabase('bench:signal:ingest');

const DEPARTMENTS = ['Sales', 'Engineering', 'Operations', 'Finance', 'Marketing', 'People', 'Support', 'Product'];
const GIVEN = ['Anna', 'Björn', 'Chloé', 'Diego', 'Emeka', 'Fatima', 'Grace', 'Hiro', 'Inès', 'Jonas', 'Kofi', 'Lena'];
const FAMILY = ['Ivanova', 'Müller', 'Dubois', 'García', 'Okafor', 'Haddad', 'Hopper', 'Tanaka', 'Silva', 'Berg'];

/** Channels person `i` allows: every one email and chat, 70 % meetings, 30 % SMS/calls (deterministic). */
function allowed(i: number): Channel[] {
  return ['email', 'messaging', ...(i % 10 < 7 ? (['video'] as const) : []), ...(i % 10 < 3 ? (['sms_voice'] as const) : [])];
}

async function prepare(db: DbHandle) {
  const services = createServices({ db, secret: 'bench-secret-bench-secret-bench-secret-0123', publicUrl: origin });
  const enrolledAt = new Date(Date.now() - 61 * DAY);
  const { id: customerId } = await createCustomer(db, {
    name: `Signal bench ${randomUUID().slice(0, 8)}`,
    ceoName: 'Bench CEO',
    outputLanguage: 'en',
    channels: [...CHANNELS],
  });
  const people = Array.from({ length: EMPLOYEES }, (_, i) => ({
    email: `person.${i}@signal-bench.example`,
    displayName: `${GIVEN[i % GIVEN.length]} ${FAMILY[(i * 7) % FAMILY.length]} ${i}`,
    department: DEPARTMENTS[i % DEPARTMENTS.length]!,
    location: 'London',
    role: 'Staff',
    platformIds: {},
  }));
  const links = await withTenant(db, customerId, async (tx) => {
    const added = await addEmployees(tx, customerId, people);
    return issueEnrollmentLinks(tx, customerId, added.map((p) => p.id), enrolledAt);
  });
  const byEmployee = new Map(links.map((l) => [l.employeeId, l.token]));
  const ids = await withTenant(db, customerId, async (tx) =>
    rowsOf<{ id: string; email: string }>(await tx.execute(sql`select id, email from employees order by email`)),
  );
  const index = new Map(people.map((p, i) => [p.email, i]));
  const api = createCaller(createContextInner({ db, meta: { ipAddress: '127.0.0.1', userAgent: 'bench' }, now: () => enrolledAt }));
  const t0 = performance.now();
  for (const { id, email } of ids) {
    const token = byEmployee.get(id)!;
    const view = await api.enrollment.get({ token, language: 'en' });
    const grants = new Set(allowed(index.get(email)!));
    await api.enrollment.submit({
      token,
      idempotencyKey: randomUUID(),
      noticeVersionId: view.notice.versionId,
      language: view.notice.language,
      identity: view.identity,
      choices: view.channels.map((channel) => ({ channel, decision: grants.has(channel) ? 'grant' : 'deny' })),
      acknowledged: true,
    });
  }
  console.log(`enrolled ${ids.length} employees in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const email = `signal-bench-${randomUUID().slice(0, 8)}@bench.example`;
  const { id: userId } = await createLogin(services.auth, { email, name: 'Bench Admin', role: 'admin', customerId, password: randomUUID() });
  const user: SessionUser = { id: userId, email, name: 'Bench Admin', role: 'admin', customerId, language: null, activeCustomerId: null, sessionToken: 'bench' };
  const { secret } = await withTenant(db, customerId, async (tx) => {
    await recordCustomerUser(tx, { userId, customerId, role: 'admin', email, name: 'Bench Admin', invitedAt: new Date() });
    return createApiKey(tx, customerId, { user, meta: { ipAddress: '127.0.0.1', userAgent: 'bench' } }, { label: 'Benchmark connector' }, new Date());
  });
  services.mailer.close();
  const generatorPeople: GeneratorPerson[] = people.map((p) => ({ email: p.email, displayName: p.displayName, department: p.department }));
  // Outside correspondents: their records must be counted as unknown_employee.
  for (let i = 0; i < Math.max(1, Math.round(EMPLOYEES * 0.02)); i++) {
    generatorPeople.push({ email: `partner.${i}@outside.example`, displayName: `Partner ${i}`, department: 'Sales' });
  }
  return { customerId, secret, people: generatorPeople };
}


const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
function postBatch(secret: string, body: Buffer): Promise<TIngestResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}${INGEST_PATH}`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`ingest answered ${res.statusCode}: ${text.slice(0, 300)}`));
          else resolve(JSON.parse(text) as TIngestResponse);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}


type Totals = { received: number; accepted: number; notStored: Record<string, number>; rejected: number };
const emptyTotals = (): Totals => ({ received: 0, accepted: 0, notStored: {}, rejected: 0 });
/** Adds an answer of the API (accepted) or of storeCommunications (stored, duplicates, no_consent → accepted). */
function add(t: Totals, r: { received: number; accepted?: number; stored?: number; duplicates?: number; notStored: Record<string, number>; rejected?: unknown[] }) {
  t.received += r.received;
  t.accepted += r.accepted ?? (r.stored ?? 0) + (r.duplicates ?? 0) + (r.notStored.no_consent ?? 0);
  for (const [k, v] of Object.entries(r.notStored)) if (k !== 'no_consent') t.notStored[k] = (t.notStored[k] ?? 0) + v;
  t.rejected += r.rejected?.length ?? 0;
}

/** Batches from the generator, handed to `workers` concurrent senders; returns elapsed seconds and latencies. */
async function run(
  count: number,
  seed: number,
  idPrefix: string,
  people: GeneratorPerson[],
  send: (batch: IncomingCommunication[]) => Promise<void>,
) {
  const records = generateCommunications({ seed, people, count, end: new Date(), idPrefix });
  const latencies: number[] = [];
  let done = 0;
  let nextReport = 100_000;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const batch: IncomingCommunication[] = [];
      for (let r = records.next(); !r.done; r = records.next()) {
        batch.push(r.value);
        if (batch.length === BATCH) break;
      }
      if (batch.length === 0) return;
      const s = performance.now();
      await send(batch);
      latencies.push(performance.now() - s);
      done += batch.length;
      if (done >= nextReport) {
        const secs = (performance.now() - t0) / 1000;
        console.log(`  ${done.toLocaleString('en')} records, ${Math.round(done / secs).toLocaleString('en')}/s`);
        nextReport += 100_000;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((x, y) => x - y);
  const pct = (p: number) => +latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))]!.toFixed(1);
  return { seconds: +seconds.toFixed(2), perSecond: Math.round(count / seconds), batchMs: { p50: pct(50), p95: pct(95), p99: pct(99) } };
}

async function main() {
  if (!existsSync(`${root}dist/index.html`)) throw new Error('dist/ is missing: run `npm run build` first');
  mkdirSync(outDir, { recursive: true });
  const db = await openDb({ databaseUrl, migrateDatabaseUrl: migrateUrl, max: CLIENTS + 2 });
  const { customerId, secret, people } = await prepare(db);

  const server = await startBenchServer(PORT, { PUBLIC_URL: origin });
  const http = emptyTotals();
  let httpRun;
  let httpCpu;
  try {
    console.log(`HTTP: ${COUNT.toLocaleString('en')} records, batches of ${BATCH}, ${CLIENTS} clients`);
    const before = { server: cpuSeconds(server.pid!), pg: postgresCpu(databaseUrl), bench: cpuSeconds(process.pid) };
    httpRun = await run(COUNT, SEED, 'http', people, async (batch) => {
      add(http, await postBatch(secret, Buffer.from(JSON.stringify({ records: batch.map((r) => toWire(r, { language: false })) }))));
    });
    const perThousand = (seconds: number) => +((seconds * 1000 * 1000) / COUNT).toFixed(1);
    const server_ = perThousand(cpuSeconds(server.pid!) - before.server);
    const pg = perThousand(postgresCpu(databaseUrl) - before.pg);
    httpCpu = {
      msPer1000: { server: server_, postgres: pg, loadGenerator: perThousand(cpuSeconds(process.pid) - before.bench) },
      // Server and PostgreSQL alone on two dedicated cores, if the work spread perfectly over both.
      ceilingPerSecondOnTwoCores: Math.round((2 * 1000 * 1000) / (server_ + pg)),
      loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    };
  } finally {
    server.kill('SIGTERM');
    agent.destroy();
  }

  const service = emptyTotals();
  console.log(`service: ${SERVICE_COUNT.toLocaleString('en')} records through storeCommunications, ${CLIENTS} workers`);
  const serviceRun = await run(SERVICE_COUNT, SEED + 1, 'svc', people, async (batch) => {
    add(service, await withTenant(db, customerId, (tx) => storeCommunications(tx, customerId, batch, new Date())));
  });

  const [stats] = await withTenant(db, customerId, async (tx) =>
    rowsOf<{ n: number; oldest: string; newest: string; employees: number }>(
      await tx.execute(sql`select count(*)::int as n, min(occurred_at) as oldest, max(occurred_at) as newest,
        count(distinct employee_id)::int as employees from communications`),
    ),
  );
  const languages = await withTenant(db, customerId, async (tx) =>
    rowsOf<{ language: string; n: number }>(
      await tx.execute(sql`select language, count(*)::int as n from communications group by 1 order by 2 desc`),
    ),
  );
  const channels = await withTenant(db, customerId, async (tx) =>
    rowsOf<{ channel: string; n: number }>(await tx.execute(sql`select channel, count(*)::int as n from communications group by 1 order by 2 desc`)),
  );
  const [size] = rowsOf<{ table: string; indexes: string }>(
    await db.db.execute(sql`select pg_size_pretty(pg_table_size('communications')) as table, pg_size_pretty(pg_indexes_size('communications')) as indexes`),
  );
  // The API does not say which accepted records its consent gate refused; the table does (HTTP's records are all in it).
  const [httpStored] = await withTenant(db, customerId, async (tx) =>
    rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from communications where external_id like 'http%'`)),
  );
  await db.close();

  const refusedShare = +((1 - httpStored!.n / http.received) * 100).toFixed(1);
  const result = {
    when: new Date().toISOString(),
    employees: EMPLOYEES,
    clients: CLIENTS,
    batch: BATCH,
    http: { records: COUNT, ...httpRun, ...http, refusedSharePercent: refusedShare, cpu: httpCpu },
    service: { records: SERVICE_COUNT, ...serviceRun, ...service },
    dataset: { rows: stats?.n, languages, channels, tableSize: size?.table, indexSize: size?.indexes },
    targetPerSecond: TARGET_PER_SECOND,
    metHttp: (httpRun?.perSecond ?? 0) >= TARGET_PER_SECOND,
    metService: serviceRun.perSecond >= TARGET_PER_SECOND,
  };
  writeFileSync(`${outDir}/signal-ingest.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(
    `${outDir}/signal-dataset.json`,
    `${JSON.stringify(
      {
        customerId,
        count: stats?.n,
        employees: stats?.employees,
        oldest: stats?.oldest,
        newest: stats?.newest,
        languages,
        channels,
        generator: { seed: SEED, module: 'server/seed/communications-generator.ts' },
        createdAt: result.when,
      },
      null,
      2,
    )}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `HTTP: ${httpRun?.perSecond.toLocaleString('en')} records/s (${refusedShare} % refused) — target ${TARGET_PER_SECOND.toLocaleString('en')}/s ${result.metHttp ? 'met' : 'NOT met'}; ` +
      `service level: ${serviceRun.perSecond.toLocaleString('en')} records/s ${result.metService ? 'met' : 'NOT met'}`,
  );
  console.log(`CPU per 1,000 records over HTTP: ${JSON.stringify(httpCpu)}`);
  // Peak RSS of the bench process, for the record.
  console.log(`load generator VmHWM: ${/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]} kB`);
}

await main();
