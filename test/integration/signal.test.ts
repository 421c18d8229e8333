/**
 * Signal end to end on the real server (PGlite or PostgreSQL) with a fake OpenAI-compatible model on 127.0.0.1:
 * retrieval (ranking, languages, scope, k = 40, tenant isolation), the SSE route (streaming, persistence, stop,
 * model down or slow, extractive mode, roles, history) and the chat page's tRPC procedures.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/channels.ts';
import { SIGNAL_QUERY_PATH, ZSignalEvent, type TSignalEvent, type TSignalScope } from '../../shared/schemas/signal.ts';
import { createSseParser } from '../../shared/sse.ts';
import type { AppServices } from '../../server/context.ts';
import { rowsOf } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { retrieve, TOP_K } from '../../server/services/retrieval.ts';
import { callerFor, enroll, grantAll } from '../helpers/caller.ts';
import { commRecord, ingest } from '../helpers/communications.ts';
import { openTestDb, testDbKind, type TestDb } from '../helpers/db.ts';
import { makeCustomer, type TestCustomer } from '../helpers/factories.ts';
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm.ts';
import { callerAs, makeUser, startTestServer, TEST_PASSWORD, type RunningServer } from '../helpers/services.ts';

const DAY = 86_400_000;
let t: TestDb;
let fake: FakeLlm;
/** Answers with the fake model (default 8 s first-token limit). */
let withModel: RunningServer;
/** No model configured: extractive mode. */
let extractive: RunningServer;
let a: TestCustomer;
let b: TestCustomer;
const enrolledAt = new Date(Date.now() - 40 * DAY);
const ids: Record<string, string> = {};

/** Reads and fixtures go through the tenant (RLS is forced even for the table owner on PostgreSQL). */
async function inTenant<T>(customerId: string, query: ReturnType<typeof sql>): Promise<T[]> {
  return withTenant(t.handle, customerId, async (tx) => rowsOf<T>(await tx.execute(query)));
}

async function idOf(customerId: string, externalId: string): Promise<string> {
  const [row] = await inTenant<{ id: string }>(customerId, sql`select id from communications where external_id = ${externalId}`);
  return row!.id;
}

beforeAll(async () => {
  t = await openTestDb();
  fake = await startFakeLlm();
  withModel = await startTestServer(t.handle, { signal: { llm: { url: fake.url, model: fake.model }, embeddings: null } });
  extractive = await startTestServer(t.handle);

  a = await makeCustomer(t.handle, { count: 6, now: enrolledAt, name: 'Fromagerie Dupont' });
  b = await makeCustomer(t.handle, { count: 2, now: enrolledAt });
  for (const e of [...a.employees, ...b.employees]) await enroll(t.handle, e.token, grantAll(CHANNELS), { now: enrolledAt });
  await inTenant(a.customerId, sql`update customers set output_language = 'fr' where id = ${a.customerId}`);
  await inTenant(a.customerId, sql`update employees set department = 'Sales' where id = ${a.employees[1]!.id}`);
  await inTenant(a.customerId, sql`update employees set department = 'Finance' where id = ${a.employees[2]!.id}`);

  const [eng, sales, finance, , , other] = a.employees;
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY);
  await ingest(t.handle, a.customerId, [
    commRecord(eng!.email, 'email', { externalId: 'best', occurredAt: at(3), subject: 'Supplier delay', body: 'The supplier delay will push the Atlas launch by two weeks; the supplier confirmed the delay today.' }),
    commRecord(sales!.email, 'messaging', { externalId: 'partial', occurredAt: at(2), subject: null, body: 'Customers keep asking about the launch date for Atlas.' }),
    commRecord(finance!.email, 'email', { externalId: 'finance', occurredAt: at(20), subject: 'Budget', body: 'Finance flagged the supplier invoices as overdue.' }),
    commRecord(other!.email, 'video', { externalId: 'fr', occurredAt: at(5), language: 'fr', subject: null, body: 'Les réunions avec les fournisseurs sont reportées à cause du retard de livraison.' }),
    commRecord(other!.email, 'video', { externalId: 'ja', occurredAt: at(6), language: undefined, subject: null, body: '来週の出荷が遅れる可能性があります。サプライヤーに確認します。' }),
    commRecord(eng!.email, 'sms_voice', { externalId: 'unrelated', occurredAt: at(1), subject: null, body: 'Lunch is at noon in the cafeteria.' }),
  ]);
  // Fifty more that match "roadmap": more than k.
  await ingest(
    t.handle,
    a.customerId,
    Array.from({ length: 50 }, (_, i) =>
      commRecord(eng!.email, 'messaging', { externalId: `roadmap-${i}`, occurredAt: at(10 + (i % 20)), subject: null, body: `Roadmap item ${i} needs review.` }),
    ),
  );
  // Customer B says the very same thing.
  await ingest(t.handle, b.customerId, [
    commRecord(b.employees[0]!.email, 'email', { externalId: 'b-best', occurredAt: at(1), subject: 'Supplier delay', body: 'The supplier delay will push the Atlas launch by two weeks; the supplier confirmed the delay today.' }),
  ]);
  for (const key of ['best', 'partial', 'finance', 'fr', 'ja', 'unrelated']) ids[key] = await idOf(a.customerId, key);
  ids['b-best'] = await idOf(b.customerId, 'b-best');
});

