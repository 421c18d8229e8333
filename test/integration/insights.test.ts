import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/channels.ts';
import { ACTIVITY_WEEKS } from '../../shared/schemas/insights.ts';
import { employees } from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import type { IncomingCommunication } from '../../server/services/communications.ts';
import { callerFor, enroll, grantAll } from '../helpers/caller.ts';
import { commRecord, ingest } from '../helpers/communications.ts';
import { testDbKind } from '../helpers/db.ts';
import { makeCustomer, type TestCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, useTestServices } from '../helpers/services.ts';

const DAY = 86_400_000;
const NOW = new Date();
const env = useTestServices();

/** A customer whose people (by department) all granted every channel 60 days ago. */
async function company(departments: Record<string, number>) {
  const total = Object.values(departments).reduce((a, b) => a + b, 0);
  const enrolledAt = new Date(NOW.getTime() - 60 * DAY);
  const c = await makeCustomer(env.t.handle, { count: total, now: enrolledAt });
  const byDepartment: Record<string, TestCustomer['employees']> = {};
  let next = 0;
  for (const [department, n] of Object.entries(departments)) {
    const people = c.employees.slice(next, next + n);
    next += n;
    byDepartment[department] = people;
    await withTenant(env.t.handle, c.customerId, (tx) =>
      tx.update(employees).set({ department }).where(inArray(employees.id, people.map((p) => p.id))),
    );
  }
  const manageTokens = new Map<string, string>();
  for (const e of c.employees) {
    const receipt = await enroll(env.t.handle, e.token, grantAll(['email', 'messaging', 'video', 'sms_voice']), { now: enrolledAt });
    manageTokens.set(e.id, receipt.manageToken);
  }
  const ceo = await makeUser(env.services, 'ceo', c.customerId);
  const api = callerAs(env.services, ceo, { now: NOW }).insights;
  return { ...c, byDepartment, manageTokens, ceo, api };
}

const daysAgo = (d: number, i = 0) => new Date(NOW.getTime() - d * DAY + i * 1000);
const says = (people: TestCustomer['employees'], channel: Channel, when: Date, body = 'About the plan.', times = 1): IncomingCommunication[] =>
  people.flatMap((p, i) => Array.from({ length: times }, (_, k) => commRecord(p.email, channel, { occurredAt: new Date(when.getTime() + i * 1000 + k), body, subject: null })));

const latest = ACTIVITY_WEEKS - 1;

