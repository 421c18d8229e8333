/**
 * Control characters in inputs (the issue "a NUL byte in any string answers 503"): PostgreSQL text cannot hold
 * U+0000, so validation must refuse it before any statement does. Each example of the issue is a 400
 * INVALID_INPUT with nothing written; an ingest batch lists the record with a NUL among the rejected ones and
 * stores the rest; a roster file with a NUL cell reports it as a row error; and PostgreSQL's copy of the character
 * rule (roster validation) agrees with zod's character by character.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import type { SessionUser } from '../../server/auth/auth.ts';
import { rowsOf } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { appCodeOf } from '../../server/errors.ts';
import { readCsv } from '../../server/roster/csv.ts';
import { storeUpload } from '../../server/services/roster.ts';
import { V } from '../../shared/errors.ts';
import { MAX_UPLOAD_BYTES } from '../../shared/roster.ts';
import { hasOnlyAllowedCharacters, refusedCharacterClass, type TextKind } from '../../shared/schemas/common.ts';
import { INGEST_PATH, type TIngestResponse } from '../../shared/schemas/ingest.ts';
import type { TUploadLine } from '../../shared/schemas/roster.ts';
import { callerFor, enroll } from '../helpers/caller.ts';
import { commRecord, toWire } from '../helpers/communications.ts';
import { openTestDb, testDbKind, type TestDb } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, startTestServer, TEST_PASSWORD, type RunningServer } from '../helpers/services.ts';

let t: TestDb;
let server: RunningServer;
beforeAll(async () => {
  t = await openTestDb();
  server = await startTestServer(t.handle);
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

/** A validation refusal for the character rule: BAD_REQUEST, whose appCode (server/errors.ts) is INVALID_INPUT. */
async function expectRefused(call: Promise<unknown>, path?: string[]) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe('BAD_REQUEST');
  expect(appCodeOf(error as TRPCError)).toBe('INVALID_INPUT');
  const cause = (error as TRPCError).cause;
  expect(cause).toBeInstanceOf(ZodError);
  const issues = (cause as ZodError).issues.map((i) => ({ path: i.path.map(String), message: i.message }));
  expect(issues).toContainEqual(path ? { path, message: V.characters } : expect.objectContaining({ message: V.characters }));
}
const tenantRows = <T>(customerId: string, query: ReturnType<typeof sql>) =>
  withTenant(t.handle, customerId, async (tx) => rowsOf<T>(await tx.execute(query)));
const auditCount = async (customerId: string) =>
  Number((await tenantRows<{ n: number | string }>(customerId, sql`select count(*) as n from audit_log`))[0]!.n);

async function adminOf(count = 0) {
  const customer = await makeCustomer(t.handle, { count });
  const admin = await makeUser(server.services, 'admin', customer.customerId);
  return { ...customer, admin, api: callerAs(server.services, admin) };
}

