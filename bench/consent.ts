/**
 * `npm run bench:consent` — consent submission performance on real PostgreSQL (durable commits), and the size of
 * what a phone downloads for /enroll/:token.
 *
 *   1. Starts the production server (`node server/main.ts`) as a child process against DATABASE_URL.
 *   2. Closed loop at a fixed concurrency: throughput and p50/p95/p99 of `enrollment.submit` over HTTP.
 *   3. Open loop paced at 300 submissions/s: latency at the target rate (after 2 s of warm-up at that rate).
 *   4. The same transaction's SQL through postgres.js directly, same concurrency: the ceiling.
 * Each phase is measured warm: the server and the direct client first run the same kind of load unmeasured.
 *   5. Gzip size of the JS and CSS chromium loads for /enroll/:token, next to a bare React hello world built with
 *      the same Vite.
 *
 * Needs DATABASE_URL + MIGRATE_DATABASE_URL (see .ci/start-postgres.sh) and /usr/bin/chromium.
 * Knobs: BENCH_CONCURRENCY (default 16), BENCH_SECONDS (default 15), BENCH_RATE (default 300).
 */
import { benchDatabase, cpuSeconds, outDir, postgresCpu, root, startBenchServer } from './server.ts';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import postgres from 'postgres';
import { CHANNELS } from '../shared/channels.ts';
import { openDb, type DbHandle } from '../server/db/client.ts';
import { RESOLVE_TOKEN_SQL, withTenant } from '../server/db/tenant.ts';
import { addEmployees, createCustomer } from '../server/services/customers.ts';
import { issueEnrollmentLinks } from '../server/services/enrollment-links.ts';
import { currentNoticeVersion } from '../server/services/notices.ts';
import {
  decisionWrite,
  LEDGER_STATE_SQL,
  newManageToken,
  RECORD_CONSENT_SQL,
  type LedgerState,
} from '../server/services/consent.ts';
import { identityOf } from '../server/services/enrollment.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const RATE = Number(process.env.BENCH_RATE ?? 300);
const PORT = Number(process.env.BENCH_PORT ?? 3999);
/** Seconds of open-loop warm-up at BENCH_RATE before the open loop is measured. */
const WARM_OPEN_SECONDS = 2;
const origin = `http://127.0.0.1:${PORT}`;

const { databaseUrl, migrateUrl } = benchDatabase('bench:consent');

type Person = { id: string; email: string; displayName: string; slack: string; token: string };
type Fixture = { customerId: string; noticeVersionId: string; people: Person[] };

async function makeFixture(db: DbHandle, count: number): Promise<Fixture> {
  const { id: customerId } = await createCustomer(db, {
    name: `Bench ${randomUUID().slice(0, 8)}`,
    ceoName: 'Bench CEO',
    outputLanguage: 'en',
    channels: [...CHANNELS],
  });
  return withTenant(db, customerId, async (tx) => {
    const people: Person[] = [];
    for (let offset = 0; offset < count; offset += 2000) {
      const batch = await addEmployees(
        tx,
        customerId,
        Array.from({ length: Math.min(2000, count - offset) }, (_, i) => ({
          email: `bench.${offset + i}.${randomUUID().slice(0, 6)}@bench.test`,
          displayName: `Bench Person ${offset + i}`,
          platformIds: { slack: `@bench${offset + i}` },
        })),
      );
      const links = await issueEnrollmentLinks(tx, customerId, batch.map((p) => p.id), new Date());
      const tokenOf = new Map(links.map((l) => [l.employeeId, l.token]));
      people.push(
        ...batch.map((p) => ({ id: p.id, email: p.email, displayName: p.displayName, slack: p.platformIds.slack ?? '', token: tokenOf.get(p.id)! })),
      );
    }
    return { customerId, noticeVersionId: (await currentNoticeVersion(tx, 'en')).id, people };
  });
}

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A failed submission counts as an error; the first reason of each kind is printed once. */
const reportedFailures = new Set<string>();
function reportFailure(error: unknown): false {
  const reason = error instanceof Error ? error.message : String(error);
  if (!reportedFailures.has(reason)) {
    reportedFailures.add(reason);
    console.error(`submission failed: ${reason}`);
  }
  return false;
}

function summarize(latencies: number[], elapsedMs: number, errors: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    submissions: latencies.length,
    errors,
    throughputPerS: +(latencies.length / (elapsedMs / 1000)).toFixed(1),
    p50Ms: +percentile(sorted, 50).toFixed(2),
    p95Ms: +percentile(sorted, 95).toFixed(2),
    p99Ms: +percentile(sorted, 99).toFixed(2),
  };
}

function submitBody(f: Fixture, p: Person) {
  return JSON.stringify({
    token: p.token,
    idempotencyKey: randomUUID(),
    noticeVersionId: f.noticeVersionId,
    language: 'en',
    identity: { email: p.email, displayName: p.displayName, platformIds: { slack: p.slack } },
    choices: CHANNELS.map((channel, i) => ({ channel, decision: i % 2 === 0 ? 'grant' : 'deny' })),
    acknowledged: true,
  });
}

