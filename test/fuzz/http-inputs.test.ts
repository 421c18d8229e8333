/**
 * Property-based fuzzing (fast-check) of every tRPC procedure and every plain route over real HTTP: inputs shaped by
 * each procedure's own zod schema but with hostile leaves (NUL and other control characters, bidi overrides, lone
 * surrogates, 100,000-character strings, huge and negative numbers, wrong types, 2,000-level nesting, `__proto__`
 * keys), fully random values, wrong content types and oversized bodies — each sent as a caller who may use the
 * route, so validation is reached rather than the sign-in check. At least 2,000 requests per run.
 *
 * The property: no answer is a 5xx, and the server still answers afterwards. A failure prints its seed and path;
 * keep it in REGRESSIONS below, so it is replayed first on every run from then on.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { allows } from '../../shared/access.ts';
import { INGEST_PATH, ZIngestRecord } from '../../shared/schemas/ingest.ts';
import { ZRosterUploadQuery } from '../../shared/schemas/roster.ts';
import { SIGNAL_QUERY_PATH, ZSignalQueryInput } from '../../shared/schemas/signal.ts';
import type { ProcedureMeta } from '../../server/trpc.ts';
import { appRouter } from '../../server/routers/_app.ts';
import { testDbKind } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, startTestServer, TEST_PASSWORD, useTestServices, type RunningServer } from '../helpers/services.ts';
import { garbage, hostileInputFor } from '../helpers/zod-arbitrary.ts';
import { procedureInputs } from '../helpers/zod-schema.ts';

/** Failures found so far, replayed before the random runs: [property, seed, path of the shrunk counterexample]. */
const REGRESSIONS: [string, number, string][] = [];

const RUNS_PER_PROCEDURE = Number(process.env.FUZZ_RUNS ?? 30);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_ROUTE_RUNS ?? 80);

const env = useTestServices();
let server: RunningServer;
let base: string;
const cookies: Record<'operator' | 'admin' | 'ceo', string> = { operator: '', admin: '', ceo: '' };
let apiKey = '';
let sent = 0;
const failures: string[] = [];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/csv',
  '',
  'application/json; charset=latin1',
  '*/*',
];

