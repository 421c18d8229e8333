import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../server/context.ts';
import { auditLog } from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { ARCHIVE_PAGE_SIZE } from '../../shared/schemas/archive.ts';
import { callerFor, enroll, grantAll } from '../helpers/caller.ts';
import { commRecord, ingest } from '../helpers/communications.ts';
import { openTestDb, testDbKind, type TestDb } from '../helpers/db.ts';
import { makeCustomer, type TestCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, testServices } from '../helpers/services.ts';
import { communicationIds, makeSession, makeTurn } from '../helpers/signal-fixtures.ts';
import type { SessionUser } from '../../server/auth/auth.ts';

const DAY = 86_400_000;
let t: TestDb;
let services: AppServices;

/** A customer whose employees all granted every channel 30 days ago, with one record each from 2 days ago. */
type World = TestCustomer & { ceo: SessionUser; manageTokens: string[]; records: { id: string; employee_id: string; body: string }[] };
async function world(count = 3): Promise<World> {
  const enrolledAt = new Date(Date.now() - 30 * DAY);
  const c = await makeCustomer(t.handle, { count, now: enrolledAt });
  const manageTokens: string[] = [];
  for (const e of c.employees) {
    const receipt = await enroll(t.handle, e.token, grantAll(['email', 'messaging', 'video', 'sms_voice']), { now: enrolledAt });
    manageTokens.push(receipt.manageToken);
  }
  await ingest(
    t.handle,
    c.customerId,
    c.employees.map((e, i) =>
      commRecord(e.email, 'email', {
        occurredAt: new Date(Date.now() - 2 * DAY + i * 1000),
        subject: `Subject ${i}`,
        body: `Body of record ${i}: the supplier delay affects renewal ${i}.\nSecond line ${i}.`,
      }),
    ),
  );
  const ceo = await makeUser(services, 'ceo', c.customerId);
  return { ...c, ceo, manageTokens, records: await communicationIds(t.handle, c.customerId) };
}

beforeAll(async () => {
  t = await openTestDb();
  services = testServices(t.handle);
});
afterAll(() => t.close());