// node:http with keep-alive rather than fetch: the load generator shares the machine's two cores with the server
// and PostgreSQL, so it should spend as little CPU per request as it can.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function submitOverHttp(f: Fixture, p: Person): Promise<boolean> {
  const body = submitBody(f, p);
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/trpc/enrollment.submit`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'bench' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Closed loop: CONCURRENCY workers, each submitting as soon as its previous submission returned. */
async function closedLoop(people: Person[], run: (p: Person) => Promise<boolean>, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline && next < people.length) {
        const person = people[next++]!;
        const t0 = performance.now();
        const ok = await run(person).catch(reportFailure);
        if (ok) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  return summarize(latencies, performance.now() - start, errors);
}

/** Open loop: one submission every 1/RATE s regardless of how long earlier ones take (no coordinated omission). */
async function openLoop(people: Person[], run: (p: Person) => Promise<boolean>, seconds: number, rate: number) {
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.min(people.length, Math.floor(seconds * rate));
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      run(people[i]!)
        .catch(reportFailure)
        .then((ok) => {
          if (ok) latencies.push(performance.now() - due);
          else errors++;
        }),
    );
  }
  await Promise.all(pending);
  return summarize(latencies, performance.now() - start, errors);
}

/**
 * The submission's transaction for postgres.js directly: the same statements, in the same order and with the same
 * parameters, as the service (token + tenant; ledger state under the lock; record_consent with the confirmation,
 * four chained events, projection, used link and manage token), minus HTTP, tRPC, validation and receipt building.
 */
function directSql(sql: postgres.Sql, f: Fixture) {
  return async (p: Person) => {
    const key = randomUUID();
    const now = new Date();
    await sql.begin(async (tx) => {
      await tx.unsafe(RESOLVE_TOKEN_SQL, ['enroll', p.token]);
      const [{ state }] = (await tx.unsafe(LEDGER_STATE_SQL, [p.id, p.token, f.noticeVersionId, key])) as unknown as [
        { state: LedgerState },
      ];
      const identity = identityOf(state.employee);
      const { write } = decisionWrite(
        state,
        {
          decisions: CHANNELS.map((channel, i) => ({ channel, decision: i % 2 === 0 ? 'grant' : 'deny' })),
          notice: state.notice!,
          language: 'en',
          meta: { ipAddress: '127.0.0.1', userAgent: 'bench' },
          idempotencyKey: key,
          now,
        },
        {
          confirmation: {
            id: randomUUID(),
            directory: identity,
            confirmed: identity,
            corrected: false,
            corrections: [],
          },
          link: { token: p.token, ctid: state.link!.ctid },
          manageTokenHash: newManageToken().hashed,
        },
      );
      await tx.unsafe(RECORD_CONSENT_SQL, [JSON.stringify(write)]);
    });
    return true;
  };
}

/** Where the CPU goes per submission: server process, PostgreSQL, and this load generator. */
async function withCpuAccounting<T extends { submissions: number }>(serverPid: number | undefined, run: () => Promise<T>) {
  const sample = () => ({
    server: serverPid ? cpuSeconds(serverPid) : 0,
    postgres: postgresCpu(databaseUrl),
    loadGenerator: cpuSeconds(process.pid),
  });
  const before = sample();
  const result = await run();
  const after = sample();
  const perSubmission = (k: keyof typeof before) =>
    +(((after[k] - before[k]) * 1000) / Math.max(1, result.submissions)).toFixed(2);
  return {
    ...result,
    cpuMsPerSubmission: { server: perSubmission('server'), postgres: perSubmission('postgres'), loadGenerator: perSubmission('loadGenerator') },
  };
}


function assetSizes(dir: string, files: string[]) {
  return files.reduce(
    (acc, file) => {
      const bytes = readFileSync(`${dir}/${file}`);
      const gz = gzipSync(bytes, { level: 9 }).length;
      if (file.endsWith('.css')) acc.cssGzip += gz;
      else acc.jsGzip += gz;
      return acc;
    },
    { jsGzip: 0, cssGzip: 0 },
  );
}

async function bundleSizes(token: string) {
  const built = spawn(process.execPath, [`${root}node_modules/vite/bin/vite.js`, 'build', '--config', 'bench/hello-react/vite.config.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  await new Promise((resolve) => built.on('exit', resolve));
  const helloDir = `${outDir}/hello-react/assets`;
  const hello = assetSizes(helloDir, readdirSync(helloDir));

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
  const loaded = new Set<string>();
  page.on('requestfinished', (request) => {
    // The service worker's background precache is not what the route loads; it is reported separately.
    if (request.serviceWorker()) return;
    const path = new URL(request.url()).pathname;
    if (/\.(js|css)$/.test(path)) loaded.add(path.replace(/^\/assets\//, ''));
  });
  await page.goto(`${origin}/enroll/${token}`, { waitUntil: 'networkidle' });
  await page.waitForSelector('.step');
  await page.waitForLoadState('networkidle');
  await browser.close();
  const files = [...loaded].filter((f) => !f.startsWith('/'));
  const enroll = assetSizes(`${root}dist/assets`, files);
  const total = (s: { jsGzip: number; cssGzip: number }) => s.jsGzip + s.cssGzip;
  return {
    enrollRoute: { ...enroll, files: files.length, totalGzip: total(enroll) },
    helloReact: { ...hello, totalGzip: total(hello) },
    ratio: +(total(enroll) / total(hello)).toFixed(3),
    otherRequests: [...loaded].filter((f) => f.startsWith('/')),
  };
}

async function main() {
  if (!existsSync(`${root}dist/index.html`)) throw new Error('dist/ is missing: run `npm run build` first');
  mkdirSync(outDir, { recursive: true });
  const db = await openDb({ databaseUrl, migrateDatabaseUrl: migrateUrl, max: 4 });
  const owner = postgres(migrateUrl, { max: 1 });
  const [settings] = await owner`select current_setting('fsync') as fsync,
    current_setting('synchronous_commit') as synchronous_commit, version() as version`;
  await owner.end(); // an open connection would keep the benchmark from exiting
  const needed = Math.ceil(SECONDS * Math.max(RATE, 900)) + WARM_OPEN_SECONDS * RATE + 500;
  console.log(`Preparing ${needed * 3} employees with enrollment links…`);
  const [closedFixture, openFixture, directFixture] = [
    await makeFixture(db, needed),
    await makeFixture(db, needed),
    await makeFixture(db, needed),
  ];
  await db.close();

  const server = await startBenchServer(PORT);
  try {
    const warm = closedFixture.people.splice(0, 200);
    await closedLoop(warm, (p) => submitOverHttp(closedFixture, p), 5);

    console.log(`Closed loop over HTTP, concurrency ${CONCURRENCY}, ${SECONDS}s…`);
    const closed = await withCpuAccounting(server.pid, () =>
      closedLoop(closedFixture.people, (p) => submitOverHttp(closedFixture, p), SECONDS),
    );
    // Warm up at the open loop's own rate first: it holds more submissions in flight than the closed loop, so it
    // opens more of the server's connection pool, and a new connection (authentication, a new backend, its first
    // calls) costs tens of milliseconds of CPU — a startup cost, not the steady state the target is about.
    const warmOpen = openFixture.people.splice(0, WARM_OPEN_SECONDS * RATE);
    await openLoop(warmOpen, (p) => submitOverHttp(openFixture, p), WARM_OPEN_SECONDS, RATE);
    console.log(`Open loop over HTTP at ${RATE}/s, ${SECONDS}s…`);
    const open = await openLoop(openFixture.people, (p) => submitOverHttp(openFixture, p), SECONDS, RATE);

    console.log(`Direct SQL through postgres.js, concurrency ${CONCURRENCY}, ${SECONDS}s…`);
    // Connection settings as the app's pool (server/db/client.ts).
    const sql = postgres(databaseUrl!, { max: CONCURRENCY, onnotice: () => {}, connection: { jit: 'off' } });
    // Warmed like the server, so the ceiling does not pay for opening its connections either.
    await closedLoop(directFixture.people.splice(0, 200), directSql(sql, directFixture), 5);
    const direct = await withCpuAccounting(undefined, () =>
      closedLoop(directFixture.people, directSql(sql, directFixture), SECONDS),
    );
    await sql.end();

    console.log('Measuring what /enroll/:token loads…');
    const bundle = await bundleSizes(openFixture.people.at(-1)!.token);

    const result = {
      at: new Date().toISOString(),
      postgres: settings,
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      closedLoopHttp: closed,
      openLoopHttp: { targetRatePerS: RATE, ...open },
      directSqlCeiling: direct,
      httpShareOfCeiling: +(closed.throughputPerS / direct.throughputPerS).toFixed(3),
      bundle,
    };
    writeFileSync(`${outDir}/consent.json`, JSON.stringify(result, null, 2));
    console.log(JSON.stringify(result, null, 2));
    const pass = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(`\nTargets:
  p99 <= 25 ms at ${RATE}/s:            ${open.p99Ms} ms — ${pass(open.p99Ms <= 25 && open.errors === 0)}
  throughput >= 60% of direct SQL:     ${(result.httpShareOfCeiling * 100).toFixed(1)}% — ${pass(result.httpShareOfCeiling >= 0.6)}
  /enroll <= 1.6x bare React (gzip):   ${bundle.ratio}x — ${pass(bundle.ratio <= 1.6)}`);
  } finally {
    server.kill('SIGTERM');
  }
}

await main();
