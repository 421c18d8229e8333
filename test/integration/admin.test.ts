/**
 * Admin panel over the real routers: enrollment rates with small-group and complementary suppression, the link
 * funnel, the timeline, the people list, identity corrections, the role matrix and the tenant boundary — and the
 * privacy rule at the API level: no output carries one person's choices, and swapping two people's choices changes
 * nothing an admin can see.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CHANNELS, type Channel } from '../../shared/channels.ts';
import {
  ZCorrection,
  ZEnrollmentSummary,
  ZFunnel,
  ZPeoplePage,
  ZPersonRow,
  ZTimeline,
} from '../../shared/schemas/admin.ts';
import {
  auditLog,
  employees,
  enrollmentLinks,
  identityCorrections,
  onboardingSessions,
} from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { appCodeOf } from '../../server/errors.ts';
import { addEmployees, type NewEmployee } from '../../server/services/customers.ts';
import { issueEnrollmentLinks } from '../../server/services/enrollment-links.ts';
import { callerFor, enroll, grantAll, submission } from '../helpers/caller.ts';
import { makeCustomer, makeEmployee } from '../helpers/factories.ts';
import { callerAs, makeUser, useTestServices } from '../helpers/services.ts';

const env = useTestServices();

const DAY = 24 * 3_600_000;
const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);

type Choice = 'all' | 'none' | Partial<Record<Channel, 'grant' | 'deny'>>;
type Spec = Partial<NewEmployee> & {
  /** none: no link; fresh: issued at T0; old: issued 8 days before T0 (expired). */
  link?: 'none' | 'fresh' | 'old';
  sent?: boolean;
  open?: boolean;
  choice?: Choice;
  respondAt?: Date;
  left?: boolean;
};

/** A customer whose people are exactly `specs`; responses are recorded through the employee API. */
async function build(specs: Spec[], opts: { channels?: Channel[] } = {}) {
  const { customerId } = await makeCustomer(env.t.handle, { count: 0, channels: opts.channels });
  const people = await withTenant(env.t.handle, customerId, async (tx) => {
    const rows = await addEmployees(
      tx,
      customerId,
      specs.map((s) => makeEmployee(Object.fromEntries(Object.entries(s).filter(([k]) => k in makeEmployee())))),
    );
    const tokens = new Map<string, string>();
    for (const [kind, when] of [
      ['fresh', T0],
      ['old', new Date(T0.getTime() - 8 * DAY)],
    ] as const) {
      const ids = rows.filter((_, i) => (specs[i]!.link ?? 'fresh') === kind).map((r) => r.id);
      for (const link of await issueEnrollmentLinks(tx, customerId, ids, when)) tokens.set(link.employeeId, link.token);
    }
    const sent = rows.filter((r, i) => specs[i]!.sent && tokens.has(r.id)).map((r) => tokens.get(r.id)!);
    if (sent.length) await tx.update(enrollmentLinks).set({ sentAt: T0, sentVia: 'email' }).where(inArray(enrollmentLinks.token, sent));
    return rows.map((r) => ({ ...r, token: tokens.get(r.id) ?? null }));
  });
  for (const [i, spec] of specs.entries()) {
    const person = people[i]!;
    if (spec.choice && person.token) {
      const decisions = spec.choice === 'all' ? grantAll(CHANNELS) : spec.choice === 'none' ? {} : spec.choice;
      await enroll(env.t.handle, person.token, decisions, { now: spec.respondAt ?? at(1) });
    } else if (spec.open && person.token) {
      const api = callerFor(env.t.handle, { now: at(1) });
      const view = await api.enrollment.get({ token: person.token, language: 'en' });
      await api.enrollment.noticeShown({ token: person.token, noticeVersionId: view.notice.versionId });
    }
  }
  const leavers = people.filter((_, i) => specs[i]!.left).map((p) => p.id);
  if (leavers.length) {
    await withTenant(env.t.handle, customerId, (tx) =>
      tx.update(employees).set({ leftAt: at(1) }).where(inArray(employees.id, leavers)),
    );
  }
  return { customerId, people };
}

