/**
 * The roster router on PGlite and on real PostgreSQL: role matrix, tenant isolation, mapping (suggested, saved,
 * remembered), row-level validation with the file's row numbers, the diff against the current roster, and apply
 * (upsert by email, leavers kept with left_at, returning people, idempotent re-apply).
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../server/auth/auth.ts';
import type { AppServices } from '../../server/context.ts';
import { rowsOf } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { readCsv } from '../../server/roster/csv.ts';
import { storeUpload } from '../../server/services/roster.ts';
import { MAX_UPLOAD_BYTES } from '../../shared/roster.ts';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { makeCustomer, makeEmployee } from '../helpers/factories.ts';
import { callerAs, makeUser, testServices } from '../helpers/services.ts';
import { addEmployees } from '../../server/services/customers.ts';
import { issueEnrollmentLinks } from '../../server/services/enrollment-links.ts';

let t: TestDb;
let services: AppServices;

beforeAll(async () => {
  t = await openTestDb();
  services = testServices(t.handle);
});
afterAll(async () => {
  await t?.close();
});

const fixture = (name: string) => readFileSync(new URL(`../fixtures/roster/${name}`, import.meta.url));

/** The upload route's own reading and storing, without HTTP (the route itself is tested in roster-upload.test.ts). */
async function upload(user: SessionUser, customerId: string, content: string | Buffer, fileName = 'roster.csv') {
  const reader = await readCsv(
    (async function* () {
      yield Buffer.from(content);
    })(),
    MAX_UPLOAD_BYTES,
  );
  return storeUpload(t.handle, customerId, { user, meta: { ipAddress: null, userAgent: null } }, fileName, reader);
}

async function tenantWithAdmin(count = 0) {
  const { customerId, employees } = await makeCustomer(t.handle, { count });
  const admin = await makeUser(services, 'admin', customerId);
  return { customerId, employees, admin, api: callerAs(services, admin) };
}

type EmployeeRow = { email: string; display_name: string; department: string | null; location: string | null; role: string | null; platform_ids: Record<string, string>; left_at: Date | string | null };
const roster = (customerId: string) =>
  withTenant(t.handle, customerId, async (tx) =>
    rowsOf<EmployeeRow>(await tx.execute(sql`select email, display_name, department, location, role, platform_ids, left_at from employees order by email`)),
  );
const auditActions = (customerId: string) =>
  withTenant(t.handle, customerId, async (tx) =>
    rowsOf<{ action: string }>(await tx.execute(sql`select action from audit_log where action like 'roster.%' order by occurred_at, id`)).map((r) => r.action),
  );

