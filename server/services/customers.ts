/** Customers and their roster. Creating a customer is the one write that chooses its own tenant id. */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../../shared/channels.ts';
import type { DbHandle, Tx } from '../db/client.ts';
import { CHECKLIST_ITEMS } from '../../shared/onboarding.ts';
import {
  checklistItems,
  customers,
  customerUsers,
  employees,
  onboardingSessions,
  type PlatformIdentifiers,
} from '../db/schema.ts';
import { withTenant } from '../db/tenant.ts';
import { publishDefaultNotices } from './notices.ts';

export type NewCustomer = {
  name: string;
  ceoName: string;
  outputLanguage: string;
  channels: Channel[];
  contactEmail?: string | null;
};

export type NewEmployee = {
  email: string;
  displayName: string;
  location?: string | null;
  role?: string | null;
  department?: string | null;
  platformIds?: PlatformIdentifiers;
};

/**
 * A customer with its default notices, its onboarding session and the pre-onboarding checklist, in one
 * transaction; `also` adds more work to that transaction (the audit entry).
 */
export async function createCustomer(
  handle: DbHandle,
  input: NewCustomer & { id?: string },
  also?: (tx: Tx) => Promise<void>,
): Promise<{ id: string }> {
  const { id = randomUUID(), ...fields } = input;
  await withTenant(handle, id, async (tx) => {
    await tx.insert(customers).values({ id, ...fields });
    await publishDefaultNotices(tx, { id, name: fields.name, ceoName: fields.ceoName });
    await tx.insert(onboardingSessions).values({ customerId: id });
    await tx.insert(checklistItems).values(CHECKLIST_ITEMS.map((item) => ({ customerId: id, item: item.key })));
    await also?.(tx);
  });
  return { id };
}

export async function addEmployees(tx: Tx, customerId: string, people: readonly NewEmployee[]) {
  if (people.length === 0) return [];
  return tx
    .insert(employees)
    .values(people.map((p) => ({ ...p, email: p.email.trim(), customerId })))
    .returning();
}

/** The tenant's own record of a login (auth_users is global and invisible to tenant transactions). */
export async function recordCustomerUser(tx: Tx, row: typeof customerUsers.$inferInsert) {
  await tx.insert(customerUsers).values(row).onConflictDoNothing();
}
