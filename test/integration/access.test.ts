/**
 * The role matrix (shared/access.ts), enforced: every procedure a signed-in user can call names a capability, and
 * each role is refused (FORBIDDEN) exactly the procedures whose capability it lacks — and is never refused the
 * others. Signed-out callers get UNAUTHORIZED everywhere but the employee's token procedures and "who am I".
 */
import { describe, expect, it } from 'vitest';
import { ACCESS, allows, CAPABILITIES } from '../../shared/access.ts';
import { appRouter } from '../../server/routers/_app.ts';
import type { ProcedureMeta } from '../../server/trpc.ts';
import { testDbKind } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, useTestServices } from '../helpers/services.ts';

const env = useTestServices();

/** Procedures reachable without signing in: the employee's token procedures and "who am I". */
const PUBLIC = /^(enrollment|consent)\.|^session\.me$/;

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>;
const paths = Object.keys(procedures);
const signedInPaths = paths.filter((p) => !PUBLIC.test(p));

function call(caller: ReturnType<typeof callerAs>, path: string) {
  const [area, name] = path.split('.') as [string, string];
  const fn = (caller as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>)[area]![name]!;
  return fn({});
}

/** The tRPC code a call ends with, or 'OK'. */
async function outcome(caller: ReturnType<typeof callerAs>, path: string): Promise<string> {
  try {
    await call(caller, path);
    return 'OK';
  } catch (error) {
    return (error as { code?: string }).code ?? 'THROWN';
  }
}

describe(`access to every procedure (${testDbKind})`, () => {
  it('every signed-in procedure names a capability of the role matrix, and every capability is used', () => {
    expect(signedInPaths.length).toBeGreaterThan(30);
    const unnamed = signedInPaths.filter((p) => !procedures[p]!._def.meta?.capability);
    expect(unnamed).toEqual([]);
    const used = new Set(signedInPaths.map((p) => procedures[p]!._def.meta!.capability));
    // `signal` is also the plain route POST /api/signal/query; every other capability has procedures.
    expect(CAPABILITIES.filter((c) => !used.has(c))).toEqual([]);
  });

  it('refuses signed-out callers everywhere but the public procedures', async () => {
    for (const path of signedInPaths) {
      await expect(call(callerAs(env.services, null), path), path).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
  });

  it('refuses each role exactly the procedures whose capability it lacks', async () => {
    const { customerId } = await makeCustomer(env.t.handle, { count: 1 });
    const users = {
      operator: { ...(await makeUser(env.services, 'operator', null)), activeCustomerId: customerId },
      admin: await makeUser(env.services, 'admin', customerId),
      ceo: await makeUser(env.services, 'ceo', customerId),
    };
    const mismatches: string[] = [];
    for (const [role, user] of Object.entries(users) as [keyof typeof users, (typeof users)[keyof typeof users]][]) {
      for (const path of signedInPaths) {
        const capability = procedures[path]!._def.meta!.capability!;
        const result = await outcome(callerAs(env.services, user), path);
        const refused = result === 'FORBIDDEN' || result === 'UNAUTHORIZED';
        if (refused === allows(capability, role)) mismatches.push(`${role} ${path} (${capability}): ${result}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe(`API keys: the operator and the customer admin, each within its own customer; not the CEO (${testDbKind})`, () => {
  it('lets an admin and an operator (on the selected customer) list, create and revoke, and only their own', async () => {
    expect(ACCESS.apiKeys).toEqual(['operator', 'admin']);
    const { customerId } = await makeCustomer(env.t.handle, { count: 1 });
    const other = await makeCustomer(env.t.handle, { count: 1 });
    const admin = await makeUser(env.services, 'admin', customerId);
    const ceo = await makeUser(env.services, 'ceo', customerId);
    const operator = { ...(await makeUser(env.services, 'operator', null)), activeCustomerId: customerId };
    const outsider = await makeUser(env.services, 'admin', other.customerId);
    for (const user of [admin, operator]) {
      const api = callerAs(env.services, user);
      const { key } = await api.apiKeys.create({ label: `by ${user.role}` });
      expect((await api.apiKeys.list()).map((k) => k.id)).toContain(key.id);
      await expect(callerAs(env.services, outsider).apiKeys.revoke({ id: key.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(callerAs(env.services, ceo).apiKeys.revoke({ id: key.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await api.apiKeys.revoke({ id: key.id });
    }
    await expect(callerAs(env.services, ceo).apiKeys.create({ label: 'by ceo' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(env.services, ceo).apiKeys.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await callerAs(env.services, outsider).apiKeys.list()).toEqual([]);
    const listed = await callerAs(env.services, admin).apiKeys.list();
    expect(listed.map((k) => [k.label, k.createdBy, k.revokedAt !== null])).toEqual(
      expect.arrayContaining([
        ['by admin', admin.email, true],
        ['by operator', operator.email, true],
      ]),
    );
  });
});
