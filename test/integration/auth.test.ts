/**
 * Sign-in over real HTTP (better-auth on the test database): session cookie, role → home, lockout after repeated
 * failures, password reset by email; and the role matrix and tenant boundary of the portal procedures.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT_THRESHOLD } from '../../server/auth/auth.ts';
import type { AppServices } from '../../server/context.ts';
import { rowsOf } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
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

  it(`locks the account after ${LOCKOUT_THRESHOLD} failures in a row, even for the right password`, async () => {
    const user = await makeUser(services, 'operator', null);
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) expect((await signIn(user.email, `wrong-${i}-password`)).status).toBe(401);
    const locked = await signIn(user.email, TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { code: string }).code).toBe('ACCOUNT_LOCKED');
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

  it('the lock runs out after 15 minutes and a success clears the count', async () => {
    let clock = Date.now();
    const timed = await startTestServer(t.handle, { now: () => new Date(clock) });
    const user = await makeUser(timed.services, 'operator', null);
    const attempt = (password: string) =>
      fetch(`${timed.origin}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: user.email, password }),
      }).then((r) => r.status);
    try {
      for (let i = 0; i < LOCKOUT_THRESHOLD; i++) await attempt('wrong password here');
      expect(await attempt(TEST_PASSWORD)).toBe(429);
      clock += 14 * 60_000;
      expect(await attempt(TEST_PASSWORD)).toBe(429);
      clock += 2 * 60_000;
      expect(await attempt(TEST_PASSWORD)).toBe(200);
      // The count restarted: four more failures do not lock.
      for (let i = 0; i < LOCKOUT_THRESHOLD - 1; i++) await attempt('wrong password here');
      expect(await attempt(TEST_PASSWORD)).toBe(200);
      // Failures spread out over time never add up to a lock.
      for (let i = 0; i < LOCKOUT_THRESHOLD + 1; i++) {
        clock += 16 * 60_000;
        expect(await attempt('wrong password here')).toBe(401);
      }
      expect(await attempt(TEST_PASSWORD)).toBe(200);
    } finally {
      await timed.close();
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
  it.runIf(process.env.TEST_DB === 'postgres')('a tenant transaction sees no users, sessions or accounts', async () => {
    const { customerId } = await makeCustomer(t.handle, { count: 1 });
    await makeUser(services, 'admin', customerId);
    const counts = await withTenant(t.handle, customerId, async (tx) =>
      rowsOf<{ users: number; sessions: number; accounts: number }>(
        await tx.execute(sql`select (select count(*) from auth_users)::int as users,
          (select count(*) from auth_sessions)::int as sessions, (select count(*) from auth_accounts)::int as accounts`),
      ),
    );
    expect(counts[0]).toEqual({ users: 0, sessions: 0, accounts: 0 });
  });
});
