/**
 * Reading tenant rows from a test the way the app does: as the runtime role, with the tenant (or the sign-in
 * tables' auth context) set in the transaction. Row-level security is FORCED, so even the table owner sees no
 * tenant row without it — a check that read as the owner would see nothing and pass for the wrong reason.
 */
import postgres from 'postgres';

export type TenantSql = {
  inTenant<T>(customerId: string, fn: (sql: postgres.TransactionSql) => Promise<T>): Promise<T>;
  inAuthTables<T>(fn: (sql: postgres.TransactionSql) => Promise<T>): Promise<T>;
  tenantIds(): Promise<string[]>;
  end(): Promise<void>;
};

export function tenantSql(databaseUrl: string): TenantSql {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  return {
    inTenant: (customerId, fn) =>
      sql.begin(async (tx) => {
        await tx`select set_config('app.customer_id', ${customerId}, true)`;
        return fn(tx);
      }) as Promise<never>,
    inAuthTables: (fn) =>
      sql.begin(async (tx) => {
        await tx`select set_config('app.auth_context', 'on', true)`;
        return fn(tx);
      }) as Promise<never>,
    tenantIds: async () => (await sql`select id::text from list_tenant_ids() as id`).map((r) => r.id as string),
    end: () => sql.end({ timeout: 1 }),
  };
}