describe(`archive (${testDbKind})`, () => {
  it('is for the CEO only: admin and operator are refused every archive procedure', async () => {
    const w = await world(1);
    const sessionId = await makeSession(t.handle, w.customerId, w.ceo.id);
    const admin = await makeUser(services, 'admin', w.customerId);
    const operator = { ...(await makeUser(services, 'operator', null)), activeCustomerId: w.customerId };
    for (const user of [admin, operator]) {
      const api = callerAs(services, user);
      await expect(api.archive.sessions({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(api.archive.search({ q: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(api.archive.session({ sessionId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(api.archive.retrieved({ turnId: randomUUID() })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(api.archive.export({ sessionId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(callerAs(services, w.ceo).archive.sessions({})).resolves.toMatchObject({ sessions: [{ id: sessionId }] });
  });

  it('lists only my own sessions, newest activity first, a page at a time, with honest turn statuses', async () => {
    const w = await world(1);
    const otherCeo = await makeUser(services, 'ceo', w.customerId);
    await makeSession(t.handle, w.customerId, otherCeo.id, { title: 'Not mine' });
    const base = Date.now() - 10 * DAY;
    const ids: string[] = [];
    for (let i = 0; i < ARCHIVE_PAGE_SIZE + 3; i++) {
      ids.push(await makeSession(t.handle, w.customerId, w.ceo.id, { title: `Session ${i}`, at: new Date(base + i * 60_000) }));
    }
    // Activity moves a session to the top.
    await makeTurn(t.handle, w.customerId, ids[0]!, { query: 'First question', response: 'Partial', status: 'incomplete', at: new Date(base + DAY) });
    await makeTurn(t.handle, w.customerId, ids[0]!, { query: 'Second question', status: 'failed', errorCode: 'LLM_UNAVAILABLE', at: new Date(base + DAY + 1) });

    const api = callerAs(services, w.ceo).archive;
    const first = await api.sessions({ page: 0 });
    expect(first.hasMore).toBe(true);
    expect(first.sessions).toHaveLength(ARCHIVE_PAGE_SIZE);
    expect(first.sessions[0]).toMatchObject({ id: ids[0], turns: 2, incomplete: 1, failed: 1, lastQuery: 'Second question' });
    expect(first.sessions[1]!.id).toBe(ids.at(-1));
    const second = await api.sessions({ page: 1 });
    expect(second.hasMore).toBe(false);
    const all = [...first.sessions, ...second.sessions];
    expect(all.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(all.some((s) => s.title === 'Not mine')).toBe(false);

    // Someone else's session of the same customer is not found, not forbidden (no existence leak).
    const theirs = await makeSession(t.handle, w.customerId, otherCeo.id);
    await expect(api.session({ sessionId: theirs })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('searches questions, answers and titles: every word, any case, any accents; wildcards are literal', async () => {
    const w = await world(1);
    const s1 = await makeSession(t.handle, w.customerId, w.ceo.id, { title: 'Board prep' });
    const s2 = await makeSession(t.handle, w.customerId, w.ceo.id, { title: 'Hiring' });
    const a = await makeTurn(t.handle, w.customerId, s1, {
      query: 'What happened at the Réunion in Lyon?',
      response: `${'Intro text. '.repeat(40)}The Lyon réunion agreed to delay the launch by two weeks.`,
      at: new Date(Date.now() - 3000),
    });
    const b = await makeTurn(t.handle, w.customerId, s2, { query: 'Hiring pace in sales?', response: 'Sales hiring is 50% of plan.', at: new Date(Date.now() - 2000) });
    const c = await makeTurn(t.handle, w.customerId, s1, { query: 'Anything about Lyon pricing?', response: 'No records mention it.', at: new Date(Date.now() - 1000) });

    const api = callerAs(services, w.ceo).archive;
    const lyon = await api.search({ q: 'lyon' });
    expect(lyon.hits.map((h) => h.turnId)).toEqual([c, a]);
    const reunion = await api.search({ q: 'REUNION lyon' });
    expect(reunion.hits.map((h) => h.turnId)).toEqual([a]);
    // The snippet shows the match, not the long introduction.
    expect(reunion.hits[0]!.snippet).toContain('réunion agreed');
    expect(reunion.hits[0]!.snippet.startsWith('…')).toBe(true);
    expect((await api.search({ q: 'board' })).hits.map((h) => h.turnId).sort()).toEqual([a, c].sort());
    expect((await api.search({ q: '50%' })).hits.map((h) => h.turnId)).toEqual([b]);
    expect((await api.search({ q: '%' })).hits.map((h) => h.turnId)).toEqual([b]);
    expect((await api.search({ q: '_' })).hits).toEqual([]);
    expect((await api.search({ q: 'lyon nothing-like-this' })).hits).toEqual([]);
    await expect(api.search({ q: '   ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('pages search results', async () => {
    const w = await world(1);
    const s = await makeSession(t.handle, w.customerId, w.ceo.id);
    for (let i = 0; i < ARCHIVE_PAGE_SIZE + 1; i++) {
      await makeTurn(t.handle, w.customerId, s, { query: `Budget question ${i}`, at: new Date(Date.now() - (100 - i) * 1000) });
    }
    const api = callerAs(services, w.ceo).archive;
    const p0 = await api.search({ q: 'budget' });
    expect(p0.hits).toHaveLength(ARCHIVE_PAGE_SIZE);
    expect(p0.hasMore).toBe(true);
    expect(p0.hits[0]!.query).toBe(`Budget question ${ARCHIVE_PAGE_SIZE}`);
    const p1 = await api.search({ q: 'budget', page: 1 });
    expect(p1.hits.map((h) => h.query)).toEqual(['Budget question 0']);
    expect(p1.hasMore).toBe(false);
  });

  it('opens a session with each turn and the retrieved records it cites; a withdrawn source shows as removed, never its content', async () => {
    const w = await world(3);
    const [r0, r1, r2] = w.records;
    const notRetrieved = randomUUID();
    const s = await makeSession(t.handle, w.customerId, w.ceo.id, { title: 'Supplier delay' });
    const turnId = await makeTurn(t.handle, w.customerId, s, {
      query: 'What is the supplier delay doing to renewals?',
      response: `Two renewals are at risk [#${r1!.id}]. Finance noticed too [#${r0!.id}, #${r1!.id}]. And [#${notRetrieved}].`,
      retrieved: [r0!.id, r1!.id, r2!.id],
    });
    const api = callerAs(services, w.ceo).archive;
    const before = await api.session({ sessionId: s });
    expect(before.turns).toHaveLength(1);
    expect(before.turns[0]!.retrievedCount).toBe(3);
    expect(before.turns[0]!.sources.map((x) => (x.removed ? `removed:${x.id}` : x.record.id))).toEqual([r1!.id, r0!.id]);
    const first = before.turns[0]!.sources[0]!;
    expect(first.removed).toBe(false);
    if (!first.removed) {
      expect(first.record.body).toBe(r1!.body);
      expect(first.record.author.department).toBe('Engineering');
      expect(first.record.channel).toBe('email');
    }

    // The author of r1 withdraws email consent through the real path: the record is purged.
    const who = w.employees.findIndex((e) => e.id === r1!.employee_id);
    await callerFor(t.handle).consent.update({ manageToken: w.manageTokens[who]!, action: 'withdraw', idempotencyKey: randomUUID(), channels: ['email'] });
    const after = await api.session({ sessionId: s });
    expect(after.turns[0]!.sources).toEqual([{ removed: true, id: r1!.id }, expect.objectContaining({ removed: false })]);
    expect(JSON.stringify(after)).not.toContain(r1!.body);
    const retrieved = await api.retrieved({ turnId });
    expect(retrieved.sources.map((x) => x.removed)).toEqual([false, true, false]);
    expect(JSON.stringify(retrieved)).not.toContain(r1!.body);

    const file = await api.export({ sessionId: s, language: 'en', timeZone: 'Europe/Paris' });
    expect(file.markdown).toContain("Removed at the employee's request");
    expect(file.markdown).not.toContain(r1!.body.split('\n')[0]!);
  });

  it('exports a session as markdown in the requested language, with statuses, times and sources', async () => {
    const w = await world(2);
    const [r0] = w.records;
    const s = await makeSession(t.handle, w.customerId, w.ceo.id, { title: 'Revue du pipeline' });
    await makeTurn(t.handle, w.customerId, s, {
      query: 'Où en est le pipeline ? *urgent*',
      response: `## Synthèse\n\nLe pipeline est sain [#${r0!.id}].`,
      retrieved: [r0!.id],
      at: new Date('2026-11-02T09:30:00Z'),
    });
    await makeTurn(t.handle, w.customerId, s, { query: 'Et les recrutements ?', response: 'Le recrutement', status: 'incomplete', at: new Date('2026-11-02T09:35:00Z') });
    await makeTurn(t.handle, w.customerId, s, { query: 'Et la Chine ?', status: 'failed', at: new Date('2026-11-02T09:40:00Z') });

    const api = callerAs(services, w.ceo).archive;
    const { filename, markdown } = await api.export({ sessionId: s, language: 'fr', timeZone: 'Europe/Paris' });
    expect(filename).toMatch(/^panops-signal-\d{4}-\d{2}-\d{2}-revue-du-pipeline\.md$/);
    expect(markdown.startsWith('# Revue du pipeline\n')).toBe(true);
    expect(markdown).toContain('Questions : 3');
    expect(markdown).toContain('## Question 1 · 2 nov. 2026, 10:30 (Europe/Paris)');
    // The question is plain text: its asterisks do not become emphasis.
    expect(markdown).toContain('> Où en est le pipeline ? \\*urgent\\*');
    // Citations become the numbers of the source list.
    expect(markdown).toContain('Le pipeline est sain [1].');
    expect(markdown).toContain('**Réponse** — Complète');
    expect(markdown).toContain('**Réponse** — Incomplète');
    expect(markdown).toContain('**Réponse** — Échec');
    expect(markdown).toContain("_Aucune réponse n'a été enregistrée._");
    expect(markdown).toContain(`1. E-mail · gmail · `);
    expect(markdown).toContain(`(\`${r0!.id}\`)`);
    expect(markdown).toContain(`   > ${r0!.body.split('\n')[0]}`);
    expect(markdown).toContain(`   > ${r0!.body.split('\n')[1]}`);

    // Default language: the customer's output language when the user has none (here English); bad time zone → UTC.
    const en = await api.export({ sessionId: s, timeZone: 'Not/AZone' });
    expect(en.markdown).toContain('## Question 1 · Nov 2, 2026, 9:30 AM (UTC)');
    expect(en.markdown).toContain('**Answer** — Incomplete');

    // The export is audited.
    const audit = await withTenant(t.handle, w.customerId, (tx) =>
      tx.select().from(auditLog).where(and(eq(auditLog.customerId, w.customerId), eq(auditLog.action, 'archive.export'))).orderBy(auditLog.occurredAt),
    );
    expect(audit.map((a) => [a.target, a.actorUserId, a.details])).toEqual([
      [s, w.ceo.id, { language: 'fr' }],
      [s, w.ceo.id, { language: 'en' }],
    ]);
  });

  it("keeps customers apart: B's CEO never reaches A's sessions, and A's turn never shows B's records", async () => {
    const a = await world(1);
    const b = await world(1);
    const bRecord = b.records[0]!;
    const s = await makeSession(t.handle, a.customerId, a.ceo.id, { title: 'Tenant A' });
    const turnId = await makeTurn(t.handle, a.customerId, s, {
      query: 'Tenant A question',
      response: `Mentions [#${bRecord.id}] and [#${a.records[0]!.id}]`,
      retrieved: [bRecord.id, a.records[0]!.id],
    });
    const apiB = callerAs(services, b.ceo).archive;
    await expect(apiB.session({ sessionId: s })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(apiB.retrieved({ turnId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(apiB.export({ sessionId: s })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await apiB.sessions({})).sessions).toEqual([]);
    expect((await apiB.search({ q: 'tenant' })).hits).toEqual([]);

    const view = await callerAs(services, a.ceo).archive.session({ sessionId: s });
    expect(view.turns[0]!.sources[0]).toEqual({ removed: true, id: bRecord.id });
    expect(JSON.stringify(view)).not.toContain(bRecord.body);
  });
});
