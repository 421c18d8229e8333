/**
 * One Drizzle type over two drivers: embedded PGlite (no DATABASE_URL) and PostgreSQL through postgres.js.
 * Migrations from drizzle/ are applied here, at start, by the owner connection; the app then runs as panops_app.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbKind = 'pglite' | 'postgres';
export type DbHandle = {
  db: Db;
  /**
   * Connections for better-auth only: they carry `app.auth_context=on`, the one thing the sign-in tables' RLS
   * policy admits. Tenant transactions run on `db`, which never does. On PGlite both are the same superuser session.
   */
  authDb: Db;
  kind: DbKind;
  /** Tag of the newest migration applied, e.g. "0001_security". */
  migrationVersion: string;
  close(): Promise<void>;
};

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

type JournalEntry = { idx: number; when: number; tag: string };
export function readJournal(): JournalEntry[] {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

/** The two drivers return raw rows in different shapes; keep that difference here only. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

type RawClient =
  | { unsafe(query: string, params: unknown[]): PromiseLike<unknown[]> }
  | { query<T>(query: string, params: unknown[]): Promise<{ rows: T[] }> };

/**
 * One parameterised statement on the transaction's own connection, without Drizzle's query builder and row mapping
 * (for hot paths whose SQL is written out by hand). Same tenant transaction, same bind parameters; on PostgreSQL a
 * prepared statement (see preparedStatements below).
 */
export async function rawQuery<T>(tx: Tx, query: string, params: unknown[]): Promise<T[]> {
  const client = (tx as unknown as { session: { client: RawClient } }).session.client;
  if ('unsafe' in client) return (await client.unsafe(query, params)) as T[];
  return (await client.query<T>(query, params)).rows;
}

async function appliedMigrationTag(db: Db): Promise<string> {
  const [last] = rowsOf<{ created_at: string | number }>(
    await db.execute(sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`),
  );
  const entry = readJournal().find((e) => String(e.when) === String(last?.created_at));
  if (!entry) throw new Error('The database has migrations this build does not know; refusing to start.');
  return entry.tag;
}

const MIGRATION_LOCK = sql`select pg_advisory_lock(hashtext('panops:migrations'))`;
const MIGRATION_UNLOCK = sql`select pg_advisory_unlock(hashtext('panops:migrations'))`;

export type OpenDbOptions = {
  databaseUrl?: string | undefined;
  migrateDatabaseUrl?: string | undefined;
  pgliteDir?: string | undefined;
  /** Pool size for postgres.js. */
  max?: number;
};

export async function openDb(options: OpenDbOptions): Promise<DbHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.migrateDatabaseUrl, options.max);
  return openPglite(options.pgliteDir);
}

async function openPostgres(databaseUrl: string, migrateUrl: string | undefined, max = 20): Promise<DbHandle> {
  // max: 1 so the advisory lock and the migration share one session; boots racing each other then queue.
  const owner = postgres(migrateUrl ?? databaseUrl, { max: 1, onnotice: () => {} });
  let migrationVersion: string;
  try {
    const ownerDb = drizzlePostgres(owner, { schema });
    await ownerDb.execute(MIGRATION_LOCK);
    try {
      await migratePostgres(ownerDb, { migrationsFolder });
      migrationVersion = await appliedMigrationTag(ownerDb);
    } finally {
      await ownerDb.execute(MIGRATION_UNLOCK);
    }
  } finally {
    await owner.end();
  }
  // No JIT: every statement here is either short or a set-based bulk step, and LLVM's compile (100 ms to over a
  // second per statement when the planner's cost estimate crosses jit_above_cost) never paid for itself — it
  // cost the roster import's diff more than its whole execution.
  const client = postgres(databaseUrl, { max, onnotice: () => {}, connection: { jit: 'off' } });
  const authClient = postgres(databaseUrl, {
    max: 4,
    onnotice: () => {},
    connection: { 'app.auth_context': 'on' },
  });
  const close = async () => {
    await Promise.all([client.end(), authClient.end()]);
  };
  const db = drizzlePostgres(preparedStatements(client), { schema });
  const authDb = drizzlePostgres(authClient, { schema });
  await assertUnprivilegedRole(db).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return { db, authDb, kind: 'postgres', migrationVersion, close };
}

/**
 * drizzle-orm 0.45 runs every unnamed query through postgres.js `unsafe(..., { prepare: false })`, so PostgreSQL
 * parses and plans each statement on every call. postgres.js caches prepared statements per connection by query
 * text; opting in here (also for the transaction-scoped clients `begin` hands out) removes that work from every
 * statement of the hot consent path. Drizzle emits the same text for the same query shape, so the cache stays small.
 */
function preparedStatements<S extends postgres.Sql | postgres.TransactionSql>(sql: S): S {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, args?: unknown[], options?: object) =>
          target.unsafe(query, args as postgres.ParameterOrJSON<never>[], { ...options, prepare: true });
      }
      // Transactions and savepoints hand their callback a scoped client: wrap that one too.
      if (property === 'begin' || property === 'savepoint') {
        const open = Reflect.get(target, property, receiver) as (...a: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const callback = args.pop() as (scoped: postgres.TransactionSql) => unknown;
          return open(...args, (scoped: postgres.TransactionSql) => callback(preparedStatements(scoped)));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** RLS is only a boundary if the runtime role cannot step around it. */
async function assertUnprivilegedRole(db: Db): Promise<void> {
  const [role] = rowsOf<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; owns_tables: boolean }>(
    await db.execute(sql`
      select r.rolname, r.rolsuper, r.rolbypassrls,
             exists (select 1 from pg_tables t where t.schemaname = 'public' and t.tableowner = current_user) as owns_tables
      from pg_roles r where r.rolname = current_user`),
  );
  if (!role || role.rolsuper || role.rolbypassrls || role.owns_tables) {
    throw new Error(
      `DATABASE_URL connects as "${role?.rolname}", which is superuser, BYPASSRLS or owns the tables. ` +
        'Connect the app as panops_app and run migrations with MIGRATE_DATABASE_URL (see README).',
    );
  }
}

async function openPglite(dir: string | undefined): Promise<DbHandle> {
  // PGlite creates its own directory but not the parents (./data on a fresh clone).
  if (dir) mkdirSync(dirname(dir), { recursive: true });
  // The contrib extensions migration 0006 creates (full-text search with unaccent; trigram search).
  const client = new PGlite({ ...(dir ? { dataDir: dir } : {}), extensions: { pg_trgm, unaccent } });
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder });
  const migrationVersion = await appliedMigrationTag(db);
  return { db, authDb: db, kind: 'pglite', migrationVersion, close: () => client.close() };
}
