/**
 * The real HTTP server in-process, in production mode (built dist/), on PGlite or the real PostgreSQL:
 * plain routes, SPA fallback, caching and security headers, and tRPC over the wire.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type RunningServer } from '../helpers/services.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';

const distDir = fileURLToPath(new URL('../../dist', import.meta.url));
const journal = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../drizzle/meta/_journal.json', import.meta.url)), 'utf8'),
) as { entries: { tag: string }[] };
const latestMigration = journal.entries.at(-1)!.tag;

let t: TestDb;
let running: RunningServer;
let base: string;

beforeAll(async () => {
  if (!existsSync(`${distDir}/sw.js`) || !existsSync(`${distDir}/index.html`)) {
    throw new Error(`dist/ is missing or incomplete: run \`npm run build\` first (npm test does this before vitest).`);
  }
  t = await openTestDb();
  running = await startTestServer(t.handle);
  base = running.origin;
});

afterAll(async () => {
  await running?.close();
  await t?.close();
});

const get = (path: string, init?: RequestInit) => fetch(`${base}${path}`, init);

type TrpcError = { error: { message: string; code: number; data: { appCode: string; httpStatus: number; stack?: unknown } } };

const trpcGet = (path: string, input: unknown) =>
  get(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);

describe(`HTTP server (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('GET /healthz is liveness: the process answers, without asking the database', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is readiness: the database answers and has exactly the migrations this build ships', async () => {
    const res = await get('/readyz');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; database: string; migration: string };
    expect(body).toEqual({ status: 'ready', database: t.handle.kind, migration: latestMigration, expected: latestMigration });
  });

  it('an enrollment URL gets the SPA shell with no-referrer and a CSP', async () => {
    const res = await get(`/enroll/${randomUUID()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = res.headers.get('content-security-policy');
    expect(csp).toBeTruthy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain('<div id="root"></div>');
  });

  // The shell names the hashed bundles; a heuristically cached copy would point at a stale build.
  for (const path of ['/index.html', '/', `/enroll/${randomUUID()}`, '/manage']) {
    it(`the SPA shell at ${path.startsWith('/enroll/') ? '/enroll/<uuid>' : path} is served with Cache-Control no-cache`, async () => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    });
  }

  it('serves the manifest as application/manifest+json with no-cache', async () => {
    const res = await get('/manifest.webmanifest');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(((await res.json()) as { display: string }).display).toBe('standalone');
  });

  it('serves the service worker with no-cache', async () => {
    const res = await get('/sw.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('unknown /api/ routes are a JSON 404, not the SPA', async () => {
    const res = await get('/api/anything');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND', message: expect.any(String) });
  });

  it('hashed assets are cached immutably', async () => {
    const asset = /<script type="module" crossorigin src="(\/assets\/[^"]+)"/.exec(
      readFileSync(`${distDir}/index.html`, 'utf8'),
    )?.[1];
    expect(asset, 'entry script in dist/index.html').toBeDefined();
    const res = await get(asset!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('a missing asset is a 404, not the SPA shell', async () => {
    const res = await get('/assets/does-not-exist-abc123.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
  });

  describe('tRPC over HTTP', () => {
    it('an unknown enrollment token is 404 LINK_INVALID', async () => {
      const res = await trpcGet('enrollment.get', { token: randomUUID(), language: 'en' });
      expect(res.status).toBe(404);
      const body = (await res.json()) as TrpcError;
      expect(body.error.data.appCode).toBe('LINK_INVALID');
    });

    it('a malformed token gets the same answer as an unknown one', async () => {
      const res = await trpcGet('enrollment.get', { token: 'not-a-uuid', language: 'en' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as TrpcError).error.data.appCode).toBe('LINK_INVALID');
    });

    it('an unknown token is checked before the rest of the input (unsupported language still LINK_INVALID)', async () => {
      // enrollmentProcedure resolves the token in a middleware that runs before the procedure's own input
      // (language, ...) is validated, so a bad token wins over a bad language. Pinned so a change is deliberate.
      const res = await trpcGet('enrollment.get', { token: randomUUID(), language: 'xx' });
      const text = await res.text();
      expect(res.status, text).toBe(404);
      const body = JSON.parse(text) as TrpcError;
      expect(body.error.data.appCode).toBe('LINK_INVALID');
      expect(body.error.data).not.toHaveProperty('stack');
    });

    it('an unsupported language is 400 INVALID_INPUT with no stack trace (valid token)', async () => {
      const c = await makeCustomer(t.handle, { count: 1 });
      const res = await trpcGet('enrollment.get', { token: c.employees[0]!.token, language: 'xx' });
      const text = await res.text();
      expect(res.status, text).toBe(400);
      const body = JSON.parse(text) as TrpcError;
      expect(body.error.data.appCode).toBe('INVALID_INPUT');
      expect(body.error.data).not.toHaveProperty('stack');
      expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    });

    it('a POST body that is not JSON is a client error, not a 500', async () => {
      const res = await get('/trpc/enrollment.submit', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"token": this is not json',
      });
      const text = await res.text();
      expect(res.status, text).toBeGreaterThanOrEqual(400);
      expect(res.status, text).toBeLessThan(500);
      expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    });

    it('a real enrollment token returns the enrollment view', async () => {
      const c = await makeCustomer(t.handle, { count: 1, channels: ['email', 'video'] });
      const person = c.employees[0]!;
      const res = await trpcGet('enrollment.get', { token: person.token, language: 'fr' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        result: { data: { channels: string[]; identity: { email: string }; notice: { language: string } } };
      };
      expect(body.result.data.channels).toEqual(['email', 'video']);
      expect(body.result.data.identity.email).toBe(person.email);
      expect(body.result.data.notice.language).toBe('fr');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    });
  });
});