async function expectAppError(promise: Promise<unknown>, appCode: string, httpCode?: TRPCError['code']) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${appCode}`).toBeInstanceOf(TRPCError);
  expect(appCodeOf(error as TRPCError)).toBe(appCode);
  if (httpCode) expect((error as TRPCError).code).toBe(httpCode);
}

const repeat = (n: number, spec: Spec): Spec[] => Array.from({ length: n }, () => ({ ...spec }));
const allowed = (counts: Partial<Record<Channel, number>>) =>
  CHANNELS.map((channel) => ({ channel, count: counts[channel] ?? 0 }));

async function adminOf(customerId: string, now = at(2)) {
  return callerAs(env.services, await makeUser(env.services, 'admin', customerId), { now });
}

describe(`admin panel: enrollment rates (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('computes overall, department and location figures and hides small groups and their complements', async () => {
    const eng = { department: 'Engineering', location: 'London' };
    const sales = { department: 'Sales', location: 'Paris' };
    const legal = { department: 'Legal', location: 'London' };
    const ops = { department: 'Ops', location: null };
    const { customerId } = await build([
      ...repeat(4, { ...eng, choice: { email: 'grant', messaging: 'grant' } }),
      { ...eng, choice: { email: 'grant', sms_voice: 'grant' } },
      { ...eng, choice: { email: 'grant' } },
      ...repeat(2, { ...eng }),
      ...repeat(5, { ...sales, choice: 'all' }),
      { ...sales },
      { ...legal, choice: 'all' },
      { ...legal, choice: 'none' },
      { ...legal },
      { ...ops, choice: 'none' },
      ...repeat(4, { ...ops }),
      { ...eng, choice: 'all', left: true },
    ]);
    const summary = await (await adminOf(customerId)).admin.summary();
    expect(summary.total).toBe(22);
    expect(summary.responded).toBe(14);
    expect(summary.overallChannels).toEqual({
      suppressed: false,
      respondents: 14,
      allowed: allowed({ email: 12, messaging: 10, video: 6, sms_voice: 7 }),
    });
    expect(summary.byDepartment).toEqual([
      {
        key: 'Engineering',
        response: { suppressed: false, total: 8, responded: 6 },
        channels: { suppressed: false, respondents: 6, allowed: allowed({ email: 6, messaging: 4, sms_voice: 1 }) },
      },
      // Legal (2) and Ops (1) are under 5; together still under 5, so Sales (5) is hidden as well.
      { key: 'Legal', response: { suppressed: true }, channels: { suppressed: true } },
      { key: 'Ops', response: { suppressed: false, total: 5, responded: 1 }, channels: { suppressed: true } },
      { key: 'Sales', response: { suppressed: false, total: 6, responded: 5 }, channels: { suppressed: true } },
    ]);
    expect(summary.byLocation).toEqual([
      {
        key: 'London',
        response: { suppressed: false, total: 11, responded: 8 },
        channels: {
          suppressed: false,
          respondents: 8,
          allowed: allowed({ email: 7, messaging: 5, video: 1, sms_voice: 2 }),
        },
      },
      // The one small group (no location, 1) takes the next smallest (Paris) with it.
      { key: 'Paris', response: { suppressed: false, total: 6, responded: 5 }, channels: { suppressed: true } },
      { key: null, response: { suppressed: false, total: 5, responded: 1 }, channels: { suppressed: true } },
    ]);
  });

  it('never returns a channel number for fewer than 5 respondents, even overall', async () => {
    const { customerId } = await build([
      ...repeat(4, { department: 'Finance', choice: 'all' }),
      ...repeat(6, { department: 'Finance' }),
    ]);
    const summary = await (await adminOf(customerId)).admin.summary();
    expect(summary.responded).toBe(4);
    expect(summary.overallChannels).toEqual({ suppressed: true });
    expect(summary.byDepartment[0]!.channels).toEqual({ suppressed: true });
    expect(JSON.stringify(summary)).not.toMatch(/allowed|respondents/);
  });

  it('shows only the customer’s own channels', async () => {
    const { customerId } = await build(repeat(5, { choice: 'all' }), { channels: ['email', 'video'] });
    const summary = await (await adminOf(customerId)).admin.summary();
    expect(summary.channels).toEqual(['email', 'video']);
    expect(summary.overallChannels).toEqual({
      suppressed: false,
      respondents: 5,
      allowed: [
        { channel: 'email', count: 5 },
        { channel: 'video', count: 5 },
      ],
    });
  });
});

