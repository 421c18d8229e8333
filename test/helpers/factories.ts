import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { CHANNELS, type Channel } from '../../shared/channels.ts';
import type { DbHandle } from '../../server/db/client.ts';
import { enrollmentLinks } from '../../server/db/schema.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { addEmployees, createCustomer, type NewEmployee } from '../../server/services/customers.ts';
import { issueEnrollmentLinks } from '../../server/services/enrollment-links.ts';

export function makeEmployee(overrides: Partial<NewEmployee> = {}): NewEmployee {
  const id = randomUUID().slice(0, 8);
  return {
    email: `person.${id}@example.test`,
    displayName: `Person ${id}`,
    department: 'Engineering',
    location: 'London',
    role: 'Engineer',
    platformIds: { slack: `@p${id}`, phone: '+44 20 7946 0000' },
    ...overrides,
  };
}

export type TestCustomer = {
  customerId: string;
  employees: { id: string; email: string; displayName: string; token: string }[];
};

/** A customer with `count` employees, each with an active enrollment link issued at `now`. */
export async function makeCustomer(
  db: DbHandle,
  opts: { count?: number; channels?: Channel[]; now?: Date; name?: string } = {},
): Promise<TestCustomer> {
  const now = opts.now ?? new Date();
  const { id: customerId } = await createCustomer(db, {
    name: opts.name ?? `Customer ${randomUUID().slice(0, 6)}`,
    ceoName: 'Casey Chief',
    outputLanguage: 'en',
    channels: opts.channels ?? [...CHANNELS],
  });
  const employees = await withTenant(db, customerId, async (tx) => {
    const people = await addEmployees(
      tx,
      customerId,
      Array.from({ length: opts.count ?? 2 }, () => makeEmployee()),
    );
    const links = await issueEnrollmentLinks(
      tx,
      customerId,
      people.map((p) => p.id),
      now,
    );
    return people.map((p) => ({
      id: p.id,
      email: p.email,
      displayName: p.displayName,
      token: links.find((l) => l.employeeId === p.id)!.token,
    }));
  });
  return { customerId, employees };
}

export async function linkRow(db: DbHandle, customerId: string, token: string) {
  const [row] = await withTenant(db, customerId, (tx) =>
    tx.select().from(enrollmentLinks).where(eq(enrollmentLinks.token, token)),
  );
  return row;
}
