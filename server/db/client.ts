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
/** What the pool is doing now (transactions only: single statements are not counted). */
export type PoolStats = { size: number; inUse: number; waiting: number };

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
  /** Tag of the newest migration this build ships; /readyz compares it with what the database has. */
  expectedMigration: string;
  /** The newest migration the database has now (a query: another process may have migrated since boot). */
  appliedMigration(): Promise<string>;
  poolStats(): PoolStats;
  /** A request failed because the database was out of reach: start over with fresh connections. */
  connectionLost(): void;
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

/**
 * How long a request may wait on the database, so that no request hangs while PostgreSQL is away (ADR 0011):
 * - connecting: `connectTimeoutSeconds` per attempt (an unreachable host; a stopped server refuses at once);
 * - a transaction waiting for a pooled connection: `acquireTimeoutMs`, then DB_ACQUIRE_TIMEOUT (→ 503);
 * - one statement: `statementTimeoutMs` (PostgreSQL's statement_timeout; 0 = none, for benchmark fixtures);
 * - a transaction left open by a stuck client: idle_in_transaction_session_timeout, 30 s.
 * Between failed connection attempts postgres.js waits `backoff` seconds; its default grows to 20 s, which kept
 * queued requests waiting long after PostgreSQL was back. Here it stays under a second.
 */
export const DB_TIMEOUTS = {
  connectTimeoutSeconds: 3,
  acquireTimeoutMs: 5_000,
  statementTimeoutMs: 15_000,
  idleInTransactionMs: 30_000,
} as const;

export type OpenDbOptions = {
  databaseUrl?: string | undefined;
  migrateDatabaseUrl?: string | undefined;
  pgliteDir?: string | undefined;
  /** Pool size for postgres.js. */
  max?: number;
  connectTimeoutSeconds?: number;
  acquireTimeoutMs?: number;
  statementTimeoutMs?: number;
};

export async function openDb(options: OpenDbOptions): Promise<DbHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openPglite(options.pgliteDir);
}

/** Waits between reconnection attempts: 50 ms doubling to 800 ms, with jitter so processes do not retry in step. */
const reconnectBackoff = (retries: number) => Math.min(0.05 * 2 ** retries, 0.8) * (0.75 + Math.random() / 2);

async function openPostgres(databaseUrl: string, options: OpenDbOptions): Promise<DbHandle> {
  const max = options.max ?? 20;
  const connectTimeout = options.connectTimeoutSeconds ?? DB_TIMEOUTS.connectTimeoutSeconds;
  const statementTimeout = options.statementTimeoutMs ?? DB_TIMEOUTS.statementTimeoutMs;
  const migrateUrl = options.migrateDatabaseUrl;
  // max: 1 so the advisory lock and the migration share one session; boots racing each other then queue.
  const owner = postgres(migrateUrl ?? databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: connectTimeout });
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
  const limits = {
    statement_timeout: statementTimeout,
    idle_in_transaction_session_timeout: DB_TIMEOUTS.idleInTransactionMs,
  };
  const common = { onnotice: () => {}, connect_timeout: connectTimeout, backoff: reconnectBackoff };
  const pool = new PoolGauge(max, options.acquireTimeoutMs ?? DB_TIMEOUTS.acquireTimeoutMs);
  const open = () => {
    const client = postgres(databaseUrl, { ...common, max, connection: { jit: 'off', ...limits } });
    const authClient = postgres(databaseUrl, { ...common, max: 4, connection: { 'app.auth_context': 'on', ...limits } });
    return {
      db: drizzlePostgres(preparedStatements(client, pool), { schema }),
      authDb: drizzlePostgres(authClient, { schema }),
      end: () => Promise.all([client.end({ timeout: 5 }), authClient.end({ timeout: 5 })]).then(() => undefined),
    };
  };
  const pools = new RenewablePools(open);
  await assertUnprivilegedRole(pools.db).catch(async (error: unknown) => {
    await pools.close();
    throw error;
  });
  return {
    db: pools.db,
    authDb: pools.authDb,
    kind: 'postgres',
    migrationVersion,
    expectedMigration: readJournal().at(-1)!.tag,
    appliedMigration: () => appliedMigrationTag(pools.db),
    poolStats: () => pool.stats(),
    connectionLost: () => pools.renew(),
    close: () => pools.close(),
  };
}

type Pools = { db: Db; authDb: Db; end(): Promise<void> };

/**
 * The two pools, replaceable as a whole. After PostgreSQL went away (restart, failover, a killed postmaster) the
 * pools can still hold connections that look open but lead nowhere: each would fail one more request after the
 * database is back. So when a request fails because the database was unavailable, `renew()` swaps in fresh pools
 * (at most once a second) and ends the old ones once their in-flight work is done. `db` and `authDb` are stable
 * proxies to the current pools, so better-auth and everything else that kept a reference follow the swap.
 */
