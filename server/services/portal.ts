/**
 * Customers and their logins: what an operator does in step 1 (portal setup) and step 7 (CEO access), and the
 * signed-in user's own session (who am I, which customer an operator is working on, UI language).
 */
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  ZCreateCustomerInput,
  ZInviteUserInput,
  ZUpdateCustomerInput,
  TMe,
} from '../../shared/schemas/portal.ts';
import { HOME_PATH } from '../../shared/schemas/portal.ts';
import { createLogin, sendInvitation, setActiveCustomer, type SessionUser } from '../auth/auth.ts';
import type { AppServices, RequestMeta } from '../context.ts';
import { rowsOf, type Tx } from '../db/client.ts';
import { authUsers, customers, customerUsers } from '../db/schema.ts';
import { withTenant } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from './audit.ts';
import { createCustomer, recordCustomerUser } from './customers.ts';

type CustomerRow = typeof customers.$inferSelect;
const toSummary = (c: Pick<CustomerRow, 'id' | 'name' | 'ceoName' | 'outputLanguage' | 'createdAt'>) => ({
  id: c.id,
  name: c.name,
  ceoName: c.ceoName,
  outputLanguage: c.outputLanguage,
  createdAt: c.createdAt.toISOString(),
});
export const toCustomer = (c: CustomerRow) => ({ ...toSummary(c), channels: c.channels, contactEmail: c.contactEmail });

export function requireServices(services: Omit<AppServices, 'db'> | null): Omit<AppServices, 'db'> {
  if (!services) throw new Error('This procedure needs app services (auth, mail) in its context.');
  return services;
}

/** Every customer, for operators, through the one narrow SECURITY DEFINER function. */
export async function listCustomers(services: AppServices) {
  return services.db.db.transaction(async (tx) => {
    if (services.db.kind === 'pglite') await tx.execute(sql`set local role panops_app`);
    const rows = rowsOf<{ id: string; name: string; ceo_name: string; output_language: string; created_at: string | Date }>(
      await tx.execute(sql`select * from operator_customer_list()`),
    );
    return rows.map((r) =>
      toSummary({
        id: r.id,
        name: r.name,
        ceoName: r.ceo_name,
        outputLanguage: r.output_language,
        createdAt: new Date(r.created_at),
      }),
    );
  });
}

/**
 * Creates the customer, its notices, onboarding session and checklist. `requestId` becomes the customer id, so a
 * retried request finds the first attempt's customer instead of creating a second one.
 */
export async function createCustomerAccount(
  services: AppServices,
  actor: { user: SessionUser; meta: RequestMeta },
  input: z.output<typeof ZCreateCustomerInput>,
) {
  const existing = await withTenant(services.db, input.requestId, (tx) =>
    tx.select().from(customers).where(eq(customers.id, input.requestId)),
  );
  if (existing[0]) return toCustomer(existing[0]);
  const { requestId, ...fields } = input;
  await createCustomer(services.db, { ...fields, id: requestId }, async (tx) => {
    await recordAudit(tx, requestId, actor, 'customer.created', input.name, {
      ceoName: input.ceoName,
      outputLanguage: input.outputLanguage,
      channels: input.channels,
    });
  });
  const [row] = await withTenant(services.db, requestId, (tx) =>
    tx.select().from(customers).where(eq(customers.id, requestId)),
  );
  return toCustomer(row!);
}

export async function getCustomer(tx: Tx, customerId: string) {
  const [row] = await tx.select().from(customers).where(eq(customers.id, customerId));
  if (!row) throw new AppError('NOT_FOUND');
  return toCustomer(row);
}

export async function updateCustomer(
  tx: Tx,
  customerId: string,
  actor: { user: SessionUser; meta: RequestMeta },
  input: z.output<typeof ZUpdateCustomerInput>,
) {
  const [row] = await tx.update(customers).set(input).where(eq(customers.id, customerId)).returning();
  if (!row) throw new AppError('NOT_FOUND');
  await recordAudit(tx, customerId, actor, 'customer.updated', row.name, input);
  return toCustomer(row);
}

/**
 * Creates an admin or CEO login for the tenant and emails the invitation (set your password). The login lives in
 * the global auth tables; the tenant keeps its own record in customer_users.
 */
export async function inviteUser(
  services: AppServices,
  inTenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
  customerId: string,
  actor: { user: SessionUser; meta: RequestMeta },
  input: z.output<typeof ZInviteUserInput>,
) {
  const [mine] = await inTenant((tx) =>
    tx.select().from(customerUsers).where(sql`lower(${customerUsers.email}) = lower(${input.email})`),
  );
  if (mine) throw new AppError('ALREADY_EXISTS');
  const login = await createLogin(services.auth, {
    email: input.email,
    name: input.name,
    role: input.role,
    customerId,
    language: input.language,
  });
  // An email already used by another customer's login (or an operator) is refused without saying whose it is.
  if (!login.created) throw new AppError('ALREADY_EXISTS');
  const now = new Date();
  await inTenant(async (tx) => {
    await recordCustomerUser(tx, { userId: login.id, customerId, role: input.role, email: input.email, name: input.name, invitedAt: now });
    await recordAudit(tx, customerId, actor, 'user.invited', input.email, { role: input.role });
  });
  await sendInvitation(services.auth, input.email, `${services.publicUrl}/reset-password`);
  return { userId: login.id, email: input.email, name: input.name, role: input.role, invitedAt: now.toISOString() };
}

export async function listCustomerUsers(tx: Tx) {
  const rows = await tx.select().from(customerUsers).orderBy(customerUsers.invitedAt);
  return rows.map((r) => ({ userId: r.userId, email: r.email, name: r.name, role: r.role, invitedAt: r.invitedAt.toISOString() }));
}

export async function describeMe(services: AppServices, user: SessionUser): Promise<TMe> {
  const customerId = user.role === 'operator' ? user.activeCustomerId : user.customerId;
  const customer = customerId
    ? (await withTenant(services.db, customerId, (tx) => tx.select().from(customers).where(eq(customers.id, customerId))))[0]
    : undefined;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    customerId: user.customerId,
    customerName: customer?.name ?? null,
    outputLanguage: customer?.outputLanguage ?? null,
    language: user.language,
    activeCustomerId: user.role === 'operator' ? user.activeCustomerId : null,
    homePath: HOME_PATH[user.role],
  };
}

export async function selectCustomer(
  services: AppServices,
  actor: { user: SessionUser; meta: RequestMeta },
  customerId: string | null,
) {
  const { user } = actor;
  if (customerId) {
    const visible = (await listCustomers(services)).some((c) => c.id === customerId);
    if (!visible) throw new AppError('NOT_FOUND');
    // Opening a customer is access to its data: it goes in that customer's audit log.
    await withTenant(services.db, customerId, (tx) => recordAudit(tx, customerId, actor, 'customer.opened'));
  }
  await setActiveCustomer(services.auth, user.sessionToken, customerId);
  return describeMe(services, { ...user, activeCustomerId: customerId });
}

export async function setUserLanguage(services: AppServices, user: SessionUser, language: string | null) {
  await services.db.authDb.update(authUsers).set({ language }).where(eq(authUsers.id, user.id));
  return describeMe(services, { ...user, language });
}