afterAll(async () => {
  await withModel?.close();
  await extractive?.close();
  await fake?.close();
  await t?.close();
});

const search = (customerId: string, query: string, scope?: TSignalScope) =>
  withTenant(t.handle, customerId, (tx) => retrieve(tx, customerId, { query, scope }));

describe(`retrieval (${testDbKind})`, () => {
  it('ranks records holding more of the question’s words first and leaves unrelated ones out', async () => {
    const found = await search(a.customerId, 'What is the impact of the supplier delay on the Atlas launch?');
    expect(found[0]).toBe(ids.best);
    expect(found).toContain(ids.partial);
    expect(found).toContain(ids.finance);
    expect(found.indexOf(ids.best!)).toBeLessThan(found.indexOf(ids.finance!));
    expect(found).not.toContain(ids.unrelated);
  });

  it('matches each record with its own language: French stems and accents, Japanese words', async () => {
    expect(await search(a.customerId, 'réunion fournisseur')).toEqual([ids.fr]);
    expect(await search(a.customerId, 'reunions fournisseurs retard')).toEqual([ids.fr]);
    expect(await search(a.customerId, 'サプライヤー')).toEqual([ids.ja]);
  });

  it('returns at most k = 40 records', async () => {
    expect(TOP_K).toBe(40);
    expect(await search(a.customerId, 'roadmap review')).toHaveLength(40);
  });

  it('applies the scope: channels, date range, departments', async () => {
    const q = 'supplier delay launch';
    expect(await search(a.customerId, q, { channels: ['messaging'] })).toEqual([ids.partial]);
    const recent = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
    const found = await search(a.customerId, q, { from: recent });
    expect(found).toContain(ids.best);
    expect(found).not.toContain(ids.finance);
    const old = new Date(Date.now() - 15 * DAY).toISOString().slice(0, 10);
    expect(await search(a.customerId, q, { to: old })).toEqual([ids.finance]);
    expect(await search(a.customerId, q, { departments: ['Finance', 'Sales'] })).toEqual(expect.arrayContaining([ids.finance, ids.partial]));
    expect(await search(a.customerId, q, { departments: ['Finance'] })).toEqual([ids.finance]);
  });

  it('never returns another customer’s records', async () => {
    const forA = await search(a.customerId, 'supplier delay Atlas launch');
    expect(forA).not.toContain(ids['b-best']);
    expect(await search(b.customerId, 'supplier delay Atlas launch')).toEqual([ids['b-best']]);
    // Even asking for A's records by id from B's tenant finds nothing (RLS).
    const leaked = await withTenant(t.handle, b.customerId, async (tx) =>
      rowsOf(await tx.execute(sql`select id from communications where id = ${ids.best}`)),
    );
    expect(leaked).toEqual([]);
  });

  it('falls back to the most recent records when the question has no searchable word', async () => {
    const found = await search(a.customerId, '?? !!');
    expect(found[0]).toBe(ids.unrelated);
  });
});

