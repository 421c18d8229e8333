/**
 * `npm run bench:signal:retrieval` — Signal's top-40 retrieval over the dataset `npm run bench:signal:ingest` left
 * in PostgreSQL (1,000,000 generated communications; bench/.out/signal-dataset.json names the customer).
 *
 * Each sample is what a question costs the server before the model is asked: a tenant transaction (RLS), the
 * question turned into one tsquery per language configuration, and the ranked top-40 (`retrieve`), then the 40
 * records with their authors (`resolveSources`). Questions are realistic and in several languages (English, Spanish,
 * French, German, Japanese), some narrowed by channel, dates or department, one in web-search syntax. Every question
 * runs once to warm up, then BENCH_ROUNDS times (default 10), round-robin.
 *
 * Target (issue 4): p95 ≤ 100 ms for retrieval on real PostgreSQL. Writes bench/.out/signal-retrieval.json.
 * Needs DATABASE_URL + MIGRATE_DATABASE_URL and the ingest benchmark's dataset.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { TSignalScope } from '../shared/schemas/signal.ts';
import { openDb } from '../server/db/client.ts';
import { withTenant } from '../server/db/tenant.ts';
import { retrieve, TOP_K } from '../server/services/retrieval.ts';
import { resolveSources } from '../server/services/archive.ts';
import { benchDatabase, outDir } from './server.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const TARGET_P95_MS = 100;
const datasetFile = `${outDir}/signal-dataset.json`;
const DAY = 86_400_000;

const { databaseUrl, migrateUrl } = benchDatabase('bench:signal:retrieval');
if (!existsSync(datasetFile)) {
  console.error(`${datasetFile} is missing: run \`npm run bench:signal:ingest\` first (it leaves the 1,000,000-record dataset).`);
  process.exit(2);
}
const dataset = JSON.parse(readFileSync(datasetFile, 'utf8')) as { customerId: string; count: number; newest: string };

const day = (daysAgo: number) => new Date(new Date(dataset.newest).getTime() - daysAgo * DAY).toISOString().slice(0, 10);

const QUESTIONS: { query: string; scope?: TSignalScope }[] = [
  { query: 'What is the impact of the supplier delay on our shipments?' },
  { query: 'Why is pipeline coverage below target for next quarter?' },
  { query: 'Why did candidates decline our offers?' },
  { query: 'Which customers asked for a security review before signing?' },
  { query: 'Are we over budget anywhere?' },
  { query: 'What are the biggest churn risks right now?' },
  { query: 'Summarise the latest incidents and outages' },
  { query: 'Is the launch still on track?' },
  { query: 'What did the team say about the discount on the three-year term?' },
  { query: '"security review" -legal' },
  { query: '¿Por qué se retrasa el proveedor?' },
  { query: 'revisión de seguridad antes de firmar' },
  { query: 'Pourquoi le fournisseur est-il en retard sur la livraison ?' },
  { query: 'postes ouverts et recrutement' },
  { query: 'Warum verzögert sich der Lieferant?' },
  { query: 'Sicherheitsprüfung vor der Unterschrift' },
  { query: 'パイプラインの状況は？' },
  { query: '採用計画' },
  { query: 'supplier delay', scope: { channels: ['email'] } },
  { query: 'pipeline review', scope: { from: day(7), to: day(0) } },
  { query: 'hiring plan', scope: { departments: ['Sales', 'Engineering'] } },
  { query: 'customer escalation', scope: { channels: ['messaging', 'video'], from: day(30) } },
  { query: 'budget forecast', scope: { departments: ['Finance'], from: day(14) } },
  { query: 'who is on leave next week' },
];

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => +sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!.toFixed(1);
  return { p50: at(50), p95: at(95), p99: at(99), max: +sorted.at(-1)!.toFixed(1) };
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const db = await openDb({ databaseUrl, migrateDatabaseUrl: migrateUrl, max: 2 });
  const customerId = dataset.customerId;

  const once = async (q: (typeof QUESTIONS)[number]) => {
    const t0 = performance.now();
    const ids = await withTenant(db, customerId, (tx) => retrieve(tx, customerId, q));
    const t1 = performance.now();
    await withTenant(db, customerId, (tx) => resolveSources(tx, customerId, ids));
    return { retrievalMs: t1 - t0, sourcesMs: performance.now() - t1, found: ids.length };
  };

  const found = new Map<string, number>();
  for (const q of QUESTIONS) found.set(q.query, (await once(q)).found);
  const retrieval: number[] = [];
  const sources: number[] = [];
  const perQuestion = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of QUESTIONS) {
      const r = await once(q);
      retrieval.push(r.retrievalMs);
      sources.push(r.sourcesMs);
      perQuestion.set(q.query, [...(perQuestion.get(q.query) ?? []), r.retrievalMs]);
    }
  }
  await db.close();

  const result = {
    when: new Date().toISOString(),
    rows: dataset.count,
    k: TOP_K,
    questions: QUESTIONS.length,
    samples: retrieval.length,
    retrievalMs: percentiles(retrieval),
    sourcesMs: percentiles(sources),
    perQuestion: QUESTIONS.map((q) => ({
      query: q.query,
      scope: q.scope ?? null,
      found: found.get(q.query),
      ...percentiles(perQuestion.get(q.query)!),
    })),
    targetP95Ms: TARGET_P95_MS,
    met: percentiles(retrieval).p95 <= TARGET_P95_MS,
  };
  writeFileSync(`${outDir}/signal-retrieval.json`, `${JSON.stringify(result, null, 2)}\n`);
  for (const q of result.perQuestion) {
    console.log(`${String(q.p50).padStart(7)} ms p50 ${String(q.p95).padStart(7)} ms p95  ${String(q.found).padStart(2)} found  ${q.query}${q.scope ? ` ${JSON.stringify(q.scope)}` : ''}`);
  }
  console.log(
    `retrieval top-${TOP_K} over ${dataset.count?.toLocaleString('en')} records: p50 ${result.retrievalMs.p50} ms, p95 ${result.retrievalMs.p95} ms ` +
      `(${result.samples} questions) — target p95 ≤ ${TARGET_P95_MS} ms ${result.met ? 'met' : 'NOT met'}; ` +
      `loading the 40 sources: p50 ${result.sourcesMs.p50} ms, p95 ${result.sourcesMs.p95} ms`,
  );
}

await main();
