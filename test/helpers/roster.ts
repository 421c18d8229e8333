/** Customers whose employees have no enrollment link yet, as after a roster import; and links read out of emails. */
import { randomUUID } from 'node:crypto';
import { CHANNELS } from '../../shared/channels.ts';
import type { DbHandle } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { addEmployees, createCustomer, type NewEmployee } from '../../server/services/customers.ts';
import { makeEmployee } from './factories.ts';

export async function rosterCustomer(
  db: DbHandle,
  people: number | Partial<NewEmployee>[],
  opts: { outputLanguage?: string; contactEmail?: string | null } = {},
) {
  const { id: customerId } = await createCustomer(db, {
    name: `Roster ${randomUUID().slice(0, 6)}`,
    ceoName: 'Casey Chief',
    outputLanguage: opts.outputLanguage ?? 'en',
    channels: [...CHANNELS],
    contactEmail: opts.contactEmail ?? 'it@customer.test',
  });
  const list = typeof people === 'number' ? Array.from({ length: people }, () => ({})) : people;
  const employees = await withTenant(db, customerId, (tx) =>
    addEmployees(tx, customerId, list.map((p) => makeEmployee(p))),
  );
  return { customerId, employees };
}

/** Enrollment tokens in a text (an email body, a CSV), in order. */
export const tokensIn = (text: string) =>
  [...text.matchAll(/\/enroll\/([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})/g)].map((m) => m[1]!);