async function signIn(origin: string, services: AppServices, role: 'ceo' | 'admin', customerId: string) {
  const user = await makeUser(services, role, customerId);
  const res = await fetch(`${origin}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return { user, cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
}

type Ask = { status: number; events: TSignalEvent[]; ms: (type: TSignalEvent['type']) => number; json?: unknown };

/** POSTs a question and reads the event stream; `stopAfterTokens` aborts like the stop button. */
async function ask(origin: string, cookie: string, body: unknown, opts: { stopAfterTokens?: number } = {}): Promise<Ask> {
  const started = performance.now();
  const controller = new AbortController();
  const res = await fetch(`${origin}${SIGNAL_QUERY_PATH}`, {
    method: 'POST',
    headers: { cookie, 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    return { status: res.status, events: [], ms: () => NaN, json: await res.json() };
  }
  const events: TSignalEvent[] = [];
  const times = new Map<string, number>();
  const parser = createSseParser();
  const decoder = new TextDecoder();
  let tokens = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      for (const data of parser.push(decoder.decode(chunk, { stream: true }))) {
        const event = ZSignalEvent.parse(JSON.parse(data));
        events.push(event);
        if (!times.has(event.type)) times.set(event.type, performance.now() - started);
        if (event.type === 'token' && ++tokens === opts.stopAfterTokens) controller.abort();
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return { status: res.status, events, ms: (type) => times.get(type) ?? NaN };
}

const textOf = (events: TSignalEvent[]) => events.flatMap((e) => (e.type === 'token' ? [e.text] : [])).join('');
const eventOf = <K extends TSignalEvent['type']>(events: TSignalEvent[], type: K) =>
  events.find((e): e is Extract<TSignalEvent, { type: K }> => e.type === type);

async function turnRow(turnId: string) {
  const [row] = await inTenant<Record<string, unknown>>(a.customerId, sql`select * from signal_turns where id = ${turnId}`);
  return row!;
}

describe(`POST ${SIGNAL_QUERY_PATH} (${testDbKind})`, () => {
  it('streams a cited answer after the sources, saves the turn, and sends the session as history', async () => {
    fake.behave({ kind: 'answer', text: (r) => `Le fournisseur retarde le lancement [#${/\[#([0-9a-f-]{36})\]/.exec(r.messages.at(-1)!.content)![1]}].`, chunkChars: 6 });
    const { cookie, user } = await signIn(withModel.origin, withModel.services, 'ceo', a.customerId);
    const first = await ask(withModel.origin, cookie, { query: 'Impact of the supplier delay on the Atlas launch?' });
    expect(first.status).toBe(200);
    expect(first.events.map((e) => e.type).filter((x, i, all) => all.indexOf(x) === i)).toEqual(['session', 'sources', 'token', 'done']);
    const session = eventOf(first.events, 'session')!;
    const sources = eventOf(first.events, 'sources')!.sources;
    expect(sources[0]).toMatchObject({ removed: false, record: { id: ids.best, author: { department: 'Engineering' } } });
    const answer = textOf(first.events);
    expect(answer).toBe(`Le fournisseur retarde le lancement [#${ids.best}].`);
    expect(first.events.filter((e) => e.type === 'token').length).toBeGreaterThan(3);
    expect(eventOf(first.events, 'done')).toEqual({ type: 'done', status: 'complete', model: fake.model, mode: 'llm' });

    // What the model was sent: the system prompt for this customer in French, the records with their ids.
    const sent = fake.requests.at(-1)!;
    expect(sent.model).toBe(fake.model);
    expect(sent.messages[0]!.content).toContain('CEO intelligence analyst for Fromagerie Dupont');
    expect(sent.messages[0]!.content).toContain('French (fr)');
    expect(sent.messages.at(-1)!.content).toContain(`[#${ids.best}]`);
    expect(sent.messages.at(-1)!.content).toContain('Question: Impact of the supplier delay on the Atlas launch?');
    expect(sent.messages.at(-1)!.content).not.toContain(ids['b-best']);

    const row = await turnRow(session.turnId);
    expect(row).toMatchObject({
      session_id: session.sessionId,
      turn_index: 0,
      query: 'Impact of the supplier delay on the Atlas launch?',
      response: answer,
      model_used: fake.model,
      mode: 'llm',
      status: 'complete',
      language: 'fr',
    });
    expect(row.completed_at).not.toBeNull();
    expect((row.retrieved_record_ids as string[])[0]).toBe(ids.best);

    // The second question in the session carries the first exchange as history.
    const second = await ask(withModel.origin, cookie, { sessionId: session.sessionId, query: 'And the finance side?' });
    expect(eventOf(second.events, 'session')!.sessionId).toBe(session.sessionId);
    const history = fake.requests.at(-1)!.messages;
    expect(history.slice(1, 3)).toEqual([
      { role: 'user', content: 'Impact of the supplier delay on the Atlas launch?' },
      { role: 'assistant', content: answer },
    ]);
    expect((await turnRow(eventOf(second.events, 'session')!.turnId)).turn_index).toBe(1);

    // The chat page reopens the session with both turns and their sources.
    const view = await callerAs(withModel.services, user).signal.session({ sessionId: session.sessionId });
    expect(view.turns.map((x) => [x.query, x.status])).toEqual([
      ['Impact of the supplier delay on the Atlas launch?', 'complete'],
      ['And the finance side?', 'complete'],
    ]);
    expect(view.turns[0]!.sources[0]).toMatchObject({ removed: false, record: { id: ids.best } });
  });

  it('saves what arrived, marked incomplete, when the CEO stops the answer', async () => {
    const full = 'Première partie de la réponse, puis une longue suite qui ne sera jamais lue en entier.';
    fake.behave({ kind: 'answer', text: () => full, chunkChars: 2, delayMs: 40 });
    const { cookie } = await signIn(withModel.origin, withModel.services, 'ceo', a.customerId);
    const stopped = await ask(withModel.origin, cookie, { query: 'supplier delay' }, { stopAfterTokens: 3 });
    const turnId = eventOf(stopped.events, 'session')!.turnId;
    // Recorded as started (incomplete) at once; the end of the turn lands when the server notices the stop.
    await expect.poll(async () => (await turnRow(turnId)).completed_at, { timeout: 5_000 }).not.toBeNull();
    const row = await turnRow(turnId);
    expect(row.status).toBe('incomplete');
    const saved = row.response as string;
    expect(saved.length).toBeGreaterThanOrEqual(6);
    expect(saved.length).toBeLessThan(full.length);
    expect(full.startsWith(saved)).toBe(true);
    expect(row.error_code).toBeNull();
  });

  it('explains a model that is down, refuses, breaks off or is slow — within 10 s, with the sources already shown', async () => {
    const { cookie } = await signIn(withModel.origin, withModel.services, 'ceo', a.customerId);

    fake.behave({ kind: 'refuse', status: 503 });
    const refused = await ask(withModel.origin, cookie, { query: 'supplier delay' });
    expect(eventOf(refused.events, 'sources')!.sources.length).toBeGreaterThan(0);
    expect(eventOf(refused.events, 'error')).toEqual({ type: 'error', code: 'LLM_UNAVAILABLE' });
    expect(eventOf(refused.events, 'done')!.status).toBe('failed');
    expect(await turnRow(eventOf(refused.events, 'session')!.turnId)).toMatchObject({ status: 'failed', error_code: 'LLM_UNAVAILABLE' });

    fake.behave({ kind: 'drop', afterChunks: 3, text: () => 'abcdefghijklmnopqrstuvwxyz' });
    const dropped = await ask(withModel.origin, cookie, { query: 'supplier delay' });
    expect(eventOf(dropped.events, 'error')!.code).toBe('LLM_INTERRUPTED');
    expect(await turnRow(eventOf(dropped.events, 'session')!.turnId)).toMatchObject({ status: 'failed', response: 'abcdefghijkl' });

    fake.behave({ kind: 'answer', firstTokenDelayMs: 30_000 });
    const slow = await ask(withModel.origin, cookie, { query: 'supplier delay' });
    expect(slow.ms('sources')).toBeLessThan(2_000);
    expect(eventOf(slow.events, 'error')!.code).toBe('LLM_TIMEOUT');
    expect(slow.ms('error')).toBeLessThan(10_000);
    expect(eventOf(slow.events, 'sources')!.sources[0]).toMatchObject({ record: { id: ids.best } });
  }, 30_000);

  it('answers extractively without a model: passages with citations, counts, labelled as such', async () => {
    const { cookie } = await signIn(extractive.origin, extractive.services, 'ceo', a.customerId);
    const res = await ask(extractive.origin, cookie, { query: 'supplier delay launch', scope: { channels: ['email', 'messaging'] } });
    expect(eventOf(res.events, 'session')!.mode).toBe('extractive');
    const summary = eventOf(res.events, 'summary')!.summary;
    expect(summary).toMatchObject({ records: 3, people: 3, byChannel: [{ channel: 'email', count: 2 }, { channel: 'messaging', count: 1 }] });
    const text = textOf(res.events);
    expect(text).toContain(`[#${ids.best}]`);
    expect(text).toContain('> The supplier delay will push the Atlas launch');
    expect(eventOf(res.events, 'done')).toEqual({ type: 'done', status: 'complete', model: 'extractive', mode: 'extractive' });
    expect(await turnRow(eventOf(res.events, 'session')!.turnId)).toMatchObject({ mode: 'extractive', model_used: 'extractive', status: 'complete', response: text });
  });

  it('is for CEOs only, takes the tenant from the session, and validates the question', async () => {
    const anon = await ask(withModel.origin, '', { query: 'supplier' });
    expect([anon.status, anon.json]).toEqual([401, { code: 'UNAUTHENTICATED', message: expect.any(String) }]);
    const admin = await signIn(withModel.origin, withModel.services, 'admin', a.customerId);
    const refused = await ask(withModel.origin, admin.cookie, { query: 'supplier' });
    expect([refused.status, refused.json]).toEqual([403, { code: 'FORBIDDEN', message: expect.any(String) }]);

    const ceoB = await signIn(withModel.origin, withModel.services, 'ceo', b.customerId);
    const empty = await ask(withModel.origin, ceoB.cookie, { query: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.json).toMatchObject({ code: 'INVALID_INPUT', issues: [{ path: ['query'], message: 'validation.required' }] });
    expect((await ask(withModel.origin, ceoB.cookie, { query: 'x', customerId: a.customerId })).status).toBe(400);

    // B's CEO cannot continue A's session, and sees only B's records.
    const ceoA = await signIn(withModel.origin, withModel.services, 'ceo', a.customerId);
    fake.behave({ kind: 'answer' });
    const mine = await ask(withModel.origin, ceoA.cookie, { query: 'supplier delay' });
    const other = await ask(withModel.origin, ceoB.cookie, { sessionId: eventOf(mine.events, 'session')!.sessionId, query: 'supplier delay' });
    expect([other.status, other.json]).toEqual([404, { code: 'NOT_FOUND', message: expect.any(String) }]);
    const bAnswer = await ask(withModel.origin, ceoB.cookie, { query: 'supplier delay Atlas launch' });
    expect(eventOf(bAnswer.events, 'sources')!.sources.map((s) => (s.removed ? s.id : s.record.id))).toEqual([ids['b-best']]);
  });
});