describe(`admin panel: funnel, people and timeline (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('counts each current person once by the status of their newest link, expired included', async () => {
    const { customerId, people } = await build([
      ...repeat(2, { link: 'none' }),
      ...repeat(2, { link: 'fresh' }),
      ...repeat(3, { sent: true }),
      ...repeat(2, { sent: true, open: true }),
      ...repeat(2, { sent: true, choice: 'none' }),
      ...repeat(2, { link: 'old', sent: true }),
      { sent: true, left: true },
      { link: 'old', sent: true },
    ]);
    // The last person got a fresh link after the old one expired: that newer link decides.
    const last = people.at(-1)!;
    await withTenant(env.t.handle, customerId, async (tx) => {
      const [link] = await issueEnrollmentLinks(tx, customerId, [last.id], T0);
      await tx.update(enrollmentLinks).set({ sentAt: T0 }).where(eq(enrollmentLinks.token, link!.token));
    });
    const admin = await adminOf(customerId);
    const funnel = await admin.admin.funnel();
    expect(funnel).toEqual({ total: 14, counts: { not_sent: 4, sent: 4, opened: 2, responded: 2, expired: 2 } });

    const expired = await admin.admin.people({ status: 'expired' });
    expect(expired.rows.map((r) => r.email).sort()).toEqual([people[11]!.email, people[12]!.email].sort());
    expect(expired.rows[0]!.linkExpiresAt).toBe(new Date(T0.getTime() - DAY).toISOString());
    for (const status of ['not_sent', 'sent', 'opened', 'responded', 'expired'] as const) {
      const page = await admin.admin.people({ status });
      expect(page.rows.length, status).toBe(funnel.counts[status]);
      expect(page.rows.every((r) => r.status === status)).toBe(true);
    }
    const all = await admin.admin.people({});
    expect(all.rows).toHaveLength(14);
    expect(all.rows.map((r) => r.email)).not.toContain(people[13]!.email);
    const withoutLink = all.rows.find((r) => r.email === people[0]!.email)!;
    expect(withoutLink).toMatchObject({ status: 'not_sent', linkSentAt: null, linkExpiresAt: null });
    expect(all.rows.find((r) => r.email === people[4]!.email)).toMatchObject({
      status: 'sent',
      linkSentAt: T0.toISOString(),
      linkExpiresAt: new Date(T0.getTime() + 7 * DAY).toISOString(),
    });
  });

  it('searches by name or email and pages by 50', async () => {
    const { customerId, people } = await build([
      ...Array.from({ length: 55 }, (_, i) => ({ displayName: `Zed ${String(i).padStart(2, '0')}` })),
      { displayName: 'Ana 100% Sure', email: 'ana_x@example.test' },
    ]);
    const admin = await adminOf(customerId);
    const first = await admin.admin.people({});
    expect(first.rows).toHaveLength(50);
    expect(first.hasMore).toBe(true);
    expect(first.rows[0]!.name).toBe('Ana 100% Sure');
    const second = await admin.admin.people({ page: 1 });
    expect(second.rows).toHaveLength(6);
    expect(second.hasMore).toBe(false);
    expect((await admin.admin.people({ search: '100%' })).rows.map((r) => r.name)).toEqual(['Ana 100% Sure']);
    expect((await admin.admin.people({ search: 'ANA_X@' })).rows).toHaveLength(1);
    expect((await admin.admin.people({ search: 'zed 0' })).rows).toHaveLength(10);
    expect(people).toHaveLength(56);
    await expectAppError(admin.admin.people({ page: -1 }), 'INVALID_INPUT', 'BAD_REQUEST');
  });

  it('finds the same people for a term matching a few (trigram index) or over a thousand (name order), never leavers', async () => {
    const { customerId } = await build([
      ...Array.from({ length: 1002 }, (_, i) => ({ displayName: `Common ${String(i).padStart(4, '0')}`, link: 'none' as const })),
      { displayName: 'Rare Common-less Person', link: 'none' },
      { displayName: 'Rare Leaver', link: 'none', left: true },
    ]);
    const admin = await adminOf(customerId);
    const many = await admin.admin.people({ search: 'common 0', page: 2 });
    expect(many.rows.map((r) => r.name)).toEqual(Array.from({ length: 50 }, (_, i) => `Common ${String(100 + i).padStart(4, '0')}`));
    expect(many.hasMore).toBe(true);
    const all = await admin.admin.people({ search: 'common', page: 20 });
    expect(all.rows.map((r) => r.name)).toEqual(['Common 1000', 'Common 1001', 'Rare Common-less Person']);
    expect(all.hasMore).toBe(false);
    const last = await admin.admin.people({ search: 'COMMON 1', page: 0 });
    expect(last.rows.map((r) => r.name)).toEqual(['Common 1000', 'Common 1001']);
    expect((await admin.admin.people({ search: 'rare' })).rows.map((r) => r.name)).toEqual(['Rare Common-less Person']);
    expect((await admin.admin.people({ search: 'common-less', status: 'not_sent' })).rows).toHaveLength(1);
    expect((await admin.admin.people({ search: 'common-less', status: 'sent' })).rows).toEqual([]);
  });

  it('draws the cumulative share from the session close, hourly then daily, against the 48 h / 80 % target', async () => {
    const { customerId } = await build([
      { choice: 'all', respondAt: at(0.5) },
      { choice: 'none', respondAt: at(2) },
      { choice: 'all', respondAt: at(30) },
      { choice: 'none', respondAt: at(50) },
      {},
    ]);
    const admin = await adminOf(customerId, at(100));
    const before = await admin.admin.timeline();
    expect(before.startKind).toBe('first_link');
    expect(before.startedAt).toBe(T0.toISOString());
    // The target's clock starts when the session closes, not at the first link.
    expect(before.target).toMatchObject({ at: null, outcome: 'not_started', responded: null, achieved: null });

    await withTenant(env.t.handle, customerId, (tx) =>
      tx.update(onboardingSessions).set({ closedAt: T0 }).where(eq(onboardingSessions.customerId, customerId)),
    );
    const timeline = await admin.admin.timeline();
    expect(timeline.startKind).toBe('session_closed');
    expect(timeline.total).toBe(5);
    expect(timeline.points.map((p) => p.hours)).toEqual([...Array.from({ length: 73 }, (_, h) => h), 96, 100]);
    const share = (h: number) => timeline.points.find((p) => p.hours === h)!.share;
    expect([share(0), share(1), share(2), share(30), share(48), share(50), share(100)]).toEqual([
      0, 0.2, 0.4, 0.6, 0.6, 0.8, 0.8,
    ]);
    // Judged at close + 48 h: 60 % then, so missed, though 80 % came two hours later.
    expect(timeline.target).toEqual({ share: 0.8, hours: 48, at: at(48).toISOString(), outcome: 'missed', responded: 3, achieved: 0.6 });
    expect(timeline.reachedAt).toBe(at(50).toISOString());
  });
});

describe(`admin panel: privacy of individual choices (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('has no per-person consent field in any admin output schema', () => {
    expect(Object.keys(ZPersonRow.shape).sort()).toEqual(
      ['department', 'email', 'linkExpiresAt', 'linkSentAt', 'location', 'name', 'status'].sort(),
    );
    // Strict: a resolver that leaked an extra field would fail output validation instead of sending it.
    expect(ZPersonRow.safeParse({ ...validRow, channels: ['email'] }).success).toBe(false);
    expect(ZPersonRow.shape.status.options).toEqual(['not_sent', 'sent', 'opened', 'responded', 'expired']);
    const forbidden = /consent|decision|choice|revoked|granted|denied|refused|withdraw/i;
    for (const schema of [ZPeoplePage, ZCorrection, ZFunnel, ZTimeline, ZEnrollmentSummary]) {
      expect(keysOf(schema).filter((k) => forbidden.test(k))).toEqual([]);
    }
    // Channels appear only inside group figures, never next to a name or an email.
    expect(keysOf(ZPeoplePage)).not.toContain('channel');
    expect(keysOf(ZCorrection)).not.toContain('channel');
  });

  it('makes someone who allowed everything indistinguishable from someone who refused everything', async () => {
    // Two customers, identical except that Ada's and Bo's choices are swapped.
    const base = (first: Choice, second: Choice): Spec[] => [
      { displayName: 'Ada', email: 'ada@example.test', choice: first },
      { displayName: 'Bo', email: 'bo@example.test', choice: second },
      ...Array.from({ length: 5 }, (_, i) => ({
        displayName: `Other ${i}`,
        email: `other${i}@example.test`,
        choice: (i % 2 ? 'all' : { email: 'grant' }) as Choice,
      })),
      { displayName: 'Cy', email: 'cy@example.test', sent: true },
    ];
    const x = await build(base('all', 'none'));
    const y = await build(base('none', 'all'));
    const outputs = async (customerId: string) => {
      const admin = await adminOf(customerId);
      return {
        summary: await admin.admin.summary(),
        funnel: await admin.admin.funnel(),
        timeline: await admin.admin.timeline(),
        people: await admin.admin.people({}),
        responded: await admin.admin.people({ status: 'responded' }),
        ada: await admin.admin.people({ search: 'ada' }),
        corrections: await admin.admin.corrections({}),
      };
    };
    const [ox, oy] = [await outputs(x.customerId), await outputs(y.customerId)];
    expect(ox.summary.overallChannels.suppressed).toBe(false);
    expect(ox).toEqual(oy);
    const strip = ({ name: _n, email: _e, ...rest }: { name: string; email: string }) => rest;
    const [ada, bo] = ['Ada', 'Bo'].map((n) => ox.people.rows.find((r) => r.name === n)!);
    expect(strip(ada!)).toEqual(strip(bo!));
  });
});

