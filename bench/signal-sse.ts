/**
 * `npm run bench:signal:sse` — what Signal's SSE route adds to the model's time to first token, on real PostgreSQL.
 *
 *   1. Starts the fake OpenAI-compatible model (test/helpers/fake-llm.ts) and the production server
 *      (`node server/main.ts`) pointed at it through SIGNAL_LLM_URL, in its own process.
 *   2. Creates a customer with 20 consenting employees and 5,000 generated communications, and a CEO login.
 *   3. BENCH_SAMPLES times (default 60, after 5 warm-ups), alternately: time to first token straight from the fake
 *      model, and time to the first `token` event through POST /api/signal/query (sign-in cookie, tenant
 *      transaction, retrieval, turn record, then the relayed stream). Also the time to the `sources` event.
 *
 * Two figures: the relay overhead — from the `sources` event (everything before the model is asked is done) to the
 * first relayed token, minus the model's own time to first token — which is what the target is about; and the
 * whole wait — session lookup, retrieval over this small customer, writing the turn, then the relay — because that
 * is what the CEO sees. Retrieval over the 1,000,000-record set is measured by bench:signal:retrieval.
 * Target (issue 4): relay overhead ≤ 20 ms. Writes bench/.out/signal-sse.json. Needs DATABASE_URL + MIGRATE_DATABASE_URL
 * and a built dist/.
 */
import { benchDatabase, outDir, root, startBenchServer } from './server.ts';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { CHANNELS } from '../shared/channels.ts';
import { SIGNAL_QUERY_PATH } from '../shared/schemas/signal.ts';
import { createSseParser } from '../shared/sse.ts';
import { createServices } from '../server/app-services.ts';
import { createLogin } from '../server/auth/auth.ts';
import { openDb } from '../server/db/client.ts';
import { withTenant } from '../server/db/tenant.ts';
import { generateCommunications } from '../server/seed/communications-generator.ts';
import { recordCustomerUser } from '../server/services/customers.ts';
import { enroll, grantAll } from '../test/helpers/caller.ts';
import { ingest } from '../test/helpers/communications.ts';
import { makeCustomer } from '../test/helpers/factories.ts';
import { startFakeLlm } from '../test/helpers/fake-llm.ts';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 60);
const WARMUP = 5;
const PORT = Number(process.env.BENCH_PORT ?? 3996);
const TARGET_ADDED_MS = 20;
const origin = `http://127.0.0.1:${PORT}`;
const DAY = 86_400_000;
const PASSWORD = 'bench-ceo-password-2026';

const { databaseUrl, migrateUrl } = benchDatabase('bench:signal:sse');

const QUESTIONS = [
  'What is the impact of the supplier delay?',
  'Why is pipeline coverage below target?',
  'Why did candidates decline our offers?',
  'Which customers want a security review?',
  'Are we over budget?',
];

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => +sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!.toFixed(1);
  return { p50: at(50), p95: at(95), max: +sorted.at(-1)!.toFixed(1) };
}

/** Milliseconds until the first content token straight from the model. */
async function directFirstToken(url: string, model: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hello' }] }),
  });
  const parser = createSseParser();
  const decoder = new TextDecoder();
  let first = NaN;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    for (const data of parser.push(decoder.decode(chunk, { stream: true }))) {
      if (Number.isNaN(first) && data !== '[DONE]' && (JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content) {
        first = performance.now() - t0;
      }
    }
  }
  return first;
}

/** Milliseconds until the `sources` and the first `token` event through the SSE route. */
async function relayedFirstToken(cookie: string, query: string): Promise<{ sources: number; token: number }> {
  const t0 = performance.now();
  const res = await fetch(`${origin}${SIGNAL_QUERY_PATH}`, {
    method: 'POST',
    headers: { cookie, 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ query }),
  });
  if (res.status !== 200) throw new Error(`SSE route answered ${res.status}: ${await res.text()}`);
  const parser = createSseParser();
  const decoder = new TextDecoder();
  const at = { sources: NaN, token: NaN };
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    for (const data of parser.push(decoder.decode(chunk, { stream: true }))) {
      const type = (JSON.parse(data) as { type: string }).type;
      if (type === 'sources' && Number.isNaN(at.sources)) at.sources = performance.now() - t0;
      if (type === 'token' && Number.isNaN(at.token)) at.token = performance.now() - t0;
    }
  }
  return at;
}