async function signIn(email: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

beforeAll(async () => {
  server = await startTestServer(env.t.handle, { signInPerMinute: 100_000 });
  base = server.origin;
  const { customerId } = await makeCustomer(env.t.handle, { count: 3 });
  const admin = await makeUser(server.services, 'admin', customerId);
  const ceo = await makeUser(server.services, 'ceo', customerId);
  const operator = await makeUser(server.services, 'operator', null);
  cookies.admin = await signIn(admin.email);
  cookies.ceo = await signIn(ceo.email);
  cookies.operator = await signIn(operator.email);
  const selected = await fetch(`${base}/trpc/session.selectCustomer`, {
    method: 'POST',
    headers: { cookie: cookies.operator, 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({ customerId }),
  });
  expect(selected.status).toBe(200);
  apiKey = (await callerAs(server.services, admin).apiKeys.create({ label: 'fuzz' })).secret;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

type Sent = { status: number; body: string };

/** Sends one request; records a 5xx (or a dropped connection) as a failure and returns false for fast-check. */
async function send(label: string, path: string, init: RequestInit): Promise<boolean> {
  sent++;
  let result: Sent;
  try {
    const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
    result = { status: res.status, body: (await res.text()).slice(0, 300) };
  } catch (error) {
    result = { status: 599, body: `request failed: ${(error as Error).message}` };
  }
  if (result.status >= 500) {
    failures.push(`${label} → ${result.status} ${result.body}`);
    return false;
  }
  return true;
}

/** Every UTF-8 byte percent-encoded (encodeURIComponent throws on a lone surrogate; a browser sends U+FFFD). */
const percentEncoded = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** JSON text of a value, or the raw text when the arbitrary produced one. */
const bodyOf = (value: unknown) => (typeof value === 'string' && value.startsWith('RAW:') ? value.slice(4) : JSON.stringify(value));

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>;

/** Who may call a procedure: the public ones without a cookie, the others as a role its capability allows. */
function cookieFor(path: string): string {
  const capability = procedures[path]!._def.meta?.capability;
  if (!capability) return '';
  const role = (['admin', 'operator', 'ceo'] as const).find((r) => allows(capability, r))!;
  return cookies[role];
}

function runProperty(name: string, property: fc.IAsyncProperty<[unknown, ...unknown[]]> | fc.IAsyncPropertyWithHooks<[unknown, ...unknown[]]>, numRuns: number) {
  for (const [regression, seed, path] of REGRESSIONS) {
    if (regression === name) fc.assert(property as fc.IAsyncProperty<[unknown]>, { seed, path, endOnFailure: true });
  }
  return fc.assert(property as fc.IAsyncProperty<[unknown]>, { numRuns, endOnFailure: true });
}

describe(`fuzzing every route with malformed input (${testDbKind})`, () => {
  it('tRPC: every procedure, hostile inputs shaped by its schema or random, as a caller who may use it', async () => {
    const all = procedureInputs();
    expect(all.length).toBeGreaterThan(50);
    for (const procedure of all) {
      const cookie = cookieFor(procedure.path);
      const input = fc.oneof(
        { weight: 4, arbitrary: hostileInputFor(procedure.schema as z.ZodType) },
        { weight: 1, arbitrary: garbage() },
      );
      const property = fc.asyncProperty(input, fc.constantFrom(...CONTENT_TYPES.slice(0, 3)), fc.boolean(), async (value, contentType, asGet) => {
        const headers: Record<string, string> = { Origin: base, ...(cookie ? { cookie } : {}) };
        if (asGet && procedure.type === 'query') {
          const query = value === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(value))}`;
          return send(`GET ${procedure.path}`, `/trpc/${procedure.path}${query}`, { headers });
        }
        return send(`POST ${procedure.path}`, `/trpc/${procedure.path}`, {
          method: 'POST',
          headers: { ...headers, ...(contentType ? { 'Content-Type': contentType } : {}) },
          body: value === undefined ? undefined : bodyOf(value),
        });
      });
      await runProperty(`trpc ${procedure.path}`, property, RUNS_PER_PROCEDURE);
    }
  }, 600_000);

  it('plain routes: ingest records, Signal questions, roster uploads, and sign-in bodies', async () => {
    const routes: { name: string; arbitrary: fc.Arbitrary<unknown>; request: (value: unknown, contentType: string) => [string, RequestInit] }[] = [
      {
        name: INGEST_PATH,
        arbitrary: fc.oneof(
          fc.array(hostileInputFor(ZIngestRecord), { maxLength: 3 }).map((records) => ({ records })),
          garbage(),
        ),
        request: (value, contentType) => [
          INGEST_PATH,
          { method: 'POST', headers: { Authorization: `Bearer ${apiKey}`, ...(contentType ? { 'Content-Type': contentType } : {}) }, body: bodyOf(value) },
        ],
      },
      {
        name: SIGNAL_QUERY_PATH,
        arbitrary: fc.oneof(hostileInputFor(ZSignalQueryInput), garbage()),
        request: (value, contentType) => [
          SIGNAL_QUERY_PATH,
          { method: 'POST', headers: { cookie: cookies.ceo, Origin: base, ...(contentType ? { 'Content-Type': contentType } : {}) }, body: bodyOf(value) },
        ],
      },
      {
        name: '/api/roster/upload',
        arbitrary: fc.tuple(hostileInputFor(ZRosterUploadQuery), fc.oneof(fc.string({ maxLength: 2000 }), garbage().map((g) => JSON.stringify(g)))),
        request: (value, contentType) => {
          const [query, body] = value as [{ fileName?: unknown }, string];
          const fileName = typeof query?.fileName === 'string' ? `?fileName=${percentEncoded(query.fileName)}` : '';
          return [
            `/api/roster/upload${fileName}`,
            { method: 'POST', headers: { cookie: cookies.admin, Origin: base, ...(contentType ? { 'Content-Type': contentType } : {}) }, body },
          ];
        },
      },
      ...['/sign-in/email', '/request-password-reset', '/reset-password', '/sign-out'].map((path) => ({
        name: `/api/auth${path}`,
        arbitrary: fc.oneof(
          fc.record({ email: fc.oneof(fc.string(), garbage()), password: fc.oneof(fc.string(), garbage()), token: fc.oneof(fc.string(), garbage()), newPassword: fc.string() }, { requiredKeys: [] }),
          garbage(),
        ),
        request: (value: unknown, contentType: string): [string, RequestInit] => [
          `/api/auth${path}`,
          { method: 'POST', headers: { Origin: base, ...(contentType ? { 'Content-Type': contentType } : {}) }, body: bodyOf(value) },
        ],
      })),
    ];
    for (const route of routes) {
      const property = fc.asyncProperty(route.arbitrary, fc.constantFrom(...CONTENT_TYPES), async (value, contentType) => {
        const [path, init] = route.request(value, contentType);
        return send(`${route.name} (${contentType || 'no content type'})`, path, init);
      });
      await runProperty(`route ${route.name}`, property, RUNS_PER_ROUTE);
    }
  }, 600_000);

  it('oversized and malformed bodies at every kind of route', async () => {
    const big = 'x'.repeat(300 * 1024);
    const cases: [string, string, RequestInit][] = [
      ['tRPC mutation over its body limit', '/trpc/apiKeys.create', { method: 'POST', headers: { cookie: cookies.admin, Origin: base, 'Content-Type': 'application/json' }, body: JSON.stringify({ label: big }) }],
      ['tRPC batch of garbage', '/trpc/session.me,customers.current,nope?batch=1', { headers: { cookie: cookies.admin } }],
      ['tRPC unknown procedure', '/trpc/does.not.exist', { method: 'POST', headers: { Origin: base, 'Content-Type': 'application/json' }, body: '{}' }],
      ['Signal question over 32 KB', SIGNAL_QUERY_PATH, { method: 'POST', headers: { cookie: cookies.ceo, Origin: base, 'Content-Type': 'application/json' }, body: JSON.stringify({ query: big }) }],
      ['auth body over 16 KB', '/api/auth/sign-in/email', { method: 'POST', headers: { Origin: base, 'Content-Type': 'application/json' }, body: JSON.stringify({ email: big, password: big }) }],
      ['ingest with __proto__', INGEST_PATH, { method: 'POST', headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' }, body: '{"__proto__":{"polluted":true},"records":[]}' }],
      ['ingest, truncated JSON', INGEST_PATH, { method: 'POST', headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' }, body: '{"records":[{"external_id":' }],
      ['deeply nested JSON', '/trpc/enrollment.submit', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `${'['.repeat(50_000)}${']'.repeat(50_000)}` }],
      ['invalid UTF-8', '/trpc/enrollment.submit', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }],
      ['auth path with an encoded NUL', '/api/auth/reset-password/%00', { headers: {} }],
      ['auth path with bad percent-encoding', '/api/auth/reset-password/%E0%A4%A', { headers: {} }],
    ];
    for (const [label, path, init] of cases) expect(await send(label, path, init), label).toBe(true);
  }, 120_000);

  it('sent at least 2,000 requests, none answered with a 5xx, and the server still answers', async () => {
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(2_000);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
