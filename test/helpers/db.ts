/**
 * The database a test file runs against: a fresh in-memory PGlite per file, or the real PostgreSQL from
 * DATABASE_URL (app role) + MIGRATE_DATABASE_URL (owner). Tests create their own customers, so they never depend
 * on each other's rows; `owner` is a privileged connection for fault injection and tamper tests only.
 */
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { openDb, type DbHandle } from '../../server/db/client.ts';

export type OwnerSql = (query: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
export type TestDb = { handle: DbHandle; owner: OwnerSql; label: string; close(): Promise<void> };

export const testDbKind = (process.env.TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

export async function openTestDb(): Promise<TestDb> {
  if (testDbKind === 'postgres') {
    const databaseUrl = process.env.DATABASE_URL;
    const migrateUrl = process.env.MIGRATE_DATABASE_URL;
    if (!databaseUrl || !migrateUrl) throw new Error('TEST_DB=postgres needs DATABASE_URL and MIGRATE_DATABASE_URL');
    const handle = await openDb({ databaseUrl, migrateDatabaseUrl: migrateUrl, max: 5 });
    const ownerClient = postgres(migrateUrl, { max: 1, onnotice: () => {} });
    return {
      handle,
      label: 'postgres',
      owner: async (query, params = []) => [...(await ownerClient.unsafe(query, params as never[]))],
      close: async () => {
        await ownerClient.end();
        await handle.close();
      },
    };
  }
  const handle = await openDb({});
  // PGlite has one session; the root drizzle instance runs as the superuser, the "owner" for tests.
  const client = (handle.db as unknown as { $client: PGlite }).$client;
  return {
    handle,
    label: 'pglite',
    owner: async (query, params = []) => (await client.query<Record<string, unknown>>(query, params)).rows,
    close: () => handle.close(),
  };
}

/** A real database fault: inserts into `table` for one employee fail until the returned function removes it. */
export async function injectInsertFault(db: TestDb, table: string, employeeId: string): Promise<() => Promise<void>> {
  const name = `fault_${employeeId.replaceAll('-', '')}`;
  await db.owner(`create function ${name}() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$`);
  await db.owner(`create trigger ${name} before insert on ${table} for each row
    when (new.employee_id = '${employeeId}') execute function ${name}()`);
  return async () => {
    await db.owner(`drop trigger ${name} on ${table}`);
    await db.owner(`drop function ${name}()`);
  };
}