const validRow = {
  name: 'A',
  email: 'a@example.test',
  department: null,
  location: null,
  status: 'sent',
  linkSentAt: null,
  linkExpiresAt: null,
};

/** Every object key anywhere in a zod schema. */
function keysOf(schema: unknown): string[] {
  const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([k, v]) => [k, ...keysOf(v)]);
    case 'array':
      return keysOf(def.element);
    case 'union':
      return (def.options as unknown[]).flatMap(keysOf);
    case 'record':
      return keysOf(def.valueType);
    case 'nullable':
    case 'optional':
    case 'default':
      return keysOf(def.innerType);
    default:
      return [];
  }
}

describe(`admin panel: identity corrections (${process.env.TEST_DB ?? 'pglite'})`, () => {
  async function submitWithCorrections(token: string, identity: Partial<{ email: string; displayName: string; slack: string }>) {
    const api = callerFor(env.t.handle, { now: at(1) });
    const view = await api.enrollment.get({ token, language: 'en' });
    const base = submission(token, view);
    await api.enrollment.submit({
      ...base,
      identity: {
        email: identity.email ?? view.identity.email,
        displayName: identity.displayName ?? view.identity.displayName,
        platformIds: { ...view.identity.platformIds, ...(identity.slack !== undefined ? { slack: identity.slack } : {}) },
      },
    });
  }

  async function setup() {
    const { customerId, people } = await build([
      { displayName: 'Dana Old', email: 'dana@example.test', platformIds: { slack: '@dana' } },
      { displayName: 'Eli', email: 'eli@example.test' },
    ]);
    await submitWithCorrections(people[0]!.token!, {
      email: 'eli@example.test',
      displayName: 'Dana New',
      slack: '@dana.new',
    });
    const operator = await makeUser(env.services, 'operator', null);
    return {
      customerId,
      people,
      admin: await adminOf(customerId),
      ceo: callerAs(env.services, await makeUser(env.services, 'ceo', customerId), { now: at(2) }),
      operator: callerAs(env.services, { ...operator, activeCustomerId: customerId }, { now: at(2) }),
    };
  }

  const audits = (customerId: string, target: string) =>
    withTenant(env.t.handle, customerId, (tx) =>
      tx.select().from(auditLog).where(and(eq(auditLog.customerId, customerId), eq(auditLog.target, target))),
    );
  const employee = (customerId: string, id: string) =>
    withTenant(env.t.handle, customerId, async (tx) => (await tx.select().from(employees).where(eq(employees.id, id)))[0]!);

  it('lists pending corrections with name, field, old and new value', async () => {
    const { ceo, people } = await setup();
    const list = await ceo.admin.corrections({});
    expect(list.map(({ field, oldValue, newValue, employeeName, status }) => ({ field, oldValue, newValue, employeeName, status })))
      .toEqual(
        expect.arrayContaining([
          { field: 'email', oldValue: 'dana@example.test', newValue: 'eli@example.test', employeeName: 'Dana Old', status: 'pending_review' },
          { field: 'displayName', oldValue: 'Dana Old', newValue: 'Dana New', employeeName: 'Dana Old', status: 'pending_review' },
          { field: 'platformIds.slack', oldValue: '@dana', newValue: '@dana.new', employeeName: 'Dana Old', status: 'pending_review' },
        ]),
      );
    expect(list).toHaveLength(3);
    expect(list[0]!.submittedAt).toBe(at(1).toISOString());
    expect(people).toHaveLength(2);
  });

  it('accepts into the roster with an audit entry; a retry returns the same; a different decision conflicts', async () => {
    const { customerId, people, admin, operator } = await setup();
    const list = await admin.admin.corrections({});
    const name = list.find((c) => c.field === 'displayName')!;
    const slack = list.find((c) => c.field === 'platformIds.slack')!;

    const accepted = await admin.admin.decideCorrection({ id: name.id, decision: 'accept' });
    expect(accepted).toMatchObject({ id: name.id, status: 'accepted', employeeName: 'Dana New' });
    expect((await employee(customerId, people[0]!.id)).displayName).toBe('Dana New');
    expect(await admin.admin.decideCorrection({ id: name.id, decision: 'accept' })).toEqual(accepted);
    await expectAppError(admin.admin.decideCorrection({ id: name.id, decision: 'reject' }), 'ALREADY_DECIDED', 'CONFLICT');
    const trail = await audits(customerId, name.id);
    expect(trail.map((a) => a.action)).toEqual(['correction.accepted']);
    expect(trail[0]).toMatchObject({ actorRole: 'admin', ipAddress: '198.51.100.9' });
    expect(trail[0]!.details).toMatchObject({ field: 'displayName', oldValue: 'Dana Old', newValue: 'Dana New' });

    await operator.admin.decideCorrection({ id: slack.id, decision: 'accept' });
    expect((await employee(customerId, people[0]!.id)).platformIds).toMatchObject({ slack: '@dana.new' });
    expect((await admin.admin.corrections({})).map((c) => c.field)).toEqual(['email']);
    expect((await admin.admin.corrections({ status: 'accepted' })).map((c) => c.field).sort()).toEqual([
      'displayName',
      'platformIds.slack',
    ]);
  });

  it('refuses an email another person already has, writing nothing; rejecting leaves the roster alone', async () => {
    const { customerId, people, admin } = await setup();
    const email = (await admin.admin.corrections({})).find((c) => c.field === 'email')!;
    await expectAppError(admin.admin.decideCorrection({ id: email.id, decision: 'accept' }), 'EMAIL_TAKEN', 'CONFLICT');
    expect((await employee(customerId, people[0]!.id)).email).toBe('dana@example.test');
    expect(await audits(customerId, email.id)).toEqual([]);
    const [row] = await withTenant(env.t.handle, customerId, (tx) =>
      tx.select().from(identityCorrections).where(eq(identityCorrections.id, email.id)),
    );
    expect(row!.status).toBe('pending_review');

    const rejected = await admin.admin.decideCorrection({ id: email.id, decision: 'reject' });
    expect(rejected.status).toBe('rejected');
    expect((await employee(customerId, people[0]!.id)).email).toBe('dana@example.test');
    expect((await audits(customerId, email.id)).map((a) => a.action)).toEqual(['correction.rejected']);
    expect(await admin.admin.decideCorrection({ id: email.id, decision: 'reject' })).toEqual(rejected);
  });

  it('accepts a new email address when it is free', async () => {
    const { customerId, people } = await build([{ email: 'fay@example.test' }]);
    await submitWithCorrections(people[0]!.token!, { email: 'fay.new@example.test' });
    const admin = await adminOf(customerId);
    const [c] = await admin.admin.corrections({});
    await admin.admin.decideCorrection({ id: c!.id, decision: 'accept' });
    expect((await employee(customerId, people[0]!.id)).email).toBe('fay.new@example.test');
    expect((await admin.admin.people({ search: 'fay.new' })).rows).toHaveLength(1);
  });
});

