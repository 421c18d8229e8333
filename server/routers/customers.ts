import { z } from 'zod';
import {
  ZAuditList,
  ZAuditQuery,
  ZCreateCustomerInput,
  ZCustomer,
  ZCustomerList,
  ZCustomerUser,
  ZCustomerUsers,
  ZInviteUserInput,
  ZUpdateCustomerInput,
} from '../../shared/schemas/portal.ts';
import { listAudit } from '../services/audit.ts';
import {
  createCustomerAccount,
  getCustomer,
  inviteUser,
  listCustomers,
  listCustomerUsers,
  requireServices,
  updateCustomer,
} from '../services/portal.ts';
import {
  adminPanelProcedure,
  onboardingProcedure,
  operatorProcedure,
  router,
  tenantWorkflowProcedure,
} from '../trpc.ts';

export const customersRouter = router({
  list: operatorProcedure
    .input(z.void())
    .output(ZCustomerList)
    .query(({ ctx }) => listCustomers({ db: ctx.db, ...requireServices(ctx.services) })),

  create: operatorProcedure
    .input(ZCreateCustomerInput)
    .output(ZCustomer)
    .mutation(({ ctx, input }) =>
      createCustomerAccount({ db: ctx.db, ...requireServices(ctx.services) }, { user: ctx.user, meta: ctx.meta }, input),
    ),

  /** The customer the caller works on (their own, or the operator's selected one). */
  current: adminPanelProcedure
    .input(z.void())
    .output(ZCustomer)
    .query(({ ctx }) => getCustomer(ctx.tx, ctx.tenantId)),

  update: onboardingProcedure
    .input(ZUpdateCustomerInput)
    .output(ZCustomer)
    .mutation(({ ctx, input }) => updateCustomer(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input)),

  users: adminPanelProcedure
    .input(z.void())
    .output(ZCustomerUsers)
    .query(({ ctx }) => listCustomerUsers(ctx.tx)),

  /** Step 7 (CEO access) and the customer admin's login: created here, invited by email. */
  inviteUser: tenantWorkflowProcedure('onboarding')
    .input(ZInviteUserInput)
    .output(ZCustomerUser)
    .mutation(({ ctx, input }) =>
      inviteUser(
        { db: ctx.db, ...requireServices(ctx.services) },
        ctx.inTenant,
        ctx.tenantId,
        { user: ctx.user, meta: ctx.meta },
        input,
      ),
    ),

  audit: adminPanelProcedure
    .input(ZAuditQuery)
    .output(ZAuditList)
    .query(({ ctx, input }) => listAudit(ctx.tx, input.limit)),
});