async function cookieOf(user: SessionUser) {
  const res = await fetch(`${server.origin}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: server.origin },
    body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

describe(`the issue's examples answer 400 INVALID_INPUT and write nothing (${testDbKind})`, () => {
  it('enrollment.get with the token "en\\u0000"; other malformed tokens still get LINK_INVALID', async () => {
    const { customerId, employees } = await makeCustomer(t.handle, { count: 1 });
    const api = callerFor(t.handle);
    await expectRefused(api.enrollment.get({ token: 'en\u0000', language: 'en' }), ['token']);
    await expectRefused(api.enrollment.get({ token: `${employees[0]!.token}\u0000`, language: 'en' }), ['token']);
    await expectRefused(api.consent.manage({ manageToken: 'm\u0000', language: 'en' }), ['manageToken']);
    // Over HTTP, as the issue saw it: 400 with appCode INVALID_INPUT (it was a 503).
    const input = encodeURIComponent(JSON.stringify({ token: 'en\u0000', language: 'en' }));
    const res = await fetch(`${server.origin}/trpc/enrollment.get?input=${input}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { data: { appCode: string } } }).error.data.appCode).toBe('INVALID_INPUT');
    // Malformed and unknown tokens keep getting the same answer.
    for (const token of ['en', 'x'.repeat(200), randomUUID()]) {
      await expect(api.enrollment.get({ token, language: 'en' })).rejects.toMatchObject({ code: 'NOT_FOUND', appCode: 'LINK_INVALID' });
    }
    // The link was not opened by any of it.
    const [link] = await tenantRows<{ opened_at: unknown }>(customerId, sql`select opened_at from enrollment_links`);
    expect(link!.opened_at).toBeNull();
  });

  it('apiKeys.create with the label "a\\u0000"', async () => {
    const { customerId, api } = await adminOf();
    const before = await auditCount(customerId);
    await expectRefused(api.apiKeys.create({ label: 'a\u0000' }), ['label']);
    await expectRefused(api.apiKeys.create({ label: 'line\nbreak' }), ['label']);
    expect(await api.apiKeys.list()).toEqual([]);
    expect(await auditCount(customerId)).toBe(before);
  });

  it('admin.people with the search "a\\u0000"', async () => {
    const { api } = await adminOf(2);
    await expectRefused(api.admin.people({ search: 'a\u0000' }), ['search']);
    await expectRefused(api.links.list({ search: '\u0000' }), ['search']);
    expect((await api.admin.people({ search: 'Person' })).rows).toHaveLength(2);
  });

  it('POST /api/roster/upload?fileName=%00', async () => {
    const { admin, api } = await adminOf();
    const res = await fetch(`${server.origin}/api/roster/upload?fileName=%00`, {
      method: 'POST',
      headers: { cookie: await cookieOf(admin), 'Content-Type': 'text/csv', Origin: server.origin },
      body: 'Name,Email\nAnn,ann@example.com\n',
    });
    expect(res.status).toBe(400);
    expect(JSON.parse((await res.text()).trim())).toMatchObject({ type: 'error', code: 'INVALID_INPUT' });
    expect(await api.roster.list()).toEqual([]);
  });

  it('POST /api/signal/query with a NUL in the question or the scope', async () => {
    const { customerId } = await makeCustomer(t.handle, { count: 0 });
    const ceo = await makeUser(server.services, 'ceo', customerId);
    const cookie = await cookieOf(ceo);
    const ask = (body: unknown) =>
      fetch(`${server.origin}/api/signal/query`, {
        method: 'POST',
        headers: { cookie, 'Content-Type': 'application/json', Origin: server.origin },
        body: JSON.stringify(body),
      });
    for (const body of [{ query: 'a\u0000' }, { query: 'pipeline', scope: { departments: ['Sales\u0000'] } }]) {
      const res = await ask(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'INVALID_INPUT', issues: [expect.objectContaining({ message: V.characters })] });
    }
    expect(await tenantRows(customerId, sql`select 1 from signal_sessions`)).toEqual([]);
  });

  it('more of the same: a customer name, an identity, a check-in note', async () => {
    const operator = await makeUser(server.services, 'operator', null);
    const api = callerAs(server.services, operator);
    const before = await api.customers.list();
    await expectRefused(
      api.customers.create({ name: 'Acme\u0000', ceoName: 'Casey', outputLanguage: 'en', requestId: randomUUID() }),
      ['name'],
    );
    expect(await api.customers.list()).toEqual(before);

    const { customerId, employees } = await makeCustomer(t.handle, { count: 1 });
    const employee = callerFor(t.handle);
    const view = await employee.enrollment.get({ token: employees[0]!.token, language: 'en' });
    await expectRefused(
      employee.enrollment.submit({
        token: employees[0]!.token,
        idempotencyKey: randomUUID(),
        noticeVersionId: view.notice.versionId,
        language: 'en',
        identity: { ...view.identity, displayName: 'Ann\u0000' },
        choices: view.channels.map((channel) => ({ channel, decision: 'deny' as const })),
        acknowledged: true,
      }),
      ['identity', 'displayName'],
    );
    expect(await tenantRows(customerId, sql`select 1 from consent_events`)).toEqual([]);

    const admin = await makeUser(server.services, 'admin', customerId);
    await expectRefused(callerAs(server.services, admin).checks.recordCheckIn({ outcome: 'ok', note: 'fine\u0000' }), ['note']);
  });
});

describe(`POST ${INGEST_PATH} with a NUL in one record (${testDbKind})`, () => {
  it('lists the record as rejected with its index, code and path, and stores the rest (tabs and line breaks in bodies are fine)', async () => {
    const { customerId, employees } = await makeCustomer(t.handle, { count: 1, channels: ['email'] });
    await enroll(t.handle, employees[0]!.token, { email: 'grant' }, { now: new Date(Date.now() - 10 * 86_400_000) });
    const admin = await makeUser(server.services, 'admin', customerId);
    const { secret } = await callerAs(server.services, admin).apiKeys.create({ label: 'Mail connector' });
    const email = employees[0]!.email;
    const good = () => toWire(commRecord(email, 'email', { occurredAt: new Date(Date.now() - 86_400_000) }));
    const records = [
      good(),
      { ...good(), body: 'Hello\u0000world' },
      { ...good(), body: 'Dear team,\r\n\tthe numbers:\r\n\t- up\n\nThanks' },
      { ...good(), subject: 'Re:\u0000' },
      { ...good(), author: { email, name: 'Ann\u0000' } },
      { ...good(), participants: [{ email, name: 'Ann\u0000', role: 'from' }] },
      { ...good(), thread_id: 't\u0000' },
      { ...good(), external_id: '\u0000' },
      { ...good(), body: 'lone \ud800 surrogate' },
    ];
    const res = await fetch(`${server.origin}${INGEST_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ records }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TIngestResponse;
    expect(body).toMatchObject({ received: records.length, accepted: 2 });
    expect(body.rejected).toEqual([
      { index: 1, code: 'invalid_format', path: ['body'] },
      { index: 3, code: 'invalid_format', path: ['subject'] },
      { index: 4, code: 'invalid_format', path: ['author', 'name'] },
      { index: 5, code: 'invalid_format', path: ['participants', 0, 'name'] },
      { index: 6, code: 'invalid_format', path: ['thread_id'] },
      { index: 7, code: 'invalid_format', path: ['external_id'] },
      { index: 8, code: 'invalid_format', path: ['body'] },
    ]);
    const stored = await tenantRows<{ external_id: string; body: string }>(customerId, sql`select external_id, body from communications`);
    expect(stored.map((r) => r.external_id).sort()).toEqual([records[0]!.external_id, records[2]!.external_id].sort());
    expect(stored.find((r) => r.external_id === records[2]!.external_id)!.body).toBe(records[2]!.body);
  });
});

describe(`a roster file with control characters (${testDbKind})`, () => {
  const fixture = readFileSync(new URL('../fixtures/roster/control-characters.csv', import.meta.url));
  const upload = async (user: SessionUser, customerId: string, content: Buffer | string) =>
    storeUpload(
      t.handle,
      customerId,
      { user, meta: { ipAddress: null, userAgent: null } },
      'control.csv',
      await readCsv((async function* () { yield Buffer.from(content); })(), MAX_UPLOAD_BYTES),
    );

  it('stores the file; a NUL or control character in a mapped cell, or a line break in a name, is a row error', async () => {
    expect(fixture.includes(0)).toBe(true);
    const { customerId, admin, api } = await adminOf();
    const { importId, rowCount } = await upload(admin, customerId, fixture);
    expect(rowCount).toBe(5);
    await api.roster.saveMapping({ importId, mapping: { Name: 'name', Email: 'email', Department: 'department', Notes: null } });
    const v = await api.roster.validation({ importId });
    expect(v).toMatchObject({ errorCount: 3, rowsWithErrors: 3, ready: false });
    expect(v.errors).toEqual([
      { row: 3, field: 'name', code: 'characters', value: 'Ben\u241ANull', firstRow: null },
      { row: 4, field: 'department', code: 'characters', value: 'Sup\u2401port', firstRow: null },
      { row: 5, field: 'name', code: 'characters', value: 'Dee\u240ABreak', firstRow: null },
    ]);
    const { csv } = await api.roster.errorsCsv({ importId, language: 'en' });
    expect(csv).toContain("3,Name,Contains characters that aren't allowed,Ben\u241ANull,");
    await expect(api.roster.commit({ importId })).rejects.toMatchObject({ appCode: 'IMPORT_NOT_READY' });
    expect(await tenantRows(customerId, sql`select 1 from employees`)).toEqual([]);

    // The NUL in the unmapped column was staged as a refused character too: mapped, it is reported.
    await api.roster.saveMapping({ importId, mapping: { Name: null, Email: 'email', Department: null, Notes: 'role' } });
    expect((await api.roster.validation({ importId })).errors).toEqual([
      { row: 6, field: 'role', code: 'characters', value: 'a NUL \u241A in a column nobody maps', firstRow: null },
    ]);
  });

  it('applies once the cells are fixed (a line break inside a department is allowed, as before)', async () => {
    const { customerId, admin, api } = await adminOf();
    const fixed = fixture
      .toString('utf8')
      .replace('Ben\u0000Null', 'Ben Null')
      .replace('Sup\u0001port', 'Support')
      .replace('Dee\nBreak', 'Dee Break');
    const { importId } = await upload(admin, customerId, fixed);
    await api.roster.saveMapping({ importId, mapping: { Name: 'name', Email: 'email', Department: 'department', Notes: null } });
    expect((await api.roster.validation({ importId })).ready).toBe(true);
    expect(await api.roster.commit({ importId })).toMatchObject({ joiners: 5 });
    const departments = await tenantRows<{ department: string }>(customerId, sql`select department from employees order by email`);
    expect(departments.map((d) => d.department)).toContain('Research\nand Development');
  });

  it('refuses a header with a control character as a file problem, over HTTP too', async () => {
    const { customerId, admin, api } = await adminOf();
    await expect(upload(admin, customerId, 'Name,E\u0000mail\nAnn,ann@example.com\n')).rejects.toMatchObject({ problem: 'characters', line: 1, row: 1 });
    const res = await fetch(`${server.origin}/api/roster/upload?fileName=people.csv`, {
      method: 'POST',
      headers: { cookie: await cookieOf(admin), 'Content-Type': 'text/csv', Origin: server.origin },
      body: 'Name,E\u0000mail\nAnn,ann@example.com\n',
    });
    expect(res.status).toBe(400);
    expect(JSON.parse((await res.text()).trim()) as TUploadLine).toMatchObject({ type: 'error', code: 'IMPORT_INVALID', problem: 'characters', line: 1, row: 1 });
    expect(await api.roster.list()).toEqual([]);
  });
});

describe(`PostgreSQL applies the character rule as zod does (${testDbKind})`, () => {
  it('agrees on every ASCII character and a few others, for one line and for text', async () => {
    const samples = [
      ...Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1)),
      '\u0085', '\u00A0', '\u200B', '\u202E', '\u2028', '\uFEFF', '\uFFFD', 'é', '東', '😀',
    ];
    for (const kind of ['line', 'text'] as TextKind[]) {
      const values = samples.map((c) => `a${c}b`);
      const refused = await t.owner(
        'select v ~ $2::text as refused from unnest($1::text[]) with ordinality as u(v, i) order by i',
        [values, refusedCharacterClass(kind)],
      );
      const expected = values.map((v) => !hasOnlyAllowedCharacters(v, kind));
      expect(refused.map((r) => r.refused), kind).toEqual(expected);
      // C0 but U+0000 (which PostgreSQL cannot hold) and DEL; one line also refuses tab, LF and CR.
      expect(expected.filter(Boolean).length, kind).toBe(kind === 'line' ? 32 : 29);
    }
  });
});
