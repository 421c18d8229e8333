/**
 * `npm run ledger:check`: verifies every employee's consent hash chain in every tenant (one tenant transaction at a
 * time, as the app role). Prints each break and exits 1 if any chain is broken.
 */
import { loadEnv } from '../env.ts';
import { openDb, type DbHandle } from '../db/client.ts';
import { listTenantIds, withTenant } from '../db/tenant.ts';
import { checkTenantLedger, type ChainBreak } from '../services/consent-ledger.ts';

export async function checkAllLedgers(db: DbHandle) {
  const report: { tenants: number; employees: number; events: number; breaks: (ChainBreak & { customerId: string })[] } = {
    tenants: 0,
    employees: 0,
    events: 0,
    breaks: [],
  };
  for (const customerId of await listTenantIds(db)) {
    const result = await withTenant(db, customerId, (tx) => checkTenantLedger(tx));
    report.tenants++;
    report.employees += result.employees;
    report.events += result.events;
    report.breaks.push(...result.breaks.map((b) => ({ ...b, customerId })));
  }
  return report;
}

if (import.meta.main) {
  const env = loadEnv();
  const db = await openDb({ databaseUrl: env.DATABASE_URL, migrateDatabaseUrl: env.MIGRATE_DATABASE_URL, pgliteDir: env.PGLITE_DIR });
  try {
    const report = await checkAllLedgers(db);
    for (const b of report.breaks) {
      console.log(`BROKEN customer ${b.customerId} employee ${b.employeeId} at seq ${b.seq}: ${b.reason}`);
    }
    console.log(
      `ledger check: ${report.tenants} tenants, ${report.employees} employees, ${report.events} events, ` +
        `${report.breaks.length} broken chain(s)`,
    );
    process.exitCode = report.breaks.length > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
}
