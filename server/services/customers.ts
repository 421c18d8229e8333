/** Customers and their roster. Creating a customer is the one write that chooses its own tenant id. */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../../shared/channels.ts';
import type { DbHandle, Tx } from '../db/client.ts';
import { customers, employees, type PlatformIdentifiers } from '../db/schema.ts';
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

export async function createCustomer(handle: DbHandle, input: NewCustomer): Promise<{ id: string }> {
  const id = randomUUID();
  await withTenant(handle, id, async (tx) => {
    await tx.insert(customers).values({ id, ...input });
    await publishDefaultNotices(tx, { id, name: input.name, ceoName: input.ceoName });
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
