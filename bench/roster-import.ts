/**
 * `npm run bench:roster:import` — a 100,000-row roster through the real server on real PostgreSQL.
 *
 *   1. Generates a 100,000-row CSV (semicolon-separated, with a BOM, quoted fields and some Cyrillic, CJK and
 *      Arabic names) and a second version of it (1% joiners, 1% leavers, 2% changed) for a re-import.
 *   2. Starts the production server (`node server/main.ts`, the flags of `npm run serve` unless
 *      BENCH_SERVER_NODE_FLAGS is set) as a child process
 *      against DATABASE_URL and signs in as the customer's admin.
 *   3. Uploads through POST /api/roster/upload, then over tRPC: get (preview + suggested mapping), saveMapping,
 *      validation, diff, commit. Then the same for the re-import against the 100,000-person roster.
 *   4. Reports each phase, the total, and the server's peak RSS (VmHWM from /proc/<pid>/status).
 *
 * Targets (issue 3): the import of 100,000 rows in ≤ 10 s with the server at ≤ 300 MB RSS.
 * Needs DATABASE_URL + MIGRATE_DATABASE_URL (see .ci/start-postgres.sh) and a built dist/ (`npm run build`).
 */
import { benchDatabase, outDir, root, serverNodeFlags, startBenchServer } from './server.ts';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { CHANNELS } from '../shared/channels.ts';
import type { TUploadLine } from '../shared/schemas/roster.ts';
import { createServices } from '../server/app-services.ts';
import { createLogin } from '../server/auth/auth.ts';
import { openDb } from '../server/db/client.ts';
import { withTenant } from '../server/db/tenant.ts';
import { createCustomer, recordCustomerUser } from '../server/services/customers.ts';


const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const PORT = Number(process.env.BENCH_PORT ?? 3998);
const TARGET_SECONDS = 10;
const TARGET_RSS_MB = 300;
const origin = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'bench-roster-password-1';

const { databaseUrl, migrateUrl } = benchDatabase('bench:roster:import');

