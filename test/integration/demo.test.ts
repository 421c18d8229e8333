/** The first-start demo: Acme with its roster, a day of enrollment, and one login per role; a restart adds nothing. */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../server/db/client.ts';
import { listTenantIds, withTenant } from '../../server/db/tenant.ts';
import { DEMO_LOGINS, ensureDemo } from '../../server/seed/demo.ts';
import { testDbKind } from '../helpers/db.ts';
import { callerAs, useTestServices } from '../helpers/services.ts';

const env = useTestServices();

// The demo only seeds an empty database; the shared PostgreSQL of the test run already has other customers.
describe.runIf(testDbKind === 'pglite')('demo seed', () => {
  it('seeds Acme, enrolls some people through the real path, and creates the three logins once', async () => {
    const now = new Date();
    const first = await ensureDemo(env.services, { now, password: 'demo password 123' });
    expect(first.created).toBe(true);
    expect(first.links).toHaveLength(3);
    expect(first.logins.map((l) => l.role)).toEqual(['operator', 'admin', 'ceo']);

    const [customerId] = await listTenantIds(env.t.handle);
    const counts = await withTenant(env.t.handle, customerId!, async (tx) =>
      rowsOf<{ employees: number; consented: number; events: number; confirmed: number; checks: number; closed: number }>(
        await tx.execute(sql`select (select count(*) from employees)::int as employees,
          (select count(*) from employee_consent)::int as consented,
          (select count(*) from consent_events)::int as events,
          (select count(*) from checklist_items where status = 'confirmed')::int as confirmed,
          (select count(*) from post_onboarding_checks)::int as checks,
          (select count(*) from onboarding_sessions where closed_at is not null)::int as closed`),
      ),
    );
    expect(counts[0]).toEqual({ employees: 25, consented: 21, events: 84, confirmed: 6, checks: 4, closed: 1 });

    // Signal's demo data: 10,000+ communications, each channel from at least five people, in several languages.
    const signal = await withTenant(env.t.handle, customerId!, async (tx) =>
      rowsOf<{ channel: string; n: number; people: number; languages: number }>(
        await tx.execute(sql`select channel, count(*)::int as n, count(distinct employee_id)::int as people,
          count(distinct language)::int as languages from communications group by channel order by channel`),
      ),
    );
    expect(signal.map((c) => c.channel)).toEqual(['email', 'messaging', 'sms_voice', 'video']);
    expect(signal.reduce((sum, c) => sum + c.n, 0)).toBeGreaterThanOrEqual(10_000);
    for (const c of signal) expect(c.people, c.channel).toBeGreaterThanOrEqual(5);
    expect(Math.max(...signal.map((c) => c.languages))).toBeGreaterThanOrEqual(5);

    const again = await ensureDemo(env.services, { now, password: 'demo password 123' });
    expect(again.created).toBe(false);
    expect(await listTenantIds(env.t.handle)).toHaveLength(1);

    // The demo admin belongs to Acme and sees its logins (admin and CEO).
    const admin = { id: 'x', email: DEMO_LOGINS.admin.email, name: 'a', role: 'admin' as const, customerId: customerId!, language: null, activeCustomerId: null, sessionToken: 'x' };
    const users = await callerAs(env.services, admin).customers.users();
    expect(users.map((u) => u.role).sort()).toEqual(['admin', 'ceo']);
  });
});
