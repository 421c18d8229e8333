/**
 * communication_matches (migrations 0009, 0011) must return exactly the newest `limit` matches in scope, whichever
 * way it finds them: the probe of the newest records, further walks back through time, or the GIN index for the
 * rest. Checked against a plain query over 7,000 records whose timestamps come seven to a minute, so windows are cut
 * through runs of equal timestamps, with terms from very common to rare and only-recent.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../shared/channels.ts';
import { rowsOf } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { enroll, grantAll } from '../helpers/caller.ts';
import { openTestDb, testDbKind, type TestDb } from '../helpers/db.ts';
import { makeCustomer, type TestCustomer } from '../helpers/factories.ts';

const RECORDS = 7000;
const newest = new Date('2026-11-20T12:00:00Z');
let t: TestDb;
let c: TestCustomer;

type Scope = { channels?: string[]; from?: string; to?: string; employees?: number[] };
type Row = { id: string; occurred_at: string | Date };

beforeAll(async () => {
  t = await openTestDb();
  c = await makeCustomer(t.handle, { count: 3, now: new Date('2026-09-01T00:00:00Z') });
  for (const e of c.employees) await enroll(t.handle, e.token, grantAll(CHANNELS), { now: new Date('2026-09-01T00:00:00Z') });
  // Record g (1 = newest): every 10th says "alpha", every 13th "beta", every 400th "zulu", the newest 150 "recent".
  await withTenant(t.handle, c.customerId, (tx) =>
    tx.execute(sql`
      insert into communications (customer_id, employee_id, channel, platform, external_id, occurred_at, body, language,
                                  fts_config, fts, consent_event_id)
      select ${c.customerId}::uuid, e.employee_id, (array['email','messaging','video'])[1 + g % 3], 'test', 'r' || g,
             ${newest.toISOString()}::timestamptz - ((g - 1) / 7) * interval '1 minute', s.body, 'en', 'panops_en',
             to_tsvector('panops_en', s.body), e.id
      from generate_series(1, ${RECORDS}) g
      cross join lateral (select concat_ws(' ', 'note',
               case when g % 10 = 0 then 'alpha' end, case when g % 13 = 0 then 'beta' end,
               case when g % 400 = 0 then 'zulu' end, case when g <= 150 then 'recent' end) as body) s
      cross join lateral (select ev.id, ev.employee_id from consent_events ev
                          where ev.employee_id = (array[${sql.join(c.employees.map((e) => sql`${e.id}::uuid`), sql`, `)}])[1 + g % ${c.employees.length}]
                            and ev.channel = (array['email','messaging','video'])[1 + g % 3]
                          limit 1) e`),
  );
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const at = (value: string | Date) => new Date(value).getTime();

async function inTenant(query: ReturnType<typeof sql>): Promise<Row[]> {
  return withTenant(t.handle, c.customerId, async (tx) => rowsOf<Row>(await tx.execute(query)));
}

function scopeArgs(scope: Scope) {
  const employees = scope.employees?.map((i) => c.employees[i]!.id);
  return {
    channels: scope.channels ? sql`string_to_array(${scope.channels.join(',')}, ',')` : sql`null::text[]`,
    from: scope.from ? sql`${scope.from}::timestamptz` : sql`null::timestamptz`,
    to: scope.to ? sql`${scope.to}::timestamptz` : sql`null::timestamptz`,
    employees: employees ? sql`string_to_array(${employees.join(',')}, ',')::uuid[]` : sql`null::uuid[]`,
  };
}

async function check(word: string, limit: number, scope: Scope = {}) {
  const s = scopeArgs(scope);
  const found = await inTenant(sql`select m.id, m.occurred_at from communication_matches(to_tsquery('panops_en', ${word}),
    ${s.channels}, ${s.from}, ${s.to}, ${s.employees}, ${limit}) m`);
  const all = await inTenant(sql`select c.id, c.occurred_at from communications c
    where c.fts @@ to_tsquery('panops_en', ${word})
      and (${s.channels} is null or c.channel = any(${s.channels}))
      and (${s.from} is null or c.occurred_at >= ${s.from}) and (${s.to} is null or c.occurred_at < ${s.to})
      and (${s.employees} is null or c.employee_id = any(${s.employees}))
    order by c.occurred_at desc`);
  expect(found).toHaveLength(Math.min(limit, all.length));
  expect(new Set(found.map((r) => r.id)).size).toBe(found.length);
  const matching = new Set(all.map((r) => r.id));
  expect(found.every((r) => matching.has(r.id))).toBe(true);
  // Newest first, and nothing newer than the oldest returned left out (ties at that timestamp may go either way).
  expect(found.map((r) => at(r.occurred_at))).toEqual(found.map((r) => at(r.occurred_at)).sort((x, y) => y - x));
  const oldest = found.length ? at(found.at(-1)!.occurred_at) : Infinity;
  const returned = new Set(found.map((r) => r.id));
  expect(all.filter((r) => at(r.occurred_at) > oldest && !returned.has(r.id))).toEqual([]);
  return { found: found.length, total: all.length };
}

describe(`communication_matches returns exactly the newest matches (${testDbKind})`, () => {
  it('fills the limit from the newest records when matches are common', async () => {
    expect(await check('alpha', 100)).toEqual({ found: 100, total: 700 });
  });

  it('walks on through windows cut inside runs of equal timestamps', async () => {
    expect(await check('alpha', 500)).toEqual({ found: 500, total: 700 });
    expect(await check('alpha', 5000)).toEqual({ found: 700, total: 700 });
    expect(await check('beta | alpha', 1000)).toEqual({ found: 1000, total: 1185 });
  });

  it('turns to the index for rare terms and for terms that were only common lately', async () => {
    expect(await check('zulu', 500)).toEqual({ found: 17, total: 17 });
    expect(await check('beta', 500)).toEqual({ found: 500, total: 538 });
    expect(await check('recent', 500)).toEqual({ found: 150, total: 150 });
    expect(await check('recent & alpha', 500)).toEqual({ found: 15, total: 15 });
    expect(await check('nothing', 500)).toEqual({ found: 0, total: 0 });
  });

  it('keeps to the scope: channels, dates and people', async () => {
    await check('alpha', 200, { channels: ['email'] });
    await check('beta', 500, { channels: ['messaging', 'video'] });
    const from = new Date(at(newest) - 300 * 60_000).toISOString();
    const to = new Date(at(newest) - 100 * 60_000).toISOString();
    expect((await check('alpha', 500, { from, to })).total).toBe(140);
    await check('alpha', 50, { from });
    await check('beta', 500, { to });
    await check('alpha', 100, { employees: [0, 2] });
    await check('zulu', 500, { employees: [1], channels: ['email', 'video'] });
  });
});