class RenewablePools {
  private current: Pools;
  /** The current pools' methods, bound once per pool generation (not on every property read). */
  private bound = new Map<string | symbol, unknown>();
  private lastRenewal = 0;
  readonly db: Db;
  readonly authDb: Db;
  private readonly open: () => Pools;

  constructor(open: () => Pools) {
    this.open = open;
    this.current = open();
    const follow = (which: 'db' | 'authDb') =>
      new Proxy({} as Db, {
        get: (_target, property) => {
          const target = this.current[which];
          const value = Reflect.get(target, property, target) as unknown;
          // Methods run against the current pools; the class (drizzle reads entity kinds from it) as it is.
          if (typeof value !== 'function' || property === 'constructor') return value;
          const key = `${which}:${String(property)}`;
          let method = this.bound.get(key);
          if (!method) this.bound.set(key, (method = (value as (...a: unknown[]) => unknown).bind(target)));
          return method;
        },
      });
    this.db = follow('db');
    this.authDb = follow('authDb');
  }

  renew(): void {
    const now = Date.now();
    if (now - this.lastRenewal < 1000) return;
    this.lastRenewal = now;
    const old = this.current;
    this.current = this.open();
    this.bound = new Map();
    void old.end().catch(() => {});
  }

  close(): Promise<void> {
    return this.current.end();
  }
}

/** A transaction that did not get a connection within the deadline (the pool is exhausted or the server is away). */
export class AcquireTimeoutError extends Error {
  readonly code = 'DB_ACQUIRE_TIMEOUT';
  constructor(ms: number) {
    super(`No database connection within ${ms} ms`);
  }
}

/**
 * Counts transactions waiting for and holding a connection (for /metrics), and bounds the wait: a transaction
 * that has not started within `acquireTimeoutMs` is rejected with AcquireTimeoutError. If postgres.js starts it
 * later anyway, its callback throws before running any of the caller's work, so it rolls back having done nothing.
 */
class PoolGauge {
  private waiting = 0;
  private inUse = 0;
  private readonly size: number;
  private readonly acquireTimeoutMs: number;
  constructor(size: number, acquireTimeoutMs: number) {
    this.size = size;
    this.acquireTimeoutMs = acquireTimeoutMs;
  }

  stats(): PoolStats {
    return { size: this.size, inUse: this.inUse, waiting: this.waiting };
  }

  begin<T>(open: (callback: (scoped: postgres.TransactionSql) => unknown) => Promise<T>, callback: (scoped: postgres.TransactionSql) => unknown): Promise<T> {
    this.waiting++;
    let state: 'waiting' | 'running' | 'abandoned' = 'waiting';
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (state !== 'waiting') return;
        state = 'abandoned';
        this.waiting--;
        reject(new AcquireTimeoutError(this.acquireTimeoutMs));
      }, this.acquireTimeoutMs);
      timer.unref();
      open(async (scoped) => {
        if (state === 'abandoned') throw new AcquireTimeoutError(this.acquireTimeoutMs);
        state = 'running';
        clearTimeout(timer);
        this.waiting--;
        this.inUse++;
        try {
          return await callback(scoped);
        } finally {
          this.inUse--;
        }
      }).then(
        (value) => resolve(value),
        (error: unknown) => {
          clearTimeout(timer);
          if (state === 'waiting') this.waiting--;
          // An abandoned transaction's own failure has nobody waiting for it (its caller got the timeout).
          if (state !== 'abandoned') reject(error);
          state = 'abandoned';
        },
      );
    });
  }
}

/**
 * drizzle-orm 0.45 runs every unnamed query through postgres.js `unsafe(..., { prepare: false })`, so PostgreSQL
 * parses and plans each statement on every call. postgres.js caches prepared statements per connection by query
 * text; opting in here (also for the transaction-scoped clients `begin` hands out) removes that work from every
 * statement of the hot consent path. Drizzle emits the same text for the same query shape, so the cache stays small.
 */
function preparedStatements<S extends postgres.Sql | postgres.TransactionSql>(sql: S, pool?: PoolGauge): S {
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
          const wrapped = (scoped: postgres.TransactionSql) => callback(preparedStatements(scoped));
          // Only the root pool's transactions wait for a connection; savepoints run on the one they have.
          if (pool && property === 'begin') return pool.begin((cb) => open(...args, cb) as Promise<unknown>, wrapped);
          return open(...args, wrapped);
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
  return {
    db,
    authDb: db,
    kind: 'pglite',
    migrationVersion,
    expectedMigration: readJournal().at(-1)!.tag,
    appliedMigration: () => appliedMigrationTag(db),
    // One in-process session: nothing is pooled.
    poolStats: () => ({ size: 1, inUse: 0, waiting: 0 }),
    connectionLost: () => {},
    close: () => client.close(),
  };
}
