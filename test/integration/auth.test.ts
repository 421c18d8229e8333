/**
 * Sign-in over real HTTP (better-auth on the test database): session cookie, role → home, throttling of failed
 * sign-ins without account lockout (device cookies, progressive delays, unlock links; ADR 0012), password reset by
 * email; and the role matrix and tenant boundary of the portal procedures.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_PUBLIC_PATHS } from '../../server/auth/auth.ts';
import { maxCheckedAttempts, THROTTLE_RULES } from '../../server/auth/throttle.ts';
import type { AppServices } from '../../server/context.ts';
import { rowsOf } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { freshAddress, testBrowser, type TestBrowser } from '../helpers/auth-client.ts';
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

async function signIn(email: string, password: string) {
  return fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({ email, password }),
  });
}

const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

async function me(cookie: string) {
  const res = await fetch(`${base}/trpc/session.me`, { headers: { cookie } });
  return ((await res.json()) as { result: { data: { role: string; homePath: string } | null } }).result.data;
}

describe(`sign-in over HTTP (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('issues an httpOnly SameSite session cookie and routes each role to its home screen', async () => {
    const { customerId } = await makeCustomer(t.handle, { count: 1 });
    for (const [role, home] of [
      ['operator', '/portal'],
      ['admin', '/admin'],
      ['ceo', '/signal'],
    ] as const) {
      const user = await makeUser(services, role, role === 'operator' ? null : customerId);
      const res = await signIn(user.email, TEST_PASSWORD);
      expect(res.status, role).toBe(200);
      const setCookie = res.headers.getSetCookie().join('\n');
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      expect(await me(cookieOf(res))).toMatchObject({ role, homePath: home });
    }
    // Sign-ins of the customer's own people are in the customer's audit log, with the address they came from.
    const signIns = await withTenant(t.handle, customerId, async (tx) =>
      rowsOf<{ actor_role: string; ip_address: string }>(
        await tx.execute(sql`select actor_role, ip_address from audit_log where action = 'user.signed_in' order by actor_role`),
      ),
    );
    expect(signIns).toEqual([
      { actor_role: 'admin', ip_address: '127.0.0.1' },
      { actor_role: 'ceo', ip_address: '127.0.0.1' },
    ]);
  });

  it('answers signed-out callers with no user, and a wrong password with 401', async () => {
    expect(await me('')).toBeNull();
    const user = await makeUser(services, 'operator', null);
    expect((await signIn(user.email, 'not the password at all')).status).toBe(401);
  });

  it('rate-limits sign-in attempts per client address', async () => {
    const limited = await startTestServer(t.handle, { signInPerMinute: 3 });
    // Counters live in the database, shared with this file's other server: start this address from zero.
    await t.owner("select set_config('app.auth_context', 'on', false)");
    await t.owner('delete from auth_rate_limits');
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${limited.origin}/api/auth/sign-in/email`, {
          method: 'POST',
          // A client cannot pick its own address for the limiter.
          headers: { 'Content-Type': 'application/json', 'x-panops-client-ip': `192.0.2.${i}`, 'x-forwarded-for': `192.0.2.${i}` },
          body: JSON.stringify({ email: `nobody-${randomUUID()}@test.example`, password: 'whatever-password' }),
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses.slice(3)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });

  it('an operator chooses a customer over HTTP; the choice lives in the server-side session', async () => {
    const { customerId } = await makeCustomer(t.handle, { count: 1 });
    const operator = await makeUser(services, 'operator', null);
    const cookie = cookieOf(await signIn(operator.email, TEST_PASSWORD));
    const current = () => fetch(`${base}/trpc/customers.current`, { headers: { cookie } }).then((r) => r.status);
    expect(await current()).toBe(412);
    const chosen = await fetch(`${base}/trpc/session.selectCustomer`, {
      method: 'POST',
      headers: { cookie, 'Content-Type': 'application/json', Origin: base },
      body: JSON.stringify({ customerId }),
    });
    expect(chosen.status).toBe(200);
    expect(await current()).toBe(200);
    const opened = await withTenant(t.handle, customerId, async (tx) =>
      rowsOf<{ actor_email: string }>(await tx.execute(sql`select actor_email from audit_log where action = 'customer.opened'`)),
    );
    expect(opened).toEqual([{ actor_email: operator.email }]);
    // An admin cannot pick a customer at all.
    const admin = await makeUser(services, 'admin', customerId);
    const adminCookie = cookieOf(await signIn(admin.email, TEST_PASSWORD));
    const refused = await fetch(`${base}/trpc/session.selectCustomer`, {
      method: 'POST',
      headers: { cookie: adminCookie, 'Content-Type': 'application/json', Origin: base },
      body: JSON.stringify({ customerId }),
    });
    expect(refused.status).toBe(403);
  });

  it('sends a password reset email whose token sets a new password', async () => {
    const { customerId } = await makeCustomer(t.handle, { count: 1 });
    const admin = await makeUser(services, 'admin', customerId);
    const res = await fetch(`${base}/api/auth/request-password-reset`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: base },
      body: JSON.stringify({ email: admin.email, redirectTo: `${base}/reset-password` }),
    });
    expect(res.status).toBe(200);
    const [mail] = await withTenant(t.handle, customerId, async (tx) =>
      rowsOf<{ text_body: string; kind: string }>(
        await tx.execute(sql`select text_body, kind from email_messages where to_address = ${admin.email}`),
      ),
    );
    expect(mail?.kind).toBe('password_reset');
    const link = /(http\S+reset-password\S+)/.exec(mail!.text_body)?.[1];
    expect(link).toBeTruthy();
    const token = new URL(link!).pathname.split('/').at(-1)!;
    const reset = await fetch(`${base}/api/auth/reset-password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: base },
      body: JSON.stringify({ token, newPassword: 'a brand new long password' }),
    });
    expect(reset.status).toBe(200);
    expect((await signIn(admin.email, TEST_PASSWORD)).status).toBe(401);
    expect((await signIn(admin.email, 'a brand new long password')).status).toBe(200);
  });
});

describe(`sign-in throttling without lockout, ADR 0012 (${process.env.TEST_DB ?? 'pglite'})`, () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  /** A server whose clock the test moves (the throttle's waits) instead of sleeping. */
  async function timedServer(opts: { unlockRequestsPerClient?: number } = {}) {
    let clock = Date.now();
    const server = await startTestServer(t.handle, { ...opts, now: () => new Date(clock) });
    servers.push(server);
    return {
      ...server,
      now: () => clock,
      advance(seconds: number) {
        clock += seconds * 1000;
      },
      browser: (address?: string) => testBrowser(server.origin, address),
    };
  }
  type TimedServer = Awaited<ReturnType<typeof timedServer>>;

  const deviceCookieOf = (browser: TestBrowser) => [...browser.cookies].find(([name]) => name.includes('.device_'));

  /** The unlock links emailed to `email` (kept in the customer's outbox), waiting for the `count`-th to arrive. */
  async function unlockLinks(customerId: string, email: string, count: number): Promise<string[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const mails = await withTenant(t.handle, customerId, async (tx) =>
        rowsOf<{ text_body: string }>(
          await tx.execute(sql`select text_body from email_messages
            where to_address = ${email} and kind = 'sign_in_unlock' order by created_at`),
        ),
      );
      if (mails.length >= count) return mails.map((m) => /(http\S+\/unlock#token=\S+)/.exec(m.text_body)![1]!);
      if (Date.now() > deadline) throw new Error(`${mails.length} unlock emails to ${email}, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function auditActions(customerId: string, action: string, count: number) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const rows = await withTenant(t.handle, customerId, async (tx) =>
        rowsOf<{ actor_email: string; ip_address: string }>(
          await tx.execute(sql`select actor_email, ip_address from audit_log where action = ${action} order by occurred_at`),
        ),
      );
      if (rows.length >= count || Date.now() > deadline) return rows;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * An attacker who retries the moment each wait ends, every guess wrong, for `hours` of the server's clock; each
   * attempt from `browserFor(n)`. Returns how many guesses had their password checked (401).
   */
  async function optimalAttack(s: TimedServer, email: string, hours: number, browserFor: (n: number) => TestBrowser) {
    const end = s.now() + hours * 3_600_000;
    let checked = 0;
    for (let n = 0; s.now() < end; n++) {
      const res = await browserFor(n).signIn(email, `guess number ${n} of many`);
      if (res.status === 401) {
        checked++;
        continue;
      }
      expect(res.status).toBe(429);
      // Asking again at once is refused again, without a password check.
      expect((await browserFor(n).signIn(email, TEST_PASSWORD)).status).toBe(429);
      s.advance(res.retryAfter ?? 60);
    }
    return checked;
  }

  it('an attacker without the password, from ever new addresses, cannot keep the owner out of their own browser', async () => {
    const s = await timedServer();
    const owner = await makeUser(s.services, 'operator', null);
    const laptop = s.browser();
    expect((await laptop.signIn(owner.email, TEST_PASSWORD)).status).toBe(200);
    // A day of attack: five wrong passwords every 15 minutes, each from a new address — the request rate that
    // kept an account locked for good before. The owner signs in from their laptop every three hours.
    const attacker = { checked: 0, refused: 0 };
    for (let minute = 0; minute < 24 * 60; minute += 15) {
      for (let i = 0; i < 5; i++) {
        const res = await s.browser().signIn(owner.email, `guess ${minute}-${i} of the attacker`);
        expect([401, 429]).toContain(res.status);
        if (res.status === 401) attacker.checked++;
        else attacker.refused++;
      }
      if (minute % 180 === 0) {
        const owned = await laptop.signIn(owner.email, TEST_PASSWORD);
        expect(owned.status, `owner at minute ${minute}`).toBe(200);
      }
      s.advance(15 * 60);
    }
    // The attack is real: browsers the account does not know wait, even with the right password...
    const stranger = await s.browser().signIn(owner.email, TEST_PASSWORD);
    expect(stranger).toMatchObject({ status: 429, body: { code: 'SIGN_IN_DELAYED', scope: 'account' } });
    // ...and the attacker's guesses stayed few (ADR 0012: at most 38 a day from any number of addresses).
    expect(attacker.checked).toBeLessThanOrEqual(38);
    expect(attacker.refused).toBeGreaterThan(400);
    // The owner's laptop still signs in.
    expect((await laptop.signIn(owner.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('the owner on a new browser during an attack signs in after using the emailed unlock link', async () => {
    const s = await timedServer();
    const { customerId } = await makeCustomer(t.handle, { count: 1 });
    const ceo = await makeUser(s.services, 'ceo', customerId);
    for (let i = 0; i < 12; i++) await s.browser().signIn(ceo.email, `attacker guess ${i}`);
    const phone = s.browser();
    const refused = await phone.signIn(ceo.email, TEST_PASSWORD);
    expect(refused).toMatchObject({ status: 429, body: { code: 'SIGN_IN_DELAYED', scope: 'account' } });
    expect(refused.retryAfter).toBeGreaterThan(0);

    expect(await phone.requestUnlock(ceo.email)).toMatchObject({ status: 200, body: { status: true } });
    const [link] = await unlockLinks(customerId, ceo.email, 1);
    const url = new URL(link!);
    // The secret is in the fragment, which no server (or its access log) ever sees.
    expect(`${url.origin}${url.pathname}${url.search}`).toBe(`${s.origin}/unlock`);
    const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(40);
    // Stored hashed: the database holds no copy of the token.
    await t.owner("select set_config('app.auth_context', 'on', false)");
    expect(await t.owner('select count(*)::int as n from auth_verifications where identifier like $1', [`%${token}%`])).toEqual([
      { n: 0 },
    ]);

    const confirmed = await phone.confirmUnlock(token);
    expect(confirmed).toMatchObject({ status: 200, body: { status: true, email: ceo.email } });
    expect(deviceCookieOf(phone)).toBeDefined();
    // Single use.
    expect(await s.browser().confirmUnlock(token)).toMatchObject({ status: 400, body: { code: 'INVALID_TOKEN' } });
    // The password is still required, and then the owner is in.
    expect((await phone.signIn(ceo.email, 'not the password either')).status).toBe(401);
    expect((await phone.signIn(ceo.email, TEST_PASSWORD)).status).toBe(200);
    // Everyone else still waits.
    expect((await s.browser().signIn(ceo.email, TEST_PASSWORD)).status).toBe(429);

    // A link is good for one hour.
    const tablet = s.browser();
    expect((await tablet.requestUnlock(ceo.email)).status).toBe(200);
    const [, late] = await unlockLinks(customerId, ceo.email, 2);
    s.advance(61 * 60);
    const expired = await tablet.confirmUnlock(new URLSearchParams(new URL(late!).hash.slice(1)).get('token')!);
    expect(expired).toMatchObject({ status: 400, body: { code: 'INVALID_TOKEN' } });
    expect(deviceCookieOf(tablet)).toBeUndefined();
  });

  it('brute force stays slow: password checks per hour from one address and from many are bounded (ADR 0012)', async () => {
    const s = await timedServer();
    const { client, untrusted } = THROTTLE_RULES;
    // One address: its own key and the account's key for untrusted browsers.
    const oneAddress = await makeUser(s.services, 'operator', null);
    const address = freshAddress();
    const fromOne = await optimalAttack(s, oneAddress.email, 1, () => s.browser(address));
    expect(fromOne).toBe(maxCheckedAttempts([client, untrusted], 3600));
    expect(fromOne).toBe(11);
    // A new address for every guess: only the account's key applies.
    const manyAddresses = await makeUser(s.services, 'operator', null);
    expect(await optimalAttack(s, manyAddresses.email, 1, () => s.browser())).toBe(15);
    expect(maxCheckedAttempts([untrusted], 3600)).toBe(15);
    // ...and over a whole day.
    const aDay = await makeUser(s.services, 'operator', null);
    expect(await optimalAttack(s, aDay.email, 24, () => s.browser())).toBe(38);
    expect(maxCheckedAttempts([untrusted], 24 * 3600)).toBe(38);
  });

  it('delays one browser progressively with Retry-After, the same for unknown emails; delays decay and a success resets them', async () => {
    const s = await timedServer();
    const user = await makeUser(s.services, 'operator', null);
    const unknown = `nobody-${randomUUID()}@test.example`;
    /** What a client sees: status, code, scope and Retry-After of each step. */
    async function transcript(email: string, browser: TestBrowser) {
      const seen: Array<[number, unknown, unknown, number | null]> = [];
      const attempt = async (password: string) => {
        const res = await browser.signIn(email, password);
        seen.push([res.status, res.body.code, res.body.scope, res.retryAfter]);
      };
      for (let i = 0; i < 5; i++) await attempt('wrong password, typo');
      await attempt(TEST_PASSWORD); // refused before any password check
      s.advance(59);
      await attempt('wrong password, typo');
      s.advance(1);
      await attempt('wrong password, typo');
      await attempt('wrong password, typo');
      s.advance(120);
      await attempt('wrong password, typo');
      await attempt('wrong password, typo');
      // A day without attempts: the key starts again from zero.
      s.advance(24 * 60 * 60);
      for (let i = 0; i < 5; i++) await attempt('wrong password, typo');
      await attempt('wrong password, typo');
      return seen;
    }
    const delayed = (seconds: number) => [429, 'SIGN_IN_DELAYED', 'browser', seconds];
    const expected = [
      ...Array(5).fill([401, 'INVALID_EMAIL_OR_PASSWORD', undefined, null]),
      delayed(60),
      delayed(1),
      [401, 'INVALID_EMAIL_OR_PASSWORD', undefined, null],
      delayed(120),
      [401, 'INVALID_EMAIL_OR_PASSWORD', undefined, null],
      delayed(240),
      ...Array(5).fill([401, 'INVALID_EMAIL_OR_PASSWORD', undefined, null]),
      delayed(60),
    ];
    const browser = s.browser();
    expect(await transcript(user.email, browser)).toEqual(expected);
    // Whether the email has a login or not, the answers are the same.
    expect(await transcript(unknown, s.browser())).toEqual(expected);

    // A success resets this browser's key: the same address, without the device cookie, starts from zero again.
    s.advance(60);
    expect((await browser.signIn(user.email, TEST_PASSWORD)).status).toBe(200);
    const sameAddress = s.browser(browser.address);
    for (let i = 0; i < 4; i++) expect((await sameAddress.signIn(user.email, 'wrong password, typo')).status).toBe(401);
  });

  it('a device cookie is trusted for its own account only, and a copied one is still throttled', async () => {
    const s = await timedServer();
    const victim = await makeUser(s.services, 'operator', null);
    const other = await makeUser(s.services, 'admin', (await makeCustomer(t.handle, { count: 1 })).customerId);
    const victimBrowser = s.browser();
    const otherBrowser = s.browser();
    const signedIn = await victimBrowser.signIn(victim.email, TEST_PASSWORD);
    expect(signedIn.status).toBe(200);
    const device = signedIn.setCookies.find((c) => c.includes('.device_'));
    expect(device).toMatch(/; HttpOnly/i);
    expect(device).toMatch(/; SameSite=Lax/i);
    expect(device).toMatch(/; Path=\/;/i);
    expect(device).toMatch(/; Max-Age=15552000/i);
    expect((await otherBrowser.signIn(other.email, TEST_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 10; i++) await s.browser().signIn(victim.email, `guess ${i} of the attacker`);
    const [victimCookie, victimValue] = deviceCookieOf(victimBrowser)!;
    const [, otherValue] = deviceCookieOf(otherBrowser)!;
    // Someone's own device cookie, under the victim's cookie name: not trusted for the victim.
    const forged = s.browser();
    forged.cookies.set(victimCookie, otherValue);
    expect(await forged.signIn(victim.email, TEST_PASSWORD)).toMatchObject({ status: 429, body: { scope: 'account' } });
    // A tampered value: not trusted either.
    const tampered = s.browser();
    tampered.cookies.set(victimCookie, victimValue.replace(/^(.{12})./, (_, head: string) => `${head}${head.endsWith('A') ? 'B' : 'A'}`));
    expect(await tampered.signIn(victim.email, TEST_PASSWORD)).toMatchObject({ status: 429, body: { scope: 'account' } });
    // A copy of the real cookie is trusted, but its key has 5 free attempts like any other.
    const thief = s.browser();
    thief.cookies.set(victimCookie, victimValue);
    for (let i = 0; i < 5; i++) expect((await thief.signIn(victim.email, `stolen cookie guess ${i}`)).status).toBe(401);
    expect(await thief.signIn(victim.email, 'stolen cookie guess')).toMatchObject({
      status: 429,
      body: { code: 'SIGN_IN_DELAYED', scope: 'browser' },
      retryAfter: 60,
    });
  });

  it('parallel attempts get no more password checks than one after the other', async () => {
    const user = await makeUser(services, 'operator', null);
    const address = freshAddress();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => testBrowser(base, address).signIn(user.email, `parallel guess ${i}`)),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(THROTTLE_RULES.client.free);
    expect(results.filter((r) => r.status === 429)).toHaveLength(20 - THROTTLE_RULES.client.free);
  });

  it('the unlock request answers the same for unknown emails, is rate limited per account and per client, and is audited', async () => {
    const s = await timedServer({ unlockRequestsPerClient: 4 });
    const { customerId } = await makeCustomer(t.handle, { count: 1 });
    const admin = await makeUser(s.services, 'admin', customerId);
    const unknown = `nobody-${randomUUID()}@test.example`;
    const transcript = async (email: string) => {
      const seen: Array<[number, unknown, number | null]> = [];
      for (let i = 0; i < 4; i++) {
        const res = await s.browser().requestUnlock(email);
        seen.push([res.status, res.body, res.retryAfter]);
      }
      return seen;
    };
    const expected = [
      ...Array(3).fill([200, { status: true }, null]),
      [429, expect.objectContaining({ code: 'UNLOCK_DELAYED', retryAfter: 600 }), 600],
    ];
    expect(await transcript(admin.email)).toEqual(expected);
    expect(await transcript(unknown)).toEqual(expected);
    // Three emails went out, each request is in the customer's audit log with its address.
    const links = await unlockLinks(customerId, admin.email, 3);
    const requested = await auditActions(customerId, 'user.sign_in_unlock_requested', 3);
    expect(requested).toHaveLength(3);
    expect(requested.every((r) => r.actor_email === admin.email && r.ip_address.startsWith('127.0.'))).toBe(true);
    // The wait ends; the next one doubles.
    s.advance(600);
    expect((await s.browser().requestUnlock(admin.email)).status).toBe(200);
    expect(await s.browser().requestUnlock(admin.email)).toMatchObject({ status: 429, retryAfter: 1200 });
    // Using a link is audited too.
    const token = new URLSearchParams(new URL(links[0]!).hash.slice(1)).get('token')!;
    expect((await s.browser().confirmUnlock(token)).status).toBe(200);
    expect(await auditActions(customerId, 'user.sign_in_unlock_confirmed', 1)).toHaveLength(1);

    // Per client address (better-auth's limiter): four requests per 15 minutes, whatever the emails.
    const address = freshAddress();
    await t.owner("select set_config('app.auth_context', 'on', false)");
    await t.owner('delete from auth_rate_limits where key like $1', [`${address}|%`]);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await s.browser(address).requestUnlock(`someone-${randomUUID()}@test.example`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('AUTH_PUBLIC_PATHS are better-auth endpoints with those methods', async () => {
    const endpoints = Object.values(services.auth.api) as Array<{ path?: string; options?: { method?: string | string[] } }>;
    for (const { method, path } of AUTH_PUBLIC_PATHS) {
      const endpoint = endpoints.find((e) => `/api/auth${e.path}` === path);
      expect(endpoint, path).toBeDefined();
      expect([endpoint!.options?.method].flat(), path).toContain(method);
    }
  });
});

describe(`roles and tenants (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('refuses signed-out callers and the wrong roles', async () => {
    const { customerId } = await makeCustomer(t.handle, { count: 1 });
    await expect(callerAs(services, null).customers.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const admin = await makeUser(services, 'admin', customerId);
    const ceo = await makeUser(services, 'ceo', customerId);
    await expect(callerAs(services, admin).customers.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(services, ceo).customers.update({
      name: 'x', ceoName: 'y', outputLanguage: 'en', channels: ['email'], contactEmail: null,
    })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      callerAs(services, admin).customers.create({ name: 'Nope', ceoName: 'N', outputLanguage: 'en', requestId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('an admin of customer A reaches only A, whatever B exists', async () => {
    const a = await makeCustomer(t.handle, { count: 1 });
    const b = await makeCustomer(t.handle, { count: 1 });
    const adminA = await makeUser(services, 'admin', a.customerId);
    await makeUser(services, 'admin', b.customerId);
    const current = await callerAs(services, adminA).customers.current();
    expect(current.id).toBe(a.customerId);
    const users = await callerAs(services, adminA).customers.users();
    expect(users.every((u) => u.email !== undefined)).toBe(true);
    expect(users).toHaveLength(1);
  });

  it('an operator must choose a customer, and then works on that one only', async () => {
    const a = await makeCustomer(t.handle, { count: 1 });
    const operator = await makeUser(services, 'operator', null);
    await expect(callerAs(services, operator).customers.current()).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    const chosen = await callerAs(services, { ...operator, activeCustomerId: a.customerId }).customers.current();
    expect(chosen.id).toBe(a.customerId);
    const list = await callerAs(services, operator).customers.list();
    expect(list.map((c) => c.id)).toContain(a.customerId);
  });

  it('creating a customer is idempotent per request id and validates the output language on the server', async () => {
    const operator = await makeUser(services, 'operator', null);
    const requestId = randomUUID();
    const input = { name: 'Globex', ceoName: 'Hank Scorpio', outputLanguage: 'DE', requestId };
    const first = await callerAs(services, operator).customers.create(input);
    const again = await callerAs(services, operator).customers.create(input);
    expect(again.id).toBe(first.id);
    expect(first.outputLanguage).toBe('de');
    await expect(
      callerAs(services, operator).customers.create({ ...input, requestId: randomUUID(), outputLanguage: 'xx' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const audit = await callerAs(services, { ...operator, activeCustomerId: first.id }).customers.audit({ limit: 10 });
    expect(audit.map((e) => e.action)).toEqual(['customer.created']);
    expect(audit[0]).toMatchObject({ actorEmail: operator.email, ipAddress: '198.51.100.9' });
  });

  it('invites the CEO by email; the same email cannot be invited twice', async () => {
    const operator = await makeUser(services, 'operator', null);
    const { customerId } = await makeCustomer(t.handle, { count: 1 });
    const asOperator = callerAs(services, { ...operator, activeCustomerId: customerId });
    const email = `ceo-${randomUUID().slice(0, 6)}@globex.example`;
    await asOperator.customers.inviteUser({ email, name: 'Hank Scorpio', role: 'ceo' });
    await expect(asOperator.customers.inviteUser({ email, name: 'Hank', role: 'ceo' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const mails = await withTenant(t.handle, customerId, async (tx) =>
      rowsOf<{ kind: string }>(await tx.execute(sql`select kind from email_messages where to_address = ${email}`)),
    );
    expect(mails.map((m) => m.kind)).toEqual(['invite']);
  });
});

describe(`sign-in tables stay out of tenant transactions (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it.runIf(process.env.TEST_DB === 'postgres')('a tenant transaction sees no users, sessions, accounts or sign-in counters', async () => {
    const { customerId } = await makeCustomer(t.handle, { count: 1 });
    const admin = await makeUser(services, 'admin', customerId);
    expect((await signIn(admin.email, 'a wrong password for the count')).status).toBe(401);
    const counts = await withTenant(t.handle, customerId, async (tx) =>
      rowsOf<{ users: number; sessions: number; accounts: number; throttle: number }>(
        await tx.execute(sql`select (select count(*) from auth_users)::int as users,
          (select count(*) from auth_sessions)::int as sessions, (select count(*) from auth_accounts)::int as accounts,
          (select count(*) from auth_sign_in_throttle)::int as throttle`),
      ),
    );
    expect(counts[0]).toEqual({ users: 0, sessions: 0, accounts: 0, throttle: 0 });
  });
});
