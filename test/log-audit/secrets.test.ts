/**
 * Runs after every other project (vitest groupOrder 1) and reads the structured log the whole run wrote to
 * .test-logs/ — in-process servers, services, and the servers the fault tests ran as child processes while their
 * database was killed. No secret may appear there:
 *   - the test password, the test AUTH_SECRET, the demo password;
 *   - every session token, reset/invitation token and enrollment token the run left in the real PostgreSQL database;
 *   - any manage secret or API key: those are stored hashed, so every token-shaped string in the log is hashed and
 *     looked up, and a full API key (`pk_…_<secret>`) may not appear at all;
 *   - cookies, Authorization headers, SQL text or SQL parameters.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_AUTH_SECRET, TEST_PASSWORD } from '../helpers/services.ts';
import { tenantSql } from '../helpers/tenant-sql.ts';
import { TEST_LOG_DIR } from '../setup/logs.ts';

type Line = { raw: string; record: Record<string, unknown> | null };

const lines: Line[] = [];
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

beforeAll(() => {
  if (!existsSync(TEST_LOG_DIR)) return;
  for (const file of readdirSync(TEST_LOG_DIR)) {
    for (const raw of readFileSync(`${TEST_LOG_DIR}/${file}`, 'utf8').split('\n')) {
      if (!raw.trim()) continue;
      let record: Record<string, unknown> | null = null;
      try {
        record = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        record = null;
      }
      lines.push({ raw, record });
    }
  }
});

/** The run's real PostgreSQL, read as the app reads it (forced RLS: per tenant, and the sign-in tables' context). */
const database = process.env.DATABASE_URL ? tenantSql(process.env.DATABASE_URL) : null;
afterAll(async () => {
  await database?.end();
});

/** Every tenant's values of one column (enrollment tokens, manage-secret hashes). */
async function acrossTenants(column: 'token' | 'token_hash', table: 'enrollment_links' | 'consent_manage_tokens'): Promise<string[]> {
  const values: string[] = [];
  for (const tenant of await database!.tenantIds()) {
    const rows = await database!.inTenant(tenant, (sql) => sql`select ${sql(column)}::text as value from ${sql(table)}`);
    values.push(...rows.map((r) => r.value as string));
  }
  return values;
}

/** The first line that contains `secret`, shortened, for the failure message. */
function leak(secret: string): string | undefined {
  const found = lines.find((l) => l.raw.includes(secret));
  return found?.raw.slice(0, 300);
}

describe('the logs of the whole test run', () => {
  it('are checked against the real PostgreSQL database in CI', () => {
    if (process.env.CI) expect(database, 'CI runs with DATABASE_URL').not.toBeNull();
  });

  it('exist, and include requests, database outages and errors (so this audit is not vacuous)', () => {
    expect(lines.length).toBeGreaterThan(1000);
    const records = lines.map((l) => l.record).filter((r): r is Record<string, unknown> => r !== null);
    expect(records.filter((r) => r.msg === 'request').length).toBeGreaterThan(500);
    expect(records.some((r) => (r.level as number) >= 40)).toBe(true);
    if (process.env.DATABASE_URL) {
      // The fault test's servers logged the database being away.
      expect(records.some((r) => JSON.stringify(r.err ?? '').includes('ECONNREFUSED') || JSON.stringify(r.err ?? '').includes('CONNECTION'))).toBe(true);
    }
  });

  it('are JSON lines, one record each', () => {
    const notJson = lines.filter((l) => l.record === null).map((l) => l.raw.slice(0, 200));
    expect(notJson).toEqual([]);
  });

  it('hold no password and no signing secret', () => {
    for (const secret of [TEST_PASSWORD, TEST_AUTH_SECRET, 'panops-demo-2026']) expect(leak(secret), secret).toBeUndefined();
  });

  it('hold no cookie, Authorization header, SQL text or SQL parameters', () => {
    const offending = lines.filter(
      (l) =>
        /better-auth\.session_token=|__Secure-better-auth/.test(l.raw) ||
        /"(cookie|authorization|parameters|params|args)":\s*(?!"\[redacted\]")/i.test(l.raw) ||
        /\b(insert into|select .{1,200} from|update \w+ set|delete from)\b/i.test(l.raw) ||
        /Bearer [A-Za-z0-9_-]{16,}/.test(l.raw),
    );
    expect(offending.map((l) => l.raw.slice(0, 300))).toEqual([]);
  });

  it('hold no API key and no manage secret (both stored hashed: every token-shaped string is hashed and looked up)', async () => {
    expect(lines.filter((l) => /pk_[a-z0-9]{8}_[A-Za-z0-9_-]{20,}/.test(l.raw)).map((l) => l.raw.slice(0, 300))).toEqual([]);
    if (!database) return;
    const manage = new Set(await acrossTenants('token_hash', 'consent_manage_tokens'));
    expect(manage.size).toBeGreaterThan(0);
    const candidates = new Set(lines.flatMap((l) => l.raw.match(/[A-Za-z0-9_-]{43}/g) ?? []));
    const leaked = [...candidates].filter((c) => manage.has(sha256(c)));
    expect(leaked).toEqual([]);
  });

  it('hold no session token, reset or invitation token, or enrollment token of the run (real PostgreSQL)', async () => {
    if (!database) return;
    const sessions = (await database.inAuthTables((sql) => sql`select token from auth_sessions`)).map((r) => r.token as string);
    // Reset and invitation tokens are the identifier's tail (`reset-password:<token>`); the value is a user id.
    const verifications = (await database.inAuthTables((sql) => sql`select identifier from auth_verifications`)).map((r) =>
      String(r.identifier).replace(/^[a-z-]+:/, ''),
    );
    const enrollment = await acrossTenants('token', 'enrollment_links');
    expect(sessions.length).toBeGreaterThan(0);
    expect(enrollment.length).toBeGreaterThan(100);
    const found = [...sessions, ...verifications.filter((v) => v.length >= 16), ...enrollment]
      .map((secret) => ({ secret, line: leak(secret) }))
      .filter((f) => f.line !== undefined);
    expect(found).toEqual([]);
  });
});