describe(`roster router: roles and tenants (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('admits operators (with a selected customer) and the customer admin; refuses CEOs, signed-out callers and operators without a customer', async () => {
    const { customerId, admin } = await tenantWithAdmin();
    const { importId } = await upload(admin, customerId, fixture('quoted.csv'));
    const operator = await makeUser(services, 'operator', null);
    const ceo = await makeUser(services, 'ceo', customerId);

    expect((await callerAs(services, { ...operator, activeCustomerId: customerId }).roster.get({ importId })).rowCount).toBe(4);
    expect((await callerAs(services, admin).roster.list()).map((i) => i.id)).toContain(importId);

    const calls = (api: ReturnType<typeof callerAs>) => [
      () => api.roster.list(),
      () => api.roster.get({ importId }),
      () => api.roster.saveMapping({ importId, mapping: {} }),
      () => api.roster.validation({ importId }),
      () => api.roster.errorsCsv({ importId }),
      () => api.roster.diff({ importId }),
      () => api.roster.commit({ importId }),
      () => api.roster.discard({ importId }),
    ];
    for (const call of calls(callerAs(services, ceo))) await expect(call()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    for (const call of calls(callerAs(services, null))) await expect(call()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    for (const call of calls(callerAs(services, operator))) {
      await expect(call()).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', appCode: 'NO_CUSTOMER_SELECTED' });
    }
    // Nothing above changed the import.
    expect((await callerAs(services, admin).roster.get({ importId })).status).toBe('uploaded');
  });

  it("never reaches another customer's import", async () => {
    const a = await tenantWithAdmin();
    const b = await tenantWithAdmin(2);
    const { importId } = await upload(a.admin, a.customerId, fixture('quoted.csv'));
    for (const call of [
      () => b.api.roster.get({ importId }),
      () => b.api.roster.saveMapping({ importId, mapping: {} }),
      () => b.api.roster.validation({ importId }),
      () => b.api.roster.diff({ importId }),
      () => b.api.roster.commit({ importId }),
      () => b.api.roster.discard({ importId }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await b.api.roster.list()).toEqual([]);
    expect((await a.api.roster.get({ importId })).status).toBe('uploaded');
    expect(await roster(b.customerId)).toHaveLength(2);
  });

  it('rejects a malformed import id with a validation error, not a 500', async () => {
    const { api } = await tenantWithAdmin();
    await expect(api.roster.get({ importId: 'nope' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.roster.get({ importId: randomUUID() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe(`roster router: preview, mapping, validation (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('previews the first 25 rows and suggests a mapping from the headers', async () => {
    const { customerId, admin, api } = await tenantWithAdmin();
    const rows = Array.from({ length: 40 }, (_, i) => `Person ${i},p${i}@example.com,Ops,E${i}`).join('\n');
    const { importId, rowCount } = await upload(admin, customerId, `Name,Work Email,Team,Employee ID\n${rows}\n`);
    expect(rowCount).toBe(40);
    const imp = await api.roster.get({ importId });
    expect(imp).toMatchObject({
      headers: ['Name', 'Work Email', 'Team', 'Employee ID'],
      delimiter: ',',
      rowCount: 40,
      mappingSaved: false,
      mapping: { Name: 'name', 'Work Email': 'email', Team: 'department', 'Employee ID': null },
      missingRequired: [],
      missingRecommended: ['location', 'role'],
    });
    expect(imp.preview).toHaveLength(25);
    expect(imp.preview[0]).toEqual({ row: 2, values: ['Person 0', 'p0@example.com', 'Ops', 'E0'] });
    expect(imp.preview.at(-1)!.row).toBe(26);
    expect(imp.columns.map((c) => c.status)).toEqual(['ok', 'ok', 'warn', 'ignored']);
  });

  it('remembers the confirmed mapping per customer and suggests it for the next file', async () => {
    const { customerId, admin, api } = await tenantWithAdmin();
    const other = await tenantWithAdmin();
    const file = 'Name,Email,Office,Mail\nAda,ada@example.com,London,ada@teams.example\n';
    const first = await upload(admin, customerId, file);
    const saved = await api.roster.saveMapping({
      importId: first.importId,
      mapping: { Name: 'name', Email: 'email', Office: null, Mail: 'teams' },
    });
    expect(saved.mappingSaved).toBe(true);
    expect(saved.columns.find((c) => c.header === 'Mail')).toEqual({ header: 'Mail', field: 'teams', status: 'warn' });

    const second = await upload(admin, customerId, `${file}Bob,bob@example.com,Paris,bob@teams.example\n`);
    expect((await api.roster.get({ importId: second.importId })).mapping).toEqual({ Name: 'name', Email: 'email', Office: null, Mail: 'teams' });
    // Another customer still gets the plain suggestion.
    const theirs = await upload(other.admin, other.customerId, file);
    expect((await other.api.roster.get({ importId: theirs.importId })).mapping).toEqual({ Name: 'name', Email: 'email', Office: 'location', Mail: null });
  });

  it('refuses a mapping that uses a field twice or names a column the file does not have', async () => {
    const { customerId, admin, api } = await tenantWithAdmin();
    const { importId } = await upload(admin, customerId, fixture('quoted.csv'));
    await expect(api.roster.saveMapping({ importId, mapping: { 'Full Name': 'email', Email: 'email' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.roster.saveMapping({ importId, mapping: { Nope: 'email' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await api.roster.get({ importId })).mappingSaved).toBe(false);
  });

  it('reports invalid, duplicate (case-insensitive) and missing values with the rows of the file, also as CSV', async () => {
    const { customerId, admin, api } = await tenantWithAdmin();
    const { importId, rowCount } = await upload(admin, customerId, fixture('messy.csv'), 'messy.csv');
    expect(rowCount).toBe(7);
    const imp = await api.roster.get({ importId });
    expect(imp.mapping).toEqual({
      'Full Name': 'name',
      'E-mail Address': 'email',
      Dept: 'department',
      Office: 'location',
      'Job Title': 'role',
      'Slack ID': 'slack',
      Mobile: 'phone',
    });
    // Not ready until the mapping is confirmed.
    expect((await api.roster.validation({ importId })).ready).toBe(false);
    await api.roster.saveMapping({ importId, mapping: imp.mapping });
    const v = await api.roster.validation({ importId });
    expect(v).toMatchObject({ errorCount: 3, rowsWithErrors: 3, ready: false, missingRequired: [] });
    expect(v.errors).toEqual([
      { row: 5, field: 'email', code: 'email_duplicate', value: 'ANNA.IVANOVA@example.com', firstRow: 2 },
      { row: 6, field: 'email', code: 'email_invalid', value: 'bob(at)example.com', firstRow: null },
      { row: 7, field: 'name', code: 'missing', value: '', firstRow: null },
    ]);
    await expect(api.roster.commit({ importId })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', appCode: 'IMPORT_NOT_READY' });
    expect(await roster(customerId)).toEqual([]);

    const { fileName, csv } = await api.roster.errorsCsv({ importId, language: 'en' });
    expect(fileName).toBe('messy-errors.csv');
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toEqual([
      'Row,Field,Problem,Value,First row with this email',
      '5,Email,Duplicate email address,ANNA.IVANOVA@example.com,2',
      '6,Email,Not a valid email address,bob(at)example.com,',
      '7,Name,Missing value,,',
    ]);
    expect((await api.roster.errorsCsv({ importId, language: 'fr' })).csv).not.toContain('Duplicate email address');
  });

  it('flags too-long values and bad phone numbers, and refuses to apply while a required column is unmapped', async () => {
    const { customerId, admin, api } = await tenantWithAdmin();
    const long = 'x'.repeat(201);
    const { importId } = await upload(admin, customerId, `Name,Email,Phone\n${long},a@example.com,call me\nOk,b@example.com,+1 555 0100\n`);
    await api.roster.saveMapping({ importId, mapping: { Name: 'name', Email: 'email', Phone: 'phone' } });
    expect((await api.roster.validation({ importId })).errors.map((e) => [e.row, e.field, e.code])).toEqual([
      [2, 'name', 'too_long'],
      [2, 'phone', 'phone_invalid'],
    ]);
    await api.roster.saveMapping({ importId, mapping: { Name: 'name', Email: null, Phone: null } });
    const v = await api.roster.validation({ importId });
    expect(v.missingRequired).toEqual(['email']);
    expect(v.ready).toBe(false);
    await expect(api.roster.commit({ importId })).rejects.toMatchObject({ appCode: 'IMPORT_NOT_READY' });
  });

  it('validates again on apply when the mapping changed after the rows passed', async () => {
    const { customerId, admin, api } = await tenantWithAdmin();
    const { importId } = await upload(admin, customerId, 'Name,Email,Backup\nAnn,ann@example.com,not an email\n');
    await api.roster.saveMapping({ importId, mapping: { Name: 'name', Email: 'email', Backup: null } });
    expect((await api.roster.validation({ importId })).ready).toBe(true);
    // Remapped to the column with the bad address, and committed without looking at the validation again.
    await api.roster.saveMapping({ importId, mapping: { Name: 'name', Email: null, Backup: 'email' } });
    await expect(api.roster.commit({ importId })).rejects.toMatchObject({ appCode: 'IMPORT_NOT_READY' });
    expect(await roster(customerId)).toEqual([]);
    await api.roster.saveMapping({ importId, mapping: { Name: 'name', Email: 'email', Backup: null } });
    expect(await api.roster.commit({ importId })).toMatchObject({ joiners: 1 });
  });
});

describe(`roster router: diff and apply (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('shows joiners, leavers and field changes, then upserts by email and keeps leavers with left_at', async () => {
    const { customerId, admin, api } = await tenantWithAdmin();
    const [leaverLink] = await withTenant(t.handle, customerId, async (tx) => {
      const people = await addEmployees(tx, customerId, [
        makeEmployee({ email: 'Stay.Same@example.com', displayName: 'Stay Same', department: 'Ops', location: 'Oslo', role: 'Lead', platformIds: { slack: '@same', teams: 'same@teams' } }),
        makeEmployee({ email: 'mover@example.com', displayName: 'Mover', department: 'Ops', location: 'Oslo', role: 'Analyst', platformIds: { slack: '@mover', teams: 'mover@teams' } }),
        makeEmployee({ email: 'leaver@example.com', displayName: 'Leaver', department: 'Ops', location: 'Oslo', role: 'Analyst' }),
      ]);
      return issueEnrollmentLinks(tx, customerId, [people[2]!.id], new Date('2026-03-01T10:00:00Z'));
    });
    const file = [
      'Name,Email,Dept,Office,Title,Slack',
      'Stay Same,stay.same@EXAMPLE.com,Ops,Oslo,Lead,@same',
      'Mover,mover@example.com,Sales,Oslo,Analyst,@mover2',
      'Новый Сотрудник,new.person@example.com,Sales,Kyiv,Rep,',
    ].join('\n');
    const { importId } = await upload(admin, customerId, file);
    const imp = await api.roster.get({ importId });
    await api.roster.saveMapping({ importId, mapping: imp.mapping });
    expect((await api.roster.validation({ importId })).ready).toBe(true);

    const diff = await api.roster.diff({ importId });
    expect(diff).toMatchObject({ joiners: 1, returning: 0, leavers: 1, changed: 1, unchanged: 1 });
    expect(diff.joinerList).toEqual([{ email: 'new.person@example.com', name: 'Новый Сотрудник', returning: false }]);
    expect(diff.leaverList).toEqual([{ email: 'leaver@example.com', name: 'Leaver' }]);
    expect(diff.changeList).toEqual([
      { email: 'mover@example.com', name: 'Mover', field: 'department', from: 'Ops', to: 'Sales' },
      { email: 'mover@example.com', name: 'Mover', field: 'slack', from: '@mover', to: '@mover2' },
    ]);

    const now = new Date('2026-03-02T10:00:00Z');
    const summary = await callerAs(services, admin, { now }).roster.commit({ importId });
    expect(summary).toEqual({ joiners: 1, returning: 0, leavers: 1, changed: 1, unchanged: 1 });
    const after = await roster(customerId);
    expect(after.map((e) => e.email)).toEqual(['Stay.Same@example.com', 'leaver@example.com', 'mover@example.com', 'new.person@example.com']);
    const byEmail = Object.fromEntries(after.map((e) => [e.email, e]));
    expect(byEmail['mover@example.com']).toMatchObject({ department: 'Sales', left_at: null, platform_ids: { slack: '@mover2', teams: 'mover@teams' } });
    expect(byEmail['new.person@example.com']).toMatchObject({ display_name: 'Новый Сотрудник', department: 'Sales', location: 'Kyiv', role: 'Rep', platform_ids: {} });
    expect(new Date(byEmail['leaver@example.com']!.left_at!).toISOString()).toBe(now.toISOString());
    expect(byEmail['Stay.Same@example.com']!.left_at).toBeNull();
    // The leaver's unused enrollment link stopped working with the import.
    await expect(
      callerAs(services, null, { now }).enrollment.get({ token: leaverLink!.token, language: 'en' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const listed = await api.roster.get({ importId });
    expect(listed).toMatchObject({ status: 'applied', summary, preview: [] });
    // Applying again (double click, retry) changes nothing and answers with the recorded summary.
    expect(await api.roster.commit({ importId })).toEqual(summary);
    expect(await roster(customerId)).toEqual(after);
    expect(await auditActions(customerId)).toEqual(['roster.uploaded', 'roster.mapping_saved', 'roster.applied']);

    // The leaver comes back in the next file: left_at is cleared.
    const next = await upload(admin, customerId, `${file}\nLeaver,LEAVER@example.com,Ops,Oslo,Analyst,\n`);
    const nextImp = await api.roster.get({ importId: next.importId });
    expect(nextImp.mappingSaved).toBe(false);
    await api.roster.saveMapping({ importId: next.importId, mapping: nextImp.mapping });
    const diff2 = await api.roster.diff({ importId: next.importId });
    expect(diff2).toMatchObject({ joiners: 0, returning: 1, leavers: 0, changed: 0, unchanged: 3 });
    expect(diff2.joinerList).toEqual([{ email: 'LEAVER@example.com', name: 'Leaver', returning: true }]);
    await api.roster.commit({ importId: next.importId });
    const back = (await roster(customerId)).find((e) => e.email === 'leaver@example.com');
    expect(back?.left_at).toBeNull();
  });

  it('applies once when two applies race', async () => {
    const { customerId, admin, api } = await tenantWithAdmin(3);
    const { importId } = await upload(admin, customerId, 'Name,Email\nA,a@example.com\nB,b@example.com\n');
    await api.roster.saveMapping({ importId, mapping: { Name: 'name', Email: 'email' } });
    const [one, two] = await Promise.all([api.roster.commit({ importId }), callerAs(services, admin).roster.commit({ importId })]);
    expect(one).toEqual({ joiners: 2, returning: 0, leavers: 3, changed: 0, unchanged: 0 });
    expect(two).toEqual(one);
    expect((await auditActions(customerId)).filter((a) => a === 'roster.applied')).toHaveLength(1);
    expect((await roster(customerId)).filter((e) => e.left_at === null)).toHaveLength(2);
  });

  it('returns the pending import for the same file, and a new one after a discard', async () => {
    const { customerId, admin, api } = await tenantWithAdmin();
    const first = await upload(admin, customerId, fixture('tab.tsv'), 'people.tsv');
    const again = await upload(admin, customerId, fixture('tab.tsv'), 'people (1).tsv');
    expect(again).toEqual({ importId: first.importId, rowCount: 2, duplicate: true });
    expect(await api.roster.list()).toHaveLength(1);

    const discarded = await api.roster.discard({ importId: first.importId });
    expect(discarded.status).toBe('discarded');
    await expect(api.roster.validation({ importId: first.importId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.roster.commit({ importId: first.importId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await api.roster.get({ importId: first.importId })).preview).toEqual([]);

    const third = await upload(admin, customerId, fixture('tab.tsv'), 'people.tsv');
    expect(third.duplicate).toBe(false);
    expect(third.importId).not.toBe(first.importId);
    expect((await api.roster.list()).map((i) => [i.id, i.status])).toEqual([
      [third.importId, 'uploaded'],
      [first.importId, 'discarded'],
    ]);
    expect(await auditActions(customerId)).toEqual(['roster.uploaded', 'roster.discarded', 'roster.uploaded']);
    expect(await roster(customerId)).toEqual([]);
  });
});