const GIVEN = ['Anna', 'Björn', 'Chloé', 'Diego', 'Emeka', 'Fatima', 'Grace', 'Hiro', 'Ines', 'Jonas'];
const FAMILY = ['Ivanova', 'Müller', 'Dubois', 'García', 'Okafor', 'Haddad', 'Hopper', 'Tanaka', 'Silva', 'Berg'];
const NON_LATIN = ['Анна Иванова', '王芳', 'محمد علي', '김민준', 'Αλέξανδρος Παπαδόπουλος', '佐藤 花子', 'فاطمة الزهراء'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Research and Development', 'Support', 'People', 'Legal'];
const OFFICES = ['London', 'Berlin', 'Paris', 'Madrid', '東京', 'دبي', 'New York, NY'];
const TITLES = ['Engineer', 'Manager', 'Analyst', 'Director', 'Account Executive', 'Designer'];

type Person = { name: string; email: string; dept: string; office: string; title: string; slack: string; phone: string };
function person(i: number): Person {
  const name = i % 10 === 0 ? `${NON_LATIN[i % NON_LATIN.length]} ${i}` : `${GIVEN[i % 10]} ${FAMILY[(i * 7) % 10]} ${i}`;
  return {
    name,
    email: `person.${i}@bench.example`,
    dept: DEPARTMENTS[i % DEPARTMENTS.length]!,
    office: OFFICES[i % OFFICES.length]!,
    title: TITLES[i % TITLES.length]!,
    slack: `@p${i}`,
    phone: `+44 20 7946 ${String(i % 10_000).padStart(4, '0')}`,
  };
}
const cell = (v: string) => (/[";\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
function csv(people: Person[]) {
  const lines = ['\uFEFFFull Name;Work Email;Dept;Office;Job Title;Slack ID;Mobile'];
  for (const p of people) lines.push([p.name, p.email, p.dept, p.office, p.title, p.slack, p.phone].map(cell).join(';'));
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

async function prepare() {
  const db = await openDb({ databaseUrl, migrateDatabaseUrl: migrateUrl, max: 2 });
  const services = createServices({ db, secret: 'bench-secret-bench-secret-bench-secret-0123', publicUrl: origin });
  const { id: customerId } = await createCustomer(db, {
    name: `Roster bench ${randomUUID().slice(0, 8)}`,
    ceoName: 'Bench CEO',
    outputLanguage: 'en',
    channels: [...CHANNELS],
  });
  const email = `roster-bench-${randomUUID().slice(0, 8)}@bench.example`;
  const { id: userId } = await createLogin(services.auth, { email, name: 'Bench Admin', role: 'admin', customerId, password: PASSWORD });
  await withTenant(db, customerId, (tx) =>
    recordCustomerUser(tx, { userId, customerId, role: 'admin', email, name: 'Bench Admin', invitedAt: new Date() }),
  );
  services.mailer.close();
  await db.close();
  return { customerId, email };
}


const peakRssMb = (pid: number) => {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return +(kb / 1024).toFixed(1);
};
const currentRssMb = (pid: number) => {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return +(kb / 1024).toFixed(1);
};

async function signIn(email: string): Promise<string> {
  const res = await fetch(`${origin}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** The upload as the browser sends it: one request with a known length, NDJSON back. */
function upload(cookie: string, body: Buffer, fileName: string): Promise<{ lines: TUploadLine[]; status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/api/roster/upload?fileName=${encodeURIComponent(fileName)}`,
      { method: 'POST', headers: { cookie, 'content-type': 'text/csv', 'content-length': body.length } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, lines: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as TUploadLine) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function trpc<T>(cookie: string, path: string, input: unknown, kind: 'query' | 'mutation'): Promise<T> {
  const res =
    kind === 'query'
      ? await fetch(`${origin}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie } })
      : await fetch(`${origin}/trpc/${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(input) });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
  return body.result.data;
}

async function timed<T>(phases: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  phases[name] = +((performance.now() - t0) / 1000).toFixed(3);
  return result;
}

/** Upload → get → saveMapping → validation → diff → commit, each phase timed. */
async function importFile(cookie: string, file: Buffer, fileName: string) {
  const phases: Record<string, number> = {};
  const t0 = performance.now();
  const uploaded = await timed(phases, 'upload', () => upload(cookie, file, fileName));
  const done = uploaded.lines.at(-1);
  if (done?.type !== 'done') throw new Error(`upload failed (${uploaded.status}): ${JSON.stringify(done)}`);
  const importId = done.importId;
  const imp = await timed(phases, 'preview', () => trpc<{ mapping: Record<string, string | null>; missingRequired: string[] }>(cookie, 'roster.get', { importId }, 'query'));
  if (imp.missingRequired.length) throw new Error(`mapping suggestion missed ${imp.missingRequired.join(', ')}`);
  await timed(phases, 'saveMapping', () => trpc(cookie, 'roster.saveMapping', { importId, mapping: imp.mapping }, 'mutation'));
  const validation = await timed(phases, 'validate', () => trpc<{ ready: boolean; errorCount: number }>(cookie, 'roster.validation', { importId }, 'query'));
  if (!validation.ready) throw new Error(`validation found ${validation.errorCount} errors`);
  const diff = await timed(phases, 'diff', () => trpc<Record<string, unknown>>(cookie, 'roster.diff', { importId }, 'query'));
  const summary = await timed(phases, 'apply', () => trpc<Record<string, number>>(cookie, 'roster.commit', { importId }, 'mutation'));
  const totalSeconds = +((performance.now() - t0) / 1000).toFixed(3);
  const counts = Object.fromEntries(['joiners', 'returning', 'leavers', 'changed', 'unchanged'].map((k) => [k, diff[k]]));
  return { rows: done.rowCount, bytes: file.length, progressLines: uploaded.lines.length - 1, totalSeconds, phases, diff: counts, summary };
}

async function main() {
  if (!existsSync(`${root}dist/index.html`)) throw new Error('dist/ is missing: run `npm run build` first');
  mkdirSync(outDir, { recursive: true });
  const people = Array.from({ length: ROWS }, (_, i) => person(i));
  const first = csv(people);
  // Next month's file: 1% left, 1% joined, 2% moved department.
  const next = csv([
    ...people
      .filter((_, i) => i % 100 !== 0)
      .map((p, i) => (i % 50 === 1 ? { ...p, dept: 'Transferred' } : p)),
    ...Array.from({ length: ROWS / 100 }, (_, i) => person(ROWS + i)),
  ]);
  const { email } = await prepare();
  const server = await startBenchServer(PORT, { PUBLIC_URL: origin });
  // Interrupted (Ctrl-C, a timeout): do not leave the server running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.kill('SIGKILL');
      process.exit(130);
    });
  }
  try {
    const cookie = await signIn(email);
    const rssAtStart = currentRssMb(server.pid!);
    console.log(`Importing ${ROWS} rows (${(first.length / 1e6).toFixed(1)} MB)…`);
    const initial = await importFile(cookie, first, 'roster-100k.csv');
    const peakAfterInitial = peakRssMb(server.pid!);
    console.log('Re-importing with 1% joiners, 1% leavers, 2% changes…');
    const reimport = await importFile(cookie, next, 'roster-100k-next.csv');
    const peak = peakRssMb(server.pid!);
    const result = {
      at: new Date().toISOString(),
      rows: ROWS,
      serverNodeFlags: serverNodeFlags(),
      server: { rssAtStartMb: rssAtStart, peakRssAfterInitialImportMb: peakAfterInitial, peakRssMb: peak },
      initialImport: initial,
      reimport,
    };
    writeFileSync(`${outDir}/roster-import.json`, JSON.stringify(result, null, 2));
    console.log(JSON.stringify(result, null, 2));
    const pass = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(`\nTargets (${ROWS} rows):
  initial import <= ${TARGET_SECONDS} s:   ${initial.totalSeconds} s — ${pass(initial.totalSeconds <= TARGET_SECONDS)}
  re-import <= ${TARGET_SECONDS} s:        ${reimport.totalSeconds} s — ${pass(reimport.totalSeconds <= TARGET_SECONDS)}
  server peak RSS <= ${TARGET_RSS_MB} MB:  ${peak} MB — ${pass(peak <= TARGET_RSS_MB)}`);
  } finally {
    server.kill('SIGTERM');
  }
}

await main();