describe(`Signal dashboard (${testDbKind})`, () => {
  it('counts activity per week by channel and department; buckets under 5 people are suppressed, with a complementary bucket', async () => {
    const c = await company({ Sales: 6, Ops: 3, Marketing: 7 });
    await ingest(env.t.handle, c.customerId, [
      ...says(c.byDepartment.Sales!, 'email', daysAgo(1), 'About the plan.', 2),
      ...says(c.byDepartment.Ops!, 'email', daysAgo(2)),
      ...says(c.byDepartment.Marketing!, 'messaging', daysAgo(3)),
      // Two weeks earlier: only Marketing, on email.
      ...says(c.byDepartment.Marketing!, 'email', daysAgo(16)),
    ]);
    const a = await c.api.activity();
    expect(a.weeks).toHaveLength(ACTIVITY_WEEKS);
    expect(a.weeks[latest]!.to).toBe(NOW.toISOString());
    expect(a.totals[latest]).toEqual({ suppressed: false, count: 12 + 3 + 7 });
    expect(a.totals[latest - 2]).toEqual({ suppressed: false, count: 7 });
    expect(a.totals[0]).toEqual({ suppressed: false, count: 0 });

    const dept = Object.fromEntries(a.byDepartment.map((d) => [d.department, d.cells]));
    expect(Object.keys(dept).sort()).toEqual(['Marketing', 'Ops', 'Sales']);
    // Ops (3 people) is hidden; so is the next-smallest, Sales, or Ops would be the total minus the others.
    expect(dept.Ops![latest]).toEqual({ suppressed: true });
    expect(dept.Sales![latest]).toEqual({ suppressed: true });
    expect(dept.Marketing![latest]).toEqual({ suppressed: false, count: 7 });
    // A week with only Marketing: the others had nobody, which is shown as 0, not as a hidden figure.
    expect(dept.Marketing![latest - 2]).toEqual({ suppressed: false, count: 7 });
    expect(dept.Sales![latest - 2]).toEqual({ suppressed: false, count: 0 });

    const channel = Object.fromEntries(a.byChannel.map((x) => [x.channel, x.cells]));
    expect(channel.email![latest]).toEqual({ suppressed: false, count: 15 });
    expect(channel.messaging![latest]).toEqual({ suppressed: false, count: 7 });
    expect(channel.video![latest]).toEqual({ suppressed: false, count: 0 });
  });

  it('counts the people of hidden channels once each: the same 3 people on two small channels do not cover 5', async () => {
    const c = await company({ Sales: 10 });
    const few = c.byDepartment.Sales!.slice(0, 3);
    await ingest(env.t.handle, c.customerId, [
      ...says(c.byDepartment.Sales!, 'email', daysAgo(1)),
      ...says(few, 'messaging', daysAgo(1)),
      ...says(few, 'video', daysAgo(1)),
    ]);
    const a = await c.api.activity();
    const channel = Object.fromEntries(a.byChannel.map((x) => [x.channel, x.cells]));
    expect(channel.messaging![latest]).toEqual({ suppressed: true });
    expect(channel.video![latest]).toEqual({ suppressed: true });
    // Summed, the two hidden channels would "cover" 6; they are 3 people, so email is hidden too.
    expect(channel.email![latest]).toEqual({ suppressed: true });
    expect(channel.sms_voice![latest]).toEqual({ suppressed: false, count: 0 });
    expect(a.totals[latest]).toEqual({ suppressed: false, count: 16 });
  });

  it('suppresses a whole week of fewer than 5 people, total included', async () => {
    const c = await company({ Sales: 4 });
    await ingest(env.t.handle, c.customerId, says(c.byDepartment.Sales!, 'email', daysAgo(1)));
    const a = await c.api.activity();
    expect(a.totals[latest]).toEqual({ suppressed: true });
    expect(a.byChannel.find((x) => x.channel === 'email')!.cells[latest]).toEqual({ suppressed: true });
    expect(a.byDepartment[0]!.cells[latest]).toEqual({ suppressed: true });
    expect(JSON.stringify(a)).not.toContain('"count":4');
  });

  it('shows terms of the last 7 days against the 7 before, only when used by at least 5 people, as written', async () => {
    const c = await company({ Sales: 6, Ops: 6 });
    const [s, o] = [c.byDepartment.Sales!, c.byDepartment.Ops!];
    // A colleague's name is never a topic, however many people write it.
    await withTenant(env.t.handle, c.customerId, (tx) => tx.update(employees).set({ displayName: 'Fatima Haddad' }).where(inArray(employees.id, [o[5]!.id])));
    await ingest(env.t.handle, c.customerId, [
      // Last 7 days: pipeline 6 people × 2, hiring 5 people, merger 4 people.
      ...says(s, 'email', daysAgo(1), 'About the pipeline with Fatima.', 2),
      ...says(o.slice(0, 5), 'email', daysAgo(2), 'About the hiring.'),
      ...says(o.slice(0, 4), 'messaging', daysAgo(3), 'About the merger.'),
      // The 7 days before: pipeline 5 people, budget 6 people, hiring 3 people.
      ...says(s.slice(0, 5), 'email', daysAgo(9), 'About the pipeline.'),
      ...says(o, 'email', daysAgo(10), 'About the budgets.'),
      ...says(s.slice(0, 3), 'email', daysAgo(11), 'About the hiring.'),
      // Numbers and older messages never count.
      ...says([...s, ...o], 'email', daysAgo(4), 'About 2026 and 42.'),
      ...says([...s, ...o], 'email', daysAgo(12), 'About 2026 and 42.'),
      ...says([...s, ...o], 'email', daysAgo(20), 'About the lawsuit.'),
    ]);
    const terms = await c.api.terms();
    expect(terms.current.to).toBe(NOW.toISOString());
    // Shares of the messages of each window: 33 in the last 7 days, 26 in the 7 before (all read: a small store).
    expect(terms.sample).toEqual({ current: 33, previous: 26, estimated: false });
    expect(terms.top).toEqual([
      { term: 'pipeline', current: 12 / 33, previous: 5 / 26, trend: 'rising' },
      { term: 'hiring', current: 5 / 33, previous: null, trend: 'new' },
    ]);
    expect(terms.falling).toEqual([{ term: 'budgets', current: null, previous: 6 / 26, trend: 'gone' }]);
    const shown = [...terms.top, ...terms.falling].map((x) => x.term).join(' ');
    expect(shown).not.toMatch(/merger|lawsuit|fatima|\d/i);
  });

  it('reads a time-stratified sample of a large store and says the figures are estimates', async () => {
    const c = await company({ Sales: 5 });
    await ingest(env.t.handle, c.customerId, says(c.byDepartment.Sales!, 'email', daysAgo(1.3), 'About the pipeline.', 14));
    const terms = await c.api.terms();
    expect(terms.sample).toEqual({ current: 60, previous: 0, estimated: true });
    expect(terms.top).toEqual([{ term: 'pipeline', current: 1, previous: null, trend: 'new' }]);
  });

  it('is the CEO’s only, and one customer never sees another’s activity', async () => {
    const a = await company({ Sales: 5 });
    const b = await company({ Sales: 5 });
    await ingest(env.t.handle, b.customerId, says(b.byDepartment.Sales!, 'email', daysAgo(1), 'About the acquisition.'));
    const activityA = await a.api.activity();
    expect(activityA.totals[latest]).toEqual({ suppressed: false, count: 0 });
    expect((await a.api.terms()).top).toEqual([]);
    expect((await b.api.terms()).top.map((x) => x.term)).toEqual(['acquisition']);

    const admin = await makeUser(env.services, 'admin', a.customerId);
    await expect(callerAs(env.services, admin).insights.activity()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(env.services, admin).insights.terms()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('keeps computed figures for 10 minutes: new messages show after that', async () => {
    const c = await company({ Sales: 5 });
    await ingest(env.t.handle, c.customerId, says(c.byDepartment.Sales!, 'email', daysAgo(1)));
    expect((await c.api.activity()).totals[latest]).toEqual({ suppressed: false, count: 5 });
    await ingest(env.t.handle, c.customerId, says(c.byDepartment.Sales!, 'email', daysAgo(0.5)));
    expect((await c.api.activity()).totals[latest]).toEqual({ suppressed: false, count: 5 });
    const later = callerAs(env.services, c.ceo, { now: new Date(NOW.getTime() + 11 * 60_000) }).insights;
    expect((await later.activity()).totals[latest]).toEqual({ suppressed: false, count: 10 });
  });

  it('drops what a withdraw purged: one person fewer takes the week under 5 people', async () => {
    const c = await company({ Sales: 5 });
    await ingest(env.t.handle, c.customerId, says(c.byDepartment.Sales!, 'email', daysAgo(1), 'About the pipeline.'));
    expect((await c.api.activity()).totals[latest]).toEqual({ suppressed: false, count: 5 });
    expect((await c.api.terms()).top.map((x) => x.term)).toEqual(['pipeline']);
    const person = c.byDepartment.Sales![0]!;
    await callerFor(env.t.handle).consent.update({
      manageToken: c.manageTokens.get(person.id)!,
      action: 'withdraw',
      idempotencyKey: randomUUID(),
      channels: ['email'],
    });
    expect((await c.api.activity()).totals[latest]).toEqual({ suppressed: true });
    expect((await c.api.terms()).top).toEqual([]);
  });
});
