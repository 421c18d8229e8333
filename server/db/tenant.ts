/**
 * The only ways application code reaches tenant data. Every transaction runs as panops_app with the tenant set
 * transaction-locally (`set_config(..., true)`), so a pooled connection never carries it into the next request.
 * On PGlite the session user is a superuser, hence `set local role`; there RLS is a check, not a boundary.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rawQuery, rowsOf, type DbHandle, type Tx } from './client.ts';

async function enterAppRole(handle: DbHandle, tx: Tx): Promise<void> {
  if (handle.kind === 'pglite') await rawQuery(tx, 'set local role panops_app', []);
}

export function withTenant<T>(handle: DbHandle, customerId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return handle.db.transaction(async (tx) => {
    await enterAppRole(handle, tx);
    await rawQuery(tx, `select set_config('app.customer_id', $1, true)`, [customerId]);
    return fn(tx);
  });
}

export type TokenKind = 'enroll' | 'manage';
export type TokenOwner = { customerId: string; employeeId: string };

/** Manage secrets are stored as their SHA-256 only. */
export const hashManageToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Token → owner through the one SECURITY DEFINER function; unknown and malformed both give null. */
export function resolveAccessToken(handle: DbHandle, kind: TokenKind, token: string): Promise<TokenOwner | null> {
  return withTokenTenant(handle, kind, token, async (_tx, owner) => owner);
}

/** Token → owner, entering the owner's tenant for the rest of the transaction. */
export const RESOLVE_TOKEN_SQL = `select r.customer_id, r.employee_id,
    set_config('app.customer_id', r.customer_id::text, true)
  from resolve_access_token($1, $2) r`;

/**
 * Resolves a token and enters its tenant with one statement, inside the transaction the request's work then runs
 * in: one round trip where a separate lookup and then a tenant transaction took three. When the token is unknown the
 * tenant stays unset (every tenant row invisible) and `fn` receives null.
 */
export function withTokenTenant<T>(
  handle: DbHandle,
  kind: TokenKind,
  token: string,
  fn: (tx: Tx, owner: TokenOwner | null) => Promise<T>,
): Promise<T> {
  const secret = kind === 'manage' ? hashManageToken(token) : token;
  return handle.db.transaction(async (tx) => {
    await enterAppRole(handle, tx);
    const [row] = await rawQuery<{ customer_id: string; employee_id: string }>(tx, RESOLVE_TOKEN_SQL, [kind, secret]);
    return fn(tx, row ? { customerId: row.customer_id, employeeId: row.employee_id } : null);
  });
}

/** Tenant ids, for operator scripts that visit each tenant in turn. */
export function listTenantIds(handle: DbHandle): Promise<string[]> {
  return handle.db.transaction(async (tx) => {
    await enterAppRole(handle, tx);
    return rowsOf<{ id: string }>(await tx.execute(sql`select list_tenant_ids() as id`)).map((r) => r.id);
  });
}
