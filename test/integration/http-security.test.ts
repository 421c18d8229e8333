/**
 * What the HTTP layer does for every route (server/app/http.ts, hooks.ts), over real HTTP on PGlite and PostgreSQL:
 * cross-site requests refused on each state-changing cookie route (tRPC mutations, better-auth, roster upload,
 * Signal) while server-to-server ingest is not affected; the client address taken from a configured number of
 * proxy hops (right-most untrusted), so rotating X-Forwarded-For neither escapes the sign-in limit nor falsifies the
 * audit log; HSTS over https only; no session token in a JSON body; better-auth's other endpoints not exposed;
 * /metrics only with its token; employee queries by POST.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_PUBLIC_PATHS } from '../../server/auth/auth.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { appRouter } from '../../server/routers/_app.ts';
import { listAudit } from '../../server/services/audit.ts';
import { testDbKind } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, startTestServer, TEST_PASSWORD, useTestServices, type RunningServer } from '../helpers/services.ts';

const env = useTestServices();
let server: RunningServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer(env.t.handle);
  base = server.origin;
});
afterAll(async () => {
  await server?.close();
});

const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

async function signIn(origin: string, email: string, headers: Record<string, string> = {}) {
  return fetch(`${origin}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin, ...headers },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
}

async function signedIn(role: 'admin' | 'ceo' | 'operator', customerId: string | null) {
  const user = await makeUser(server.services, role, customerId);
  const res = await signIn(base, user.email);
  expect(res.status).toBe(200);
  return { user, cookie: cookieOf(res) };
}

const me = async (cookie: string) =>
  ((await (await fetch(`${base}/trpc/session.me`, { headers: { cookie } })).json()) as { result: { data: { language: string | null } } })
    .result.data;

describe(`cross-site requests (${testDbKind})`, () => {
  /** Browser-made cross-site requests: a foreign Origin, or Sec-Fetch-Site saying so, or a cookie with neither header. */
  const crossSite: [string, Record<string, string>][] = [
    ['a foreign Origin', { Origin: 'https://evil.example' }],
    ['Origin: null (a sandboxed or file page)', { Origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site', Origin: base }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'Sec-Fetch-Site': 'same-site' }],
    ['a cookie with neither Origin nor Sec-Fetch-Site', {}],
  ];

  it('a tRPC mutation is refused with 403 and changes nothing; from our own page it works', async () => {
    const { cookie } = await signedIn('admin', (await makeCustomer(env.t.handle, { count: 0 })).customerId);
    for (const [label, headers] of crossSite) {
      const res = await fetch(`${base}/trpc/session.setLanguage`, {
        method: 'POST',
        headers: { cookie, 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ language: 'fr' }),
      });
      expect(res.status, label).toBe(403);
      expect(((await res.json()) as { code: string }).code, label).toBe('FORBIDDEN');
    }
    expect((await me(cookie)).language).toBeNull();
    const own = await fetch(`${base}/trpc/session.setLanguage`, {
      method: 'POST',
      headers: { cookie, 'Content-Type': 'application/json', Origin: base },
      body: JSON.stringify({ language: 'fr' }),
    });
    expect(own.status).toBe(200);
    expect((await me(cookie)).language).toBe('fr');
    const sameOrigin = await fetch(`${base}/trpc/session.setLanguage`, {
      method: 'POST',
      headers: { cookie, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
      body: JSON.stringify({ language: 'de' }),
    });
    expect(sameOrigin.status).toBe(200);
  });

  it('a form-compatible roster upload (text/plain, foreign Origin) is refused and creates no import', async () => {
    const { customerId } = await makeCustomer(env.t.handle, { count: 0 });
    const { cookie, user } = await signedIn('admin', customerId);
    for (const [label, headers] of crossSite) {
      const res = await fetch(`${base}/api/roster/upload?fileName=x.csv`, {
        method: 'POST',
        headers: { cookie, 'Content-Type': 'text/plain', ...headers },
        body: 'Name,Email\nAda,ada@example.com\n',
      });
      expect(res.status, label).toBe(403);
    }
    expect(await callerAs(server.services, user).roster.list()).toEqual([]);
  });

  it('a Signal question from another site is refused and starts no session', async () => {
    const { customerId } = await makeCustomer(env.t.handle, { count: 0 });
    const { cookie, user } = await signedIn('ceo', customerId);
    for (const [label, headers] of crossSite) {
      const res = await fetch(`${base}/api/signal/query`, {
        method: 'POST',
        headers: { cookie, 'Content-Type': 'text/plain', ...headers },
        body: JSON.stringify({ query: 'what happened?' }),
      });
      expect(res.status, label).toBe(403);
    }
    expect((await callerAs(server.services, user).archive.sessions({})).sessions).toEqual([]);
  });

  it('sign-in and sign-out from another site are refused (no login CSRF, no forced sign-out)', async () => {
    const user = await makeUser(server.services, 'admin', (await makeCustomer(env.t.handle, { count: 0 })).customerId);
    const foreign = await signIn(base, user.email, { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.getSetCookie()).toEqual([]);
    const { cookie } = await signedIn('admin', user.customerId);
    const out = await fetch(`${base}/api/auth/sign-out`, {
      method: 'POST',
      headers: { cookie, 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: '{}',
    });
    expect(out.status).toBe(403);
    expect(await me(cookie)).not.toBeNull();
  });

  it('every tRPC mutation and every state-changing plain route refuses a foreign Origin (403) before doing anything', async () => {
    const { cookie } = await signedIn('admin', (await makeCustomer(env.t.handle, { count: 0 })).customerId);
    const mutations = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
      .filter(([, procedure]) => procedure._def.type === 'mutation')
      .map(([path]) => `/trpc/${path}`);
    expect(mutations.length).toBeGreaterThan(25);
    const plain = [...AUTH_PUBLIC_PATHS.filter((r) => r.method === 'POST').map((r) => r.path), '/api/roster/upload', '/api/signal/query'];
    const refused: string[] = [];
    for (const path of [...mutations, ...plain]) {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { cookie, 'Content-Type': 'application/json', Origin: 'https://evil.example' },
        body: '{}',
      });
      if (res.status !== 403) refused.push(`${path}: ${res.status}`);
    }
    expect(refused).toEqual([]);
  });

  it('queries (GET) are not state-changing and stay readable with any Origin', async () => {
    const { cookie } = await signedIn('admin', (await makeCustomer(env.t.handle, { count: 0 })).customerId);
    const res = await fetch(`${base}/trpc/session.me`, { headers: { cookie, Origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
  });
});

describe(`the client address behind proxies (${testDbKind})`, () => {
  it('with one trusted hop, the right-most X-Forwarded-For entry is the client: rotating the left ones does not escape the sign-in limit', async () => {
    const behindProxy = await startTestServer(env.t.handle, { trustProxy: 1, signInPerMinute: 5 });
    try {
      const { customerId } = await makeCustomer(env.t.handle, { count: 0 });
      const user = await makeUser(behindProxy.services, 'admin', customerId);
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        // The client writes the left entries; the proxy appends the address it saw (here always 203.0.113.50).
        const res = await fetch(`${behindProxy.origin}/api/auth/sign-in/email`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: behindProxy.origin, 'X-Forwarded-For': `198.51.100.${i}, 203.0.113.50` },
          body: JSON.stringify({ email: user.email, password: 'wrong password, wrong' }),
        });
        statuses.push(res.status);
      }
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);

      // The audit log records the address the proxy saw, not what the client wrote.
      const owner = await makeUser(behindProxy.services, 'admin', customerId);
      const ok = await fetch(`${behindProxy.origin}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: behindProxy.origin, 'X-Forwarded-For': '6.6.6.6, 192.0.2.77' },
        body: JSON.stringify({ email: owner.email, password: TEST_PASSWORD }),
      });
      expect(ok.status).toBe(200);
      const audit = await withTenant(env.t.handle, customerId, (tx) => listAudit(tx, 10));
      const signedInEntry = audit.find((a) => a.action === 'user.signed_in');
      expect(signedInEntry?.ipAddress).toBe('192.0.2.77');
    } finally {
      await behindProxy.close();
    }
  });

  it('with a trusted proxy address list, addresses added by those proxies are skipped; without trust, X-Forwarded-For is ignored', async () => {
    const listed = await startTestServer(env.t.handle, { trustProxy: ['127.0.0.1', '10.0.0.0/8'] });
    const untrusted = await startTestServer(env.t.handle);
    try {
      for (const [running, forwarded, expected] of [
        // 10.1.2.3 is a trusted internal proxy; 192.0.2.9 is the first address no trusted proxy vouches for.
        [listed, '6.6.6.6, 192.0.2.9, 10.1.2.3', '192.0.2.9'],
        [untrusted, '6.6.6.6, 192.0.2.9', '127.0.0.1'],
      ] as const) {
        const { customerId } = await makeCustomer(env.t.handle, { count: 0 });
        const user = await makeUser(running.services, 'admin', customerId);
        const res = await fetch(`${running.origin}/api/auth/sign-in/email`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: running.origin, 'X-Forwarded-For': forwarded },
          body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
        });
        expect(res.status).toBe(200);
        const audit = await withTenant(env.t.handle, customerId, (tx) => listAudit(tx, 10));
        expect(audit.find((a) => a.action === 'user.signed_in')?.ipAddress?.replace(/^::ffff:/, '')).toBe(expected);
      }
    } finally {
      await listed.close();
      await untrusted.close();
    }
  });
});

describe(`headers, answers and exposure (${testDbKind})`, () => {
  it('sends HSTS when the public URL is https, and not over plain http', async () => {
    const tls = await startTestServer(env.t.handle, { publicUrl: 'https://panops.example.com' });
    try {
      const hsts = (await fetch(`${tls.origin}/healthz`)).headers.get('strict-transport-security');
      expect(hsts).toMatch(/max-age=31536000/);
      expect(hsts).toMatch(/includeSubDomains/);
    } finally {
      await tls.close();
    }
    expect((await fetch(`${base}/healthz`)).headers.get('strict-transport-security')).toBeNull();
  });

  it('the sign-in answer carries no session token in its body (the httpOnly cookie does)', async () => {
    const user = await makeUser(server.services, 'admin', (await makeCustomer(env.t.handle, { count: 0 })).customerId);
    const res = await signIn(base, user.email);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('token');
    expect(body.user).toMatchObject({ email: user.email });
    const token = decodeURIComponent(cookieOf(res).split('=')[1]!).split('.')[0]!;
    expect(token.length).toBeGreaterThan(10);
    expect(JSON.stringify(body)).not.toContain(token);
  });

  it("better-auth's endpoints the portal does not use are not exposed", async () => {
    const { cookie } = await signedIn('admin', (await makeCustomer(env.t.handle, { count: 0 })).customerId);
    for (const [method, path] of [
      ['GET', '/get-session'],
      ['GET', '/list-sessions'],
      ['POST', '/sign-up/email'],
      ['POST', '/update-user'],
      ['POST', '/change-email'],
      ['POST', '/revoke-other-sessions'],
    ] as const) {
      const res = await fetch(`${base}/api/auth${path}`, {
        method,
        headers: { cookie, Origin: base, ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}) },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(res.status, path).toBe(404);
    }
  });

  it('GET /metrics exists only with its bearer token, and reports what operators watch', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const token = `metrics-${randomUUID()}`;
    const withMetrics = await startTestServer(env.t.handle, { metricsToken: token });
    try {
      expect((await fetch(`${withMetrics.origin}/metrics`)).status).toBe(404);
      expect((await fetch(`${withMetrics.origin}/metrics`, { headers: { Authorization: 'Bearer wrong-token-wrong' } })).status).toBe(404);
      await fetch(`${withMetrics.origin}/healthz`);
      const res = await fetch(`${withMetrics.origin}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const name of [
        'http_request_duration_seconds_bucket{',
        'route="/healthz"',
        'db_pool_connections_in_use',
        'db_pool_waiting',
        'consent_submissions_total',
        'ingested_records_total',
        'signal_turns_total',
        'nodejs_eventloop_lag_seconds',
      ]) {
        expect(text, name).toContain(name);
      }
    } finally {
      await withMetrics.close();
    }
  });

  it('sheds load with a 503 while the event loop lags, keeps liveness answering, and recovers', async () => {
    // A server that sheds above 50 ms of mean event-loop delay; this process (server and client share its event
    // loop) keeps it busy in 300 ms slices for 1.5 s.
    const lagging = await startTestServer(env.t.handle, { maxEventLoopDelayMs: 50 });
    try {
      for (const until = Date.now() + 1_500; Date.now() < until; ) {
        const slice = Date.now() + 300;
        while (Date.now() < slice);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const shed = await fetch(`${lagging.origin}/trpc/session.me`);
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('5');
      expect(((await shed.json()) as { code: string }).code).toBe('UNAVAILABLE');
      expect((await fetch(`${lagging.origin}/healthz`)).status).toBe(200);
      await expect.poll(async () => (await fetch(`${lagging.origin}/trpc/session.me`)).status, { timeout: 15_000, interval: 250 }).toBe(200);
    } finally {
      await lagging.close();
    }
  });

  it('the employee app asks its queries by POST, so the token never sits in a URL', async () => {
    const c = await makeCustomer(env.t.handle, { count: 1 });
    const res = await fetch(`${base}/trpc/enrollment.get`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: c.employees[0]!.token, language: 'en' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { data: { identity: { email: string } } } }).result.data.identity.email).toBe(c.employees[0]!.email);
  });
});