describe(`admin panel: roles and tenants (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('lets operator, admin and ceo read; only operator and admin decide; signed-out gets UNAUTHORIZED', async () => {
    const { customerId, people } = await build([{ email: 'gil@example.test', choice: undefined }]);
    const api = callerFor(env.t.handle, { now: at(1) });
    const view = await api.enrollment.get({ token: people[0]!.token!, language: 'en' });
    await api.enrollment.submit({ ...submission(people[0]!.token!, view), identity: { ...view.identity, displayName: 'Gil R.' } });

    const anonymous = callerAs(env.services, null);
    for (const call of [
      anonymous.admin.summary(),
      anonymous.admin.funnel(),
      anonymous.admin.timeline(),
      anonymous.admin.people({}),
      anonymous.admin.corrections({}),
      anonymous.admin.decideCorrection({ id: randomUUID(), decision: 'accept' }),
    ]) {
      await expectAppError(call, 'UNAUTHENTICATED', 'UNAUTHORIZED');
    }

    const operator = await makeUser(env.services, 'operator', null);
    await expectAppError(callerAs(env.services, operator).admin.summary(), 'NO_CUSTOMER_SELECTED', 'PRECONDITION_FAILED');
    const readers = [
      callerAs(env.services, { ...operator, activeCustomerId: customerId }),
      callerAs(env.services, await makeUser(env.services, 'admin', customerId)),
      callerAs(env.services, await makeUser(env.services, 'ceo', customerId)),
    ];
    for (const reader of readers) {
      expect((await reader.admin.summary()).total).toBe(1);
      expect((await reader.admin.funnel()).counts.responded).toBe(1);
      expect((await reader.admin.timeline()).total).toBe(1);
      expect((await reader.admin.people({})).rows).toHaveLength(1);
      expect(await reader.admin.corrections({})).toHaveLength(1);
    }
    const [ceo] = readers.slice(2);
    const [correction] = await ceo!.admin.corrections({});
    await expectAppError(ceo!.admin.decideCorrection({ id: correction!.id, decision: 'accept' }), 'FORBIDDEN', 'FORBIDDEN');
    await expectAppError(ceo!.admin.decideCorrection({ id: correction!.id, decision: 'reject' }), 'FORBIDDEN', 'FORBIDDEN');
    expect((await ceo!.admin.corrections({}))[0]!.status).toBe('pending_review');
  });

  it('never shows customer A’s figures, people or corrections to customer B', async () => {
    const a = await build([
      ...repeat(6, { department: 'A-dept', location: 'A-town', choice: 'all' }),
      { email: 'only-in-a@example.test', sent: true },
    ]);
    await (async () => {
      const api = callerFor(env.t.handle, { now: at(1) });
      const view = await api.enrollment.get({ token: a.people[6]!.token!, language: 'en' });
      await api.enrollment.submit({ ...submission(a.people[6]!.token!, view), identity: { ...view.identity, displayName: 'Renamed' } });
    })();
    const b = await build([{ department: 'B-dept', sent: true }]);
    const adminA = await adminOf(a.customerId);
    const adminB = await adminOf(b.customerId);
    const [correctionA] = await adminA.admin.corrections({});
    expect(correctionA).toBeDefined();

    const summaryB = await adminB.admin.summary();
    expect(summaryB.total).toBe(1);
    expect(JSON.stringify(summaryB)).not.toMatch(/A-dept|A-town/);
    expect(await adminB.admin.funnel()).toEqual({ total: 1, counts: { not_sent: 0, sent: 1, opened: 0, responded: 0, expired: 0 } });
    expect((await adminB.admin.people({ search: 'only-in-a' })).rows).toEqual([]);
    expect(await adminB.admin.corrections({})).toEqual([]);
    await expectAppError(adminB.admin.decideCorrection({ id: correctionA!.id, decision: 'accept' }), 'NOT_FOUND', 'NOT_FOUND');
    expect((await adminA.admin.corrections({}))[0]!.status).toBe('pending_review');
  });
});
