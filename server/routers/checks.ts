import { ZCheckInInput, ZChecksList, ZChecksResendInput } from '../../shared/schemas/checks.ts';
import { ZResendResult } from '../../shared/schemas/links.ts';
import { z } from 'zod';
import { listChecks, recordCheckIn, resendFromCheck } from '../services/checks.ts';
import { requireServices } from '../services/portal.ts';
import { adminPanelProcedure, onboardingProcedure, router, tenantWorkflowProcedure } from '../trpc.ts';

/** Post-onboarding checks: status, result and the runbook's action on failure; one-click resend at 48 h. */
export const checksRouter = router({
  /** Evaluates whatever fell due, then lists; visible to the CEO too. */
  list: adminPanelProcedure
    .input(z.void())
    .output(ZChecksList)
    .query(({ ctx }) => listChecks(ctx.tx, ctx.now())),

  recordCheckIn: onboardingProcedure
    .input(ZCheckInInput)
    .output(ZChecksList)
    .mutation(({ ctx, input }) => recordCheckIn(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input, ctx.now())),

  resendPending: tenantWorkflowProcedure('onboarding')
    .input(ZChecksResendInput)
    .output(ZResendResult)
    .mutation(({ ctx, input }) =>
      resendFromCheck(
        requireServices(ctx.services),
        ctx.inTenant,
        ctx.tenantId,
        { user: ctx.user, meta: ctx.meta },
        input.requestId,
        ctx.now(),
      ),
    ),
});