describe(`consent withdrawn (${testDbKind})`, () => {
  it('takes the employee’s records out of retrieval, and past turns show them as removed', async () => {
    const c = await makeCustomer(t.handle, { count: 2, now: enrolledAt });
    const [leaver, stayer] = c.employees;
    const receipt = await enroll(t.handle, leaver!.token, grantAll(CHANNELS), { now: enrolledAt });
    await enroll(t.handle, stayer!.token, grantAll(CHANNELS), { now: enrolledAt });
    await ingest(t.handle, c.customerId, [
      commRecord(leaver!.email, 'email', { externalId: 'l-mail', occurredAt: new Date(Date.now() - 2 * DAY), body: 'The zeppelin hangar lease ends in March.' }),
      commRecord(leaver!.email, 'messaging', { externalId: 'l-chat', occurredAt: new Date(Date.now() - 2 * DAY), subject: null, body: 'Zeppelin hangar keys are with security.' }),
      commRecord(stayer!.email, 'email', { externalId: 's-mail', occurredAt: new Date(Date.now() - 3 * DAY), body: 'Who renews the zeppelin hangar lease?' }),
    ]);
    const mail = await idOf(c.customerId, 'l-mail');
    const chat = await idOf(c.customerId, 'l-chat');
    const kept = await idOf(c.customerId, 's-mail');
    expect((await search(c.customerId, 'zeppelin hangar')).sort()).toEqual([mail, chat, kept].sort());

    const { cookie, user } = await signIn(extractive.origin, extractive.services, 'ceo', c.customerId);
    const before = await ask(extractive.origin, cookie, { query: 'zeppelin hangar lease' });
    const sessionId = eventOf(before.events, 'session')!.sessionId;

    const withdrawn = await callerFor(t.handle).consent.update({
      manageToken: receipt.manageToken,
      action: 'withdraw',
      channels: ['email'],
      idempotencyKey: crypto.randomUUID(),
    });
    expect(withdrawn.removed).toBe(1);
    expect((await search(c.customerId, 'zeppelin hangar')).sort()).toEqual([chat, kept].sort());
    const after = await ask(extractive.origin, cookie, { query: 'zeppelin hangar lease' });
    expect(textOf(after.events)).not.toContain(mail);
    expect(textOf(after.events)).not.toContain('lease ends in March');

    // The earlier turn still lists the record, now only as removed — never its content.
    const view = await callerAs(extractive.services, user).signal.session({ sessionId });
    const sources = view.turns[0]!.sources;
    expect(sources).toContainEqual({ removed: true, id: mail });
    expect(JSON.stringify(sources)).not.toContain('lease ends in March');
    expect(view.turns[0]!.summary!.records).toBe(2);
  });
});

describe(`signal tRPC procedures (${testDbKind})`, () => {
  it('lists the scope options and refuses other roles', async () => {
    const ceo = await makeUser(extractive.services, 'ceo', a.customerId);
    const options = await callerAs(extractive.services, ceo).signal.scopeOptions();
    expect(options).toEqual({ channels: [...CHANNELS], departments: ['Engineering', 'Finance', 'Sales'], mode: 'extractive' });
    const admin = await makeUser(extractive.services, 'admin', a.customerId);
    await expect(callerAs(extractive.services, admin).signal.scopeOptions()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(extractive.services, ceo).signal.session({ sessionId: crypto.randomUUID() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
