/**
 * SIGTERM on the real server process: it stops accepting connections, ends the open Signal stream (the CEO gets
 * `done` with status incomplete and the turn is saved as incomplete with what arrived), closes the pool and exits 0
 * within its shutdown bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantSql } from '../helpers/tenant-sql.ts';
import { openDb, type DbHandle } from '../../server/db/client.ts';
import type { AppServices } from '../../server/context.ts';
import { startAppProcess } from '../helpers/app-process.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm.ts';
import { POSTGRES_BIN, startCluster, type Cluster } from '../helpers/pg-cluster.ts';
import { makeUser, testServices, TEST_PASSWORD } from '../helpers/services.ts';

let cluster: Cluster;
let db: DbHandle;
let services: AppServices;
let fake: FakeLlm;

beforeAll(async () => {
  if (!POSTGRES_BIN) return;
  cluster = await startCluster();
  db = await openDb({ databaseUrl: cluster.databaseUrl, migrateDatabaseUrl: cluster.migrateUrl, max: 2 });
  services = testServices(db);
  // A slow model: 60 chunks, 100 ms apart, so the answer is mid-stream when the server is told to stop.
  fake = await startFakeLlm({ behaviour: { kind: 'answer', text: () => 'word '.repeat(60), chunkChars: 5, delayMs: 100 } });
}, 120_000);

afterAll(async () => {
  services?.mailer.close();
  await fake?.close();
  await db?.close();
  cluster?.destroy();
});

describe.skipIf(!POSTGRES_BIN)('SIGTERM', () => {
  it('ends an open Signal stream as incomplete, saves the turn, and exits 0 within the bound', async () => {
    const { customerId } = await makeCustomer(db, { count: 1 });
    const ceo = await makeUser(services, 'ceo', customerId);
    const app = await startAppProcess({
      DATABASE_URL: cluster.databaseUrl,
      MIGRATE_DATABASE_URL: cluster.migrateUrl,
      SIGNAL_LLM_URL: fake.url,
      SIGNAL_LLM_MODEL: fake.model,
      SHUTDOWN_TIMEOUT_MS: '8000',
    });
    const signIn = await fetch(`${app.origin}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: app.origin },
      body: JSON.stringify({ email: ceo.email, password: TEST_PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

    const res = await fetch(`${app.origin}/api/signal/query`, {
      method: 'POST',
      headers: { cookie, 'Content-Type': 'application/json', Origin: app.origin },
      body: JSON.stringify({ query: 'What is the status of the launch?' }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let signalled = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      // Two tokens in: stop the server.
      if (!signalled && (text.match(/event: token/g)?.length ?? 0) >= 2) {
        signalled = Date.now();
        app.kill('SIGTERM');
      }
    }
    expect(signalled).toBeGreaterThan(0);
    const events = text
      .split('\n\n')
      .filter((frame) => frame.startsWith('event: '))
      .map((frame) => JSON.parse(frame.split('\ndata: ')[1]!) as { type: string; status?: string; turnId?: string; text?: string });
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'done', status: 'incomplete' });
    const turnId = events.find((e) => e.type === 'session')!.turnId!;
    const streamed = events.filter((e) => e.type === 'token').map((e) => e.text).join('');
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed.length).toBeLessThan('word '.repeat(60).length);

    const { code, signal } = await app.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(8_000);
    expect(app.log()).toContain('shut down');

    const tenant = tenantSql(cluster.databaseUrl);
    const [turn] = await tenant.inTenant(customerId, (sql) => sql`select status, response from signal_turns where id = ${turnId}`);
    await tenant.end();
    expect(turn).toEqual({ status: 'incomplete', response: streamed });
  }, 60_000);
});
