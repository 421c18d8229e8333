/**
 * POST /api/roster/upload over real HTTP (in-process server, PGlite or PostgreSQL): session cookie and roles, BOM,
 * `;` and tab delimiters, quoted commas and newlines, non-Latin names, progress lines, the same file twice,
 * malformed files reported (never a 500), and bodies over 50 MB refused with 413 without being read.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../server/context.ts';
import { MAX_UPLOAD_BYTES } from '../../shared/roster.ts';
import type { TUploadLine } from '../../shared/schemas/roster.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, startTestServer, TEST_PASSWORD, type RunningServer } from '../helpers/services.ts';

let t: TestDb;
let services: AppServices;
let running: RunningServer;
let base: string;

beforeAll(async () => {
  t = await openTestDb();
  running = await startTestServer(t.handle);
  ({ services, origin: base } = running);
});
afterAll(async () => {
  await running?.close();
  await t?.close();
});

const fixture = (name: string) => readFileSync(new URL(`../fixtures/roster/${name}`, import.meta.url));

async function signedIn(role: 'admin' | 'ceo' | 'operator', customerId: string | null) {
  const user = await makeUser(services, role, customerId);
  const res = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { user, cookie };
}

async function admin() {
  const { customerId } = await makeCustomer(t.handle, { count: 0 });
  return { customerId, ...(await signedIn('admin', customerId)) };
}

async function post(cookie: string, body: Buffer | string, fileName = 'roster.csv') {
  const res = await fetch(`${base}/api/roster/upload?fileName=${encodeURIComponent(fileName)}`, {
    method: 'POST',
    headers: { cookie, 'Content-Type': 'text/csv', Origin: base },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const lines = (await res.text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TUploadLine);
  return { status: res.status, type: res.headers.get('content-type'), lines, last: lines.at(-1)! };
}

const healthy = async () => (await fetch(`${base}/healthz`)).status;

describe(`roster upload route (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('stores a messy file: BOM, semicolons, a quoted newline and comma, Cyrillic, CJK and Arabic names', async () => {
    const { cookie, user } = await admin();
    const res = await post(cookie, fixture('messy.csv'), 'messy.csv');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/x-ndjson/);
    expect(res.last).toMatchObject({ type: 'done', rowCount: 7, duplicate: false });
    const importId = (res.last as { importId: string }).importId;
    const imp = await callerAs(services, user).roster.get({ importId });
    expect(imp).toMatchObject({ fileName: 'messy.csv', delimiter: ';', rowCount: 7 });
    expect(imp.headers[0]).toBe('Full Name'); // no BOM left on the first header
    expect(imp.preview.map((r) => r.values[0])).toEqual(['Анна Иванова', 'Li, Wei', 'فاطمة الزهراء', 'José Müller', 'Bob Broken', '', 'Chloé Dubois']);
    expect(imp.preview[1]).toEqual({ row: 3, values: ['Li, Wei', 'li.wei@example.com', 'Research\r\nand Development', '東京', 'Scientist', '@liwei', '+81 3 1234 5678'] });
  });

  it('reads tab-separated and comma-separated files with quoted commas, newlines and quotes', async () => {
    const { cookie, user } = await admin();
    const tab = await post(cookie, fixture('tab.tsv'), 'people.tsv');
    expect(tab.last).toMatchObject({ type: 'done', rowCount: 2 });
    const tabImport = await callerAs(services, user).roster.get({ importId: (tab.last as { importId: string }).importId });
    expect(tabImport.delimiter).toBe('\t');
    expect(tabImport.preview.map((r) => r.values[0])).toEqual(['Αλέξανδρος Παπαδόπουλος', '김민준']);
    expect(tabImport.mapping).toMatchObject({ Name: 'name', 'Work Email': 'email', Title: 'role', Slack: 'slack' });

    const quoted = await post(cookie, fixture('quoted.csv'));
    const q = await callerAs(services, user).roster.get({ importId: (quoted.last as { importId: string }).importId });
    expect(q.delimiter).toBe(',');
    expect(q.preview.map((r) => r.values)).toEqual([
      ['Doe, Jane', 'jane.doe@example.com', 'Sales, EMEA', 'London,\nUK', 'Account Executive', '+44 20 7946 0001'],
      ['王芳', 'wang.fang@example.com', 'Research', '北京', 'Scientist', '+86 10 1234 5678'],
      ['محمد علي', 'mohammed.ali@example.com', 'Finance', 'الرياض', 'Controller', '+966 11 123 4567'],
      ['Quote "The Boss" Smith', 'boss@example.com', 'Board', 'NYC', 'CEO', ''],
    ]);
  });

  it('streams progress while storing, and returns the pending import when the same file comes again', async () => {
    const { cookie } = await admin();
    const rows = Array.from({ length: 12_000 }, (_, i) => `Person ${i},person.${i}@example.com`).join('\n');
    const file = `Name,Email\n${rows}\n`;
    const first = await post(cookie, file);
    expect(first.status).toBe(200);
    const progress = first.lines.filter((l) => l.type === 'progress');
    expect(progress.map((p) => (p as { rows: number }).rows)).toEqual([5000, 10000, 12000]);
    expect(first.last).toMatchObject({ type: 'done', rowCount: 12_000, duplicate: false });

    const again = await post(cookie, file, 'copy.csv');
    expect(again.last).toEqual({ ...first.last, duplicate: true });
  });

  it('reports a malformed file with its line, and answers 400, not 500', async () => {
    const { cookie, user } = await admin();
    const unclosed = await post(cookie, fixture('malformed.csv'));
    expect(unclosed.status).toBe(400);
    expect(unclosed.last).toEqual({ type: 'error', code: 'IMPORT_INVALID', message: expect.any(String), problem: 'quote_not_closed', line: 3, row: 2 });

    const count = await post(cookie, fixture('field-count.csv'));
    expect(count.status).toBe(400);
    expect(count.last).toMatchObject({ type: 'error', code: 'IMPORT_INVALID', problem: 'field_count', line: 3, row: 3, detail: '4' });

    const latin1 = await post(cookie, fixture('latin1.csv'));
    expect(latin1.last).toMatchObject({ code: 'IMPORT_INVALID', problem: 'encoding', row: 2 });

    expect((await post(cookie, '')).last).toMatchObject({ code: 'IMPORT_INVALID', problem: 'no_header' });
    expect((await post(cookie, 'Name,Email\n')).last).toMatchObject({ code: 'IMPORT_INVALID', problem: 'no_rows' });
    // Nothing half-written.
    expect(await callerAs(services, user).roster.list()).toEqual([]);
  });

  it('refuses a body declared over 50 MB with 413 before reading it', async () => {
    const { cookie } = await admin();
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}/api/roster/upload`, {
        method: 'POST',
        headers: { cookie, origin: base, 'content-length': String(MAX_UPLOAD_BYTES + 1) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        res.on('error', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.write('Name,Email\n');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ type: 'error', code: 'IMPORT_TOO_LARGE', message: expect.any(String) });
    expect(await healthy()).toBe(200);
  });

  it('stops reading a streamed body of unknown length once it passes 50 MB', async () => {
    const { cookie, user } = await admin();
    // 1 MiB of long rows, so the few rows stored before the limit do not make this a database test.
    const chunk = Buffer.from(`${'x'.repeat(65_535)}\n`.repeat(16));
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/api/roster/upload`, { method: 'POST', headers: { cookie, origin: base, 'transfer-encoding': 'chunked' } });
      let done = false;
      req.on('response', (res) => {
        done = true;
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', (error) => (done ? undefined : reject(error)));
      req.write('Name\n');
      const pump = () => {
        while (!done && sent < 80 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!done) req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(sent).toBeLessThan(80 * 1024 * 1024);
    expect(await healthy()).toBe(200);
    expect(await callerAs(services, user).roster.list()).toEqual([]);
  });

  it('needs a session with the operator or admin role, and a customer', async () => {
    const { customerId } = await makeCustomer(t.handle, { count: 0 });
    expect((await post('', fixture('tab.tsv'))).status).toBe(401);
    const ceo = await signedIn('ceo', customerId);
    const refused = await post(ceo.cookie, fixture('tab.tsv'));
    expect(refused.status).toBe(403);
    expect(refused.last).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    const operator = await signedIn('operator', null);
    const noCustomer = await post(operator.cookie, fixture('tab.tsv'));
    expect(noCustomer.status).toBe(412);
    expect(noCustomer.last).toMatchObject({ type: 'error', code: 'NO_CUSTOMER_SELECTED' });
    // An operator works on the customer chosen in their session.
    const select = await fetch(`${base}/trpc/session.selectCustomer`, {
      method: 'POST',
      headers: { cookie: operator.cookie, 'Content-Type': 'application/json', Origin: base },
      body: JSON.stringify({ customerId }),
    });
    expect(select.status).toBe(200);
    const ok = await post(operator.cookie, fixture('tab.tsv'));
    expect(ok.last).toMatchObject({ type: 'done', rowCount: 2 });
    const imports = await callerAs(services, { ...operator.user, activeCustomerId: customerId }).roster.list();
    expect(imports.map((i) => i.id)).toEqual([(ok.last as { importId: string }).importId]);
  });

  it('answers other methods with 405', async () => {
    const res = await fetch(`${base}/api/roster/upload`);
    expect(res.status).toBe(405);
  });
});
