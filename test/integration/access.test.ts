/**
 * The access rules of every portal procedure at once: signed-out callers get UNAUTHORIZED from each of them, and a
 * CEO gets FORBIDDEN from every onboarding (operator/admin) procedure. Per-area tests cover the finer rules.
 */
import { describe, expect, it } from 'vitest';
import { appRouter } from '../../server/routers/_app.ts';
import { testDbKind } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, useTestServices } from '../helpers/services.ts';

const env = useTestServices();

/** Procedures reachable without signing in: the employee's token procedures and "who am I". */
const PUBLIC = /^(enrollment|consent)\.|^session\.me$/;
/** Areas only the onboarding team and the customer admin may change or see. */
const ONBOARDING =
  /^(roster|links|onboarding)\.|^customers\.(update|inviteUser)$|^checks\.(recordCheckIn|resendPending)$|^admin\.decideCorrection$/;
/** CEO-only areas: Signal (chat and dashboard) and the Archive of the CEO's own sessions. */
const CEO_ONLY = /^(archive|insights|signal)\./;

const paths = Object.keys(appRouter._def.procedures);

function call(caller: ReturnType<typeof callerAs>, path: string) {
  const [area, name] = path.split('.') as [string, string];
  const fn = (caller as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>)[area]![name]!;
  return fn({});
}

describe(`access to every procedure (${testDbKind})`, () => {
  it('has portal procedures to check', () => {
    expect(paths.filter((p) => !PUBLIC.test(p)).length).toBeGreaterThan(30);
  });

  it('refuses signed-out callers everywhere but the public procedures', async () => {
    for (const path of paths.filter((p) => !PUBLIC.test(p))) {
      await expect(call(callerAs(env.services, null), path), path).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
  });

  it('refuses a CEO every onboarding procedure', async () => {
    const { customerId } = await makeCustomer(env.t.handle, { count: 1 });
    const ceo = await makeUser(env.services, 'ceo', customerId);
    for (const path of paths.filter((p) => ONBOARDING.test(p))) {
      await expect(call(callerAs(env.services, ceo), path), path).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('refuses the customer admin and the operator every CEO-only procedure', async () => {
    const { customerId } = await makeCustomer(env.t.handle, { count: 1 });
    const admin = await makeUser(env.services, 'admin', customerId);
    const operator = { ...(await makeUser(env.services, 'operator', null)), activeCustomerId: customerId };
    const ceoOnly = paths.filter((p) => CEO_ONLY.test(p));
    expect(ceoOnly.length).toBeGreaterThanOrEqual(5);
    for (const user of [admin, operator]) {
      for (const path of ceoOnly) {
        await expect(call(callerAs(env.services, user), path), `${user.role} ${path}`).rejects.toMatchObject({ code: 'FORBIDDEN' });
      }
    }
  });
});

describe(`API keys: the admin panel roles, each within its own customer (${testDbKind})`, () => {
  it('lets an admin, a CEO and an operator (on the selected customer) list, create and revoke, and only their own', async () => {
    const { customerId } = await makeCustomer(env.t.handle, { count: 1 });
    const other = await makeCustomer(env.t.handle, { count: 1 });
    const admin = await makeUser(env.services, 'admin', customerId);
    const ceo = await makeUser(env.services, 'ceo', customerId);
    const operator = { ...(await makeUser(env.services, 'operator', null)), activeCustomerId: customerId };
    const outsider = await makeUser(env.services, 'admin', other.customerId);
    for (const user of [admin, ceo, operator]) {
      const api = callerAs(env.services, user);
      const { key } = await api.apiKeys.create({ label: `by ${user.role}` });
      expect((await api.apiKeys.list()).map((k) => k.id)).toContain(key.id);
      await expect(callerAs(env.services, outsider).apiKeys.revoke({ id: key.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await api.apiKeys.revoke({ id: key.id });
    }
    expect(await callerAs(env.services, outsider).apiKeys.list()).toEqual([]);
    const listed = await callerAs(env.services, admin).apiKeys.list();
    expect(listed.map((k) => [k.label, k.createdBy, k.revokedAt !== null])).toEqual(
      expect.arrayContaining([
        ['by admin', admin.email, true],
        ['by ceo', ceo.email, true],
        ['by operator', operator.email, true],
      ]),
    );
  });
});
