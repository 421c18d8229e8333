/**
 * The dashboard tallies (maintained by triggers, drizzle/0008) stay equal to a from-scratch recount (the
 * enrollment_*_counts views) through every write path that moves them: link generation, sending, opening,
 * enrollment, changed choices and withdrawal, reissue, roster re-imports with joiners, leavers and moves, returning
 * people — and folding. The admin figures read from the tallies match the recount too.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/channels.ts';
import { MAX_UPLOAD_BYTES } from '../../shared/roster.ts';
import type { SessionUser } from '../../server/auth/auth.ts';
import { rowsOf } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { readCsv } from '../../server/roster/csv.ts';
import { foldTally, TALLIES } from '../../server/services/admin.ts';
import { issueEnrollmentLinks } from '../../server/services/enrollment-links.ts';
import { storeUpload } from '../../server/services/roster.ts';
import { callerFor, enroll } from '../helpers/caller.ts';
import { testDbKind } from '../helpers/db.ts';
import { makeCustomer } from '../helpers/factories.ts';
import { callerAs, makeUser, useTestServices } from '../helpers/services.ts';

const env = useTestServices();

const VIEWS: Record<string, string> = {
  enrollment_cell_tallies: 'enrollment_cell_counts',
  enrollment_link_tallies: 'enrollment_link_counts',
  enrollment_response_tallies: 'enrollment_response_counts',
};

const normalize = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])))
    .sort();

/** Each tally summed per key (zero totals left out) and the same from scratch, for one customer. */
async function snapshot(customerId: string) {
  return withTenant(env.t.handle, customerId, async (tx) => {
    const out: Record<string, { tally: string[]; recount: string[]; stored: number }> = {};
    for (const tally of TALLIES) {
      const keys = sql.raw(tally.keys.join(', '));
      const sums = sql.raw(tally.sums.map((c) => `sum(${c})::int as ${c}`).join(', '));
      const nonzero = sql.raw(tally.sums.map((c) => `sum(${c}) <> 0`).join(' or '));
      const summed = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`select ${keys}, ${sums} from ${sql.identifier(tally.table)} group by ${keys} having ${nonzero}`),
      );
      const recount = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`select ${keys}, ${sql.raw(tally.sums.join(', '))} from ${sql.identifier(VIEWS[tally.table]!)}`),
      );
      const [stored] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from ${sql.identifier(tally.table)}`));
      out[tally.table] = { tally: normalize(summed), recount: normalize(recount), stored: stored!.n };
    }
    return out;
  });
}

async function expectInStep(customerId: string, step: string) {
  const snap = await snapshot(customerId);
  for (const [table, { tally, recount }] of Object.entries(snap)) expect(tally, `${table} after ${step}`).toEqual(recount);
  return snap;
}

async function upload(user: SessionUser, customerId: string, content: string) {
  const reader = await readCsv(
    (async function* () {
      yield Buffer.from(content);
    })(),
    MAX_UPLOAD_BYTES,
  );
  return storeUpload(env.t.handle, customerId, { user, meta: { ipAddress: null, userAgent: null } }, 'roster.csv', reader);
}

describe(`dashboard tallies (${testDbKind})`, () => {
  it('equal a from-scratch recount after every kind of write, and folding changes no total', async () => {
    const T0 = new Date(Date.now() - 3_600_000);
    const { customerId, employees } = await makeCustomer(env.t.handle, { count: 14, now: T0 });
    const admin = await makeUser(env.services, 'admin', customerId);
    const api = callerAs(env.services, admin);
    await expectInStep(customerId, 'link generation');

    // Departments and locations, as a roster import with a mapping would set them.
    const people = employees.map((e, i) => ({
      ...e,
      department: i % 3 === 0 ? 'Sales' : 'Engineering',
      location: i % 2 === 0 ? 'Paris' : null,
    }));
    const csv = (rows: { displayName: string; email: string; department: string; location: string | null }[]) =>
      ['Full Name,Work Email,Dept,Office', ...rows.map((p) => `${p.displayName},${p.email},${p.department},${p.location ?? ''}`)].join('\n');
    const reimport = async (rows: Parameters<typeof csv>[0], step: string) => {
      const { importId } = await upload(admin, customerId, csv(rows));
      const imp = await api.roster.get({ importId });
      await api.roster.saveMapping({ importId, mapping: imp.mapping });
      await api.roster.commit({ importId });
      return expectInStep(customerId, step);
    };
    await reimport(people, 'first import (department and location changes)');

    // Sent, opened, enrolled with mixed choices, one enrollment opened but not finished.
    await api.links.exportCsv({});
    await expectInStep(customerId, 'handing out links');
    const opener = callerFor(env.t.handle);
    const view = await opener.enrollment.get({ token: people[0]!.token, language: 'en' });
    await opener.enrollment.noticeShown({ token: people[0]!.token, noticeVersionId: view.notice.versionId });
    await expectInStep(customerId, 'opening a link');
    const receipts = [];
    for (const [i, p] of people.slice(1, 9).entries()) {
      receipts.push(await enroll(env.t.handle, p.token, i % 2 ? { email: 'grant', video: 'grant' } : { messaging: 'grant' }));
    }
    await expectInStep(customerId, 'enrollments');

    // Changed choices and a full withdrawal through the manage page.
    const manage = callerFor(env.t.handle);
    await manage.consent.update({ manageToken: receipts[1]!.manageToken, action: 'withdraw', idempotencyKey: randomUUID(), channels: ['video'] });
    await manage.consent.update({
      manageToken: receipts[2]!.manageToken,
      action: 'withdraw',
      idempotencyKey: randomUUID(),
      channels: [...CHANNELS],
    });
    await expectInStep(customerId, 'changed and withdrawn consent');

    // Reissue to pending people (supersede + insert), and a link past its expiry.
    await withTenant(env.t.handle, customerId, (tx) => issueEnrollmentLinks(tx, customerId, people.slice(9).map((p) => p.id), new Date()));
    await api.links.resendPending({ requestId: randomUUID() });
    await withTenant(env.t.handle, customerId, (tx) =>
      tx.execute(sql`update enrollment_links set expires_at = now() - interval '1 minute'
        where status = 'active' and employee_id = ${people[12]!.id}`),
    );
    await expectInStep(customerId, 'reissue and expiry');

    // Re-import: two leavers (one enrolled), a mover between cells, two joiners.
    const stay = people.filter((_, i) => i !== 2 && i !== 10);
    const moved = stay.map((p, i) => (i === 0 ? { ...p, department: 'Legal', location: 'Berlin' } : p));
    const joiners = [
      { displayName: 'New One', email: 'new.one@example.test', department: 'Sales', location: 'Paris' },
      { displayName: 'New Two', email: 'new.two@example.test', department: 'Support', location: null },
    ];
    await reimport([...moved, ...joiners], 're-import with leavers, a move and joiners');
    // The leavers come back.
    const snap = await reimport([...moved, ...joiners, people[2]!, people[10]!], 'returning people');

    // Folding leaves one row per key and every total as it was.
    const reader = callerAs(env.services, admin, { now: new Date() });
    const figures = () => Promise.all([reader.admin.summary(), reader.admin.funnel(), reader.admin.timeline()]);
    const admin0 = await figures();
    await withTenant(env.t.handle, customerId, async (tx) => {
      for (const tally of TALLIES) await foldTally(tx, tally, customerId);
    });
    const folded = await expectInStep(customerId, 'folding');
    for (const [table, { tally, stored }] of Object.entries(folded)) {
      expect(stored, table).toBe(tally.length);
      expect(stored, table).toBeLessThanOrEqual(snap[table]!.stored);
    }
    expect(await figures()).toEqual(admin0);

    // The admin figures are the recount's.
    const summary = admin0[0];
    const current = await withTenant(env.t.handle, customerId, async (tx) =>
      rowsOf<{ total: number; responded: number }>(
        await tx.execute(sql`select count(*)::int as total, count(c.employee_id)::int as responded
          from employees e left join employee_consent c on c.employee_id = e.id where e.left_at is null`),
      ),
    );
    expect({ total: summary.total, responded: summary.responded }).toEqual(current[0]);
    expect(admin0[1].total).toBe(summary.total);
    expect(Object.values(admin0[1].counts).reduce((a, b) => a + b, 0)).toBe(summary.total);
  });

  it('keep tenants apart: one customer’s writes never move another’s tallies', async () => {
    const a = await makeCustomer(env.t.handle, { count: 5 });
    const b = await makeCustomer(env.t.handle, { count: 5 });
    const before = await snapshot(b.customerId);
    for (const p of a.employees) await enroll(env.t.handle, p.token, { email: 'grant' });
    expect(await snapshot(b.customerId)).toEqual(before);
    await expectInStep(a.customerId, 'enrollments in A');
  });
});