async function main() {
  if (!existsSync(`${root}dist/index.html`)) throw new Error('dist/ is missing: run `npm run build` first');
  mkdirSync(outDir, { recursive: true });
  const fake = await startFakeLlm({ behaviour: { kind: 'answer', chunkChars: 8 } });
  const db = await openDb({ databaseUrl, migrateDatabaseUrl: migrateUrl, max: 4 });

  const enrolledAt = new Date(Date.now() - 61 * DAY);
  const customer = await makeCustomer(db, { count: 20, now: enrolledAt, name: 'SSE bench' });
  for (const e of customer.employees) await enroll(db, e.token, grantAll(CHANNELS), { now: enrolledAt });
  const people = customer.employees.map((e, i) => ({ email: e.email, displayName: e.displayName, department: i % 2 ? 'Sales' : 'Engineering' }));
  await ingest(db, customer.customerId, [...generateCommunications({ seed: 7, people, count: 5_000, end: new Date(), days: 55 })]);
  const services = createServices({ db, secret: 'bench-secret-bench-secret-bench-secret-0123', publicUrl: origin });
  const email = `sse-bench-${Date.now()}@bench.example`;
  const { id: userId } = await createLogin(services.auth, { email, name: 'Bench CEO', role: 'ceo', customerId: customer.customerId, password: PASSWORD });
  await withTenant(db, customer.customerId, (tx) =>
    recordCustomerUser(tx, { userId, customerId: customer.customerId, role: 'ceo', email, name: 'Bench CEO', invitedAt: new Date() }),
  );
  services.mailer.close();

  const server = await startBenchServer(PORT, {
    AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    PUBLIC_URL: origin,
    SIGNAL_LLM_URL: fake.url,
    SIGNAL_LLM_MODEL: fake.model,
  });
  try {
    const signIn = await fetch(`${origin}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: origin },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (signIn.status !== 200) throw new Error(`sign-in failed: ${signIn.status}`);
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

    const direct: number[] = [];
    const relayed: number[] = [];
    const sources: number[] = [];
    const afterSources: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const d = await directFirstToken(fake.url, fake.model);
      const r = await relayedFirstToken(cookie, QUESTIONS[i % QUESTIONS.length]!);
      if (i < WARMUP) continue;
      direct.push(d);
      relayed.push(r.token);
      sources.push(r.sources);
      afterSources.push(r.token - r.sources);
    }
    const d = percentiles(direct);
    const r = percentiles(relayed);
    const a = percentiles(afterSources);
    const result = {
      when: new Date().toISOString(),
      samples: SAMPLES,
      records: 5_000,
      directFirstTokenMs: d,
      relayedFirstTokenMs: r,
      relayedSourcesMs: percentiles(sources),
      sourcesToFirstTokenMs: a,
      relayAddedMs: { p50: +(a.p50 - d.p50).toFixed(1), p95: +(a.p95 - d.p95).toFixed(1) },
      wholeAddedMs: { p50: +(r.p50 - d.p50).toFixed(1), p95: +(r.p95 - d.p95).toFixed(1) },
      targetAddedMs: TARGET_ADDED_MS,
      met: a.p95 - d.p95 <= TARGET_ADDED_MS,
    };
    writeFileSync(`${outDir}/signal-sse.json`, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `time to first token: direct p50 ${d.p50} ms / p95 ${d.p95} ms; relay overhead p50 ${result.relayAddedMs.p50} ms / p95 ${result.relayAddedMs.p95} ms ` +
        `— target ≤ ${TARGET_ADDED_MS} ms ${result.met ? 'met' : 'NOT met'}; whole wait through ${SIGNAL_QUERY_PATH} (sign-in lookup, retrieval, turn record, relay) ` +
        `p50 ${r.p50} ms / p95 ${r.p95} ms`,
    );
  } finally {
    server.kill('SIGTERM');
    await fake.close();
    await db.close();
  }
}

await main();
