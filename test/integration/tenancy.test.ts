/**
 * Tenant isolation is enforced by PostgreSQL, not by WHERE clauses. These tests run queries that deliberately
 * forget the tenant filter. On real PostgreSQL (DATABASE_URL) the app role is a real non-owner login, which is the
 * security boundary; on PGlite the same policies are exercised through SET LOCAL ROLE.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../server/db/client.ts';
import {
  consentEvents,
  customers,
  employeeConsent,
  employees,
  enrollmentLinks,
} from '../../server/db/schema.ts';
import { listTenantIds, resolveAccessToken, withTenant } from '../../server/db/tenant.ts';
import { sqlStateOf } from '../../server/errors.ts';
import { currentNoticeVersion } from '../../server/services/notices.ts';
import { enroll } from '../helpers/caller.ts';
import { openTestDb, testDbKind, type TestDb } from '../helpers/db.ts';
import { commRecord, ingest } from '../helpers/communications.ts';
import { makeCustomer, makeEmployee, type TestCustomer } from '../helpers/factories.ts';

let t: TestDb;
let a: TestCustomer;
let b: TestCustomer;

beforeAll(async () => {
  t = await openTestDb();
  a = await makeCustomer(t.handle, { count: 2 });
  b = await makeCustomer(t.handle, { count: 2 });
  // Give B a consent record too, so B has rows in every table.
  await enroll(t.handle, b.employees[0]!.token, { email: 'grant', video: 'grant' });
});
afterAll(() => t.close());

describe(`tenant isolation (${testDbKind})`, () => {
  it('every table with customer_id has RLS enabled and forced, with a policy', async () => {
    const rows = await t.owner(`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity,
             (select count(*) from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname)::int as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r'
        and (exists (select 1 from information_schema.columns col
                     where col.table_schema = 'public' and col.table_name = c.relname and col.column_name = 'customer_id')
             or c.relname = 'customers')`);
    expect(rows.length).toBeGreaterThanOrEqual(11);
    for (const row of rows) {
      expect(row, String(row.relname)).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
      expect(Number(row.policies), String(row.relname)).toBeGreaterThan(0);
    }
    // The only tables without customer_id are the global sign-in tables, and they too are forced behind a policy
    // that admits only the auth pool's connections.
    const others = await t.owner(`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity,
             (select string_agg(p.qual, ' ') from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as quals
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and c.relname <> all($1::text[])`, [rows.map((r) => r.relname)]);
    // Failed API-key attempts name no customer: forced too, and the app may only add rows.
    const failures = others.find((r) => r.relname === 'api_auth_failures');
    expect(failures).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
    const failurePolicies = await t.owner(
      `select cmd from pg_policies where schemaname = 'public' and tablename = 'api_auth_failures'
         and roles && array['public', 'panops_app']::name[]`,
    );
    expect(failurePolicies.map((p) => p.cmd)).toEqual(['INSERT']);
    const signIn = others.filter((r) => r.relname !== 'api_auth_failures');
    expect(signIn.map((r) => r.relname).filter((name) => !String(name).startsWith('auth_'))).toEqual([]);
    for (const row of signIn) {
      expect(row, String(row.relname)).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
      expect(String(row.quals), String(row.relname)).toContain('app.auth_context');
    }
  });

  it('the app role cannot update or delete consent events, and the ledger refuses even the owner', async () => {
    const [privileges] = rowsOf<{ can_update: boolean; can_delete: boolean; can_insert: boolean }>(
      await withTenant(t.handle, a.customerId, (tx) =>
        tx.execute(sql`select has_table_privilege('consent_events', 'UPDATE') as can_update,
                              has_table_privilege('consent_events', 'DELETE') as can_delete,
                              has_table_privilege('consent_events', 'INSERT') as can_insert`),
      ),
    );
    expect(privileges).toEqual({ can_update: false, can_delete: false, can_insert: true });
    await expect(
      withTenant(t.handle, b.customerId, (tx) => tx.update(consentEvents).set({ decision: 'withdraw' })),
    ).rejects.toThrow();
    // The owner, with B's tenant set so it can see B's rows, is stopped by the append-only trigger.
    await t.owner(`select set_config('app.customer_id', $1, false)`, [b.customerId]);
    try {
      await expect(t.owner(`update consent_events set decision = 'withdraw'`)).rejects.toThrow(/append-only/);
      await expect(t.owner(`delete from consent_events`)).rejects.toThrow(/append-only/);
    } finally {
      await t.owner(`select set_config('app.customer_id', '', false)`);
    }
  });

  it('on real PostgreSQL the runtime role is not owner, superuser or BYPASSRLS', async () => {
    const [role] = rowsOf<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; owns: boolean }>(
      await withTenant(t.handle, a.customerId, (tx) =>
        tx.execute(sql`select r.rolname, r.rolsuper, r.rolbypassrls,
          exists (select 1 from pg_tables where schemaname = 'public' and tableowner = r.rolname) as owns
          from pg_roles r where r.rolname = current_user`),
      ),
    );
    expect(role).toMatchObject({ rolname: 'panops_app', rolsuper: false, rolbypassrls: false, owns: false });
  });

  it('tenant A reads only its own rows even when a query forgets its WHERE clause', async () => {
    const seen = await withTenant(t.handle, a.customerId, async (tx) => ({
      customers: await tx.select().from(customers),
      employees: await tx.select().from(employees),
      links: await tx.select().from(enrollmentLinks),
      events: await tx.select().from(consentEvents),
      projection: await tx.select().from(employeeConsent),
    }));
    expect(seen.customers.map((c) => c.id)).toEqual([a.customerId]);
    expect(new Set(seen.employees.map((e) => e.customerId))).toEqual(new Set([a.customerId]));
    expect(seen.employees).toHaveLength(2);
    expect(seen.links.every((l) => l.customerId === a.customerId)).toBe(true);
    expect(seen.events).toHaveLength(0);
    expect(seen.projection).toHaveLength(0);
  });

  it('tenant A cannot update tenant B rows: zero rows change', async () => {
    const updated = await withTenant(t.handle, a.customerId, (tx) =>
      tx.update(employees).set({ displayName: 'hijacked' }).returning(),
    );
    expect(updated.every((e) => e.customerId === a.customerId)).toBe(true);
    const bRows = await withTenant(t.handle, b.customerId, (tx) => tx.select().from(employees));
    expect(bRows.some((e) => e.displayName === 'hijacked')).toBe(false);
    const projection = await withTenant(t.handle, a.customerId, (tx) =>
      tx.update(employeeConsent).set({ revoked: true }).returning(),
    );
    expect(projection).toHaveLength(0);
  });

  it('tenant A cannot insert a row for tenant B', async () => {
    const error = await withTenant(t.handle, a.customerId, (tx) =>
      tx.insert(employees).values({ ...makeEmployee(), customerId: b.customerId }),
    ).catch((e: unknown) => e);
    expect(sqlStateOf(error)).toBe('42501');
    expect(String((error as Error).cause)).toMatch(/row-level security/);
  });

  it('with no tenant set, nothing is visible', async () => {
    const rows = await t.handle.db.transaction(async (tx) => {
      if (t.handle.kind === 'pglite') await tx.execute(sql`set local role panops_app`);
      return tx.select().from(employees);
    });
    expect(rows).toHaveLength(0);
  });

  it('the tenant setting does not leak into the next transaction on the same pool', async () => {
    await withTenant(t.handle, a.customerId, (tx) => tx.select().from(employees));
    const [row] = rowsOf<{ tenant: string | null }>(
      await t.handle.db.execute(sql`select nullif(current_setting('app.customer_id', true), '') as tenant`),
    );
    expect(row?.tenant ?? null).toBeNull();
  });

  it('the token resolver reveals only the owner of an exact token', async () => {
    const owner = await resolveAccessToken(t.handle, 'enroll', a.employees[0]!.token);
    expect(owner).toEqual({ customerId: a.customerId, employeeId: a.employees[0]!.id });
    expect(await resolveAccessToken(t.handle, 'enroll', randomUUID())).toBeNull();
    expect(await resolveAccessToken(t.handle, 'enroll', '%')).toBeNull();
    expect(await resolveAccessToken(t.handle, 'manage', a.employees[0]!.token)).toBeNull();
    expect(await listTenantIds(t.handle)).toEqual(expect.arrayContaining([a.customerId, b.customerId]));
  });

  it('the app role cannot read the tables the resolver reads, except through the function', async () => {
    const rows = await t.handle.db.transaction(async (tx) => {
      if (t.handle.kind === 'pglite') await tx.execute(sql`set local role panops_app`);
      return tx.select().from(enrollmentLinks);
    });
    expect(rows).toHaveLength(0);
  });

  it('the ledger-state function reads only the current tenant: its employees, their links, its notices', async () => {
    const state = (tx: Parameters<Parameters<typeof withTenant>[2]>[0], employeeId: string, token: string | null, notice: string | null) =>
      tx
        .execute(sql`select consent_ledger_state(${employeeId}::uuid, ${token}::uuid, ${notice}::uuid, null) as state`)
        .then((r) => rowsOf<{ state: { employee: { id: string }; link: unknown; notice: unknown } | null }>(r)[0]!.state);
    const bNotice = await withTenant(t.handle, b.customerId, (tx) => currentNoticeVersion(tx, 'en'));
    const aNotice = await withTenant(t.handle, a.customerId, (tx) => currentNoticeVersion(tx, 'en'));
    await withTenant(t.handle, a.customerId, async (tx) => {
      const own = await state(tx, a.employees[0]!.id, a.employees[0]!.token, aNotice.id);
      expect(own?.employee.id).toBe(a.employees[0]!.id);
      expect(own?.link).not.toBeNull();
      expect(own?.notice).not.toBeNull();
      expect(await state(tx, b.employees[0]!.id, null, null)).toBeNull();
      const crossed = await state(tx, a.employees[0]!.id, b.employees[0]!.token, bNotice.id);
      expect(crossed).toMatchObject({ link: null, notice: null });
      // Another employee's link of the same tenant is not this employee's either.
      expect((await state(tx, a.employees[0]!.id, a.employees[1]!.token, null))?.link).toBeNull();
    });
    const untenanted = await t.handle.db.transaction(async (tx) => {
      if (t.handle.kind === 'pglite') await tx.execute(sql`set local role panops_app`);
      return state(tx, a.employees[0]!.id, null, null);
    });
    expect(untenanted).toBeNull();
  });

  it('the full-text search function returns only the current tenant’s records, and nothing without a tenant', async () => {
    // A and B both hold a record with the same word; B's was granted above, A's employee grants email now.
    await enroll(t.handle, a.employees[1]!.token, { email: 'grant' });
    const word = `zebra7${randomUUID().slice(0, 8)}`;
    const afterGrants = new Date(Date.now() + 5);
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (const [customer, person] of [[a, a.employees[1]!], [b, b.employees[0]!]] as const) {
      const stored = await ingest(t.handle, customer.customerId, [
        commRecord(person.email, 'email', { body: `The ${word} project is late.`, occurredAt: afterGrants }),
      ]);
      expect(stored.stored).toBe(1);
    }
    const match = (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) =>
      tx.execute(sql`select m.id, c.customer_id from communication_matches(to_tsquery('simple', ${word}), null, null, null, null, 100) m
                     left join communications c on c.id = m.id`);
    const seen = rowsOf<{ customer_id: string | null }>(await withTenant(t.handle, a.customerId, match));
    expect(seen.map((r) => r.customer_id)).toEqual([a.customerId]);
    // Outside any tenant transaction the function answers nothing rather than everything.
    const bare = rowsOf(
      await t.handle.db.execute(
        sql`select * from communication_matches(to_tsquery('simple', ${word}), null, null, null, null, 100)`,
      ),
    );
    expect(bare).toEqual([]);
  });
});

