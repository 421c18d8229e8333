import { z } from 'zod';
import {
  ZChecklist,
  ZEmailChecklistResult,
  ZSession,
  ZStepMarkInput,
  ZSetSessionDateInput,
  ZUpdateChecklistItemInput,
} from '../../shared/schemas/onboarding.ts';
import {
  closeSession,
  emailChecklist,
  getChecklist,
  getSession,
  markStep,
  setSessionDate,
  startSession,
  unmarkStep,
  updateChecklistItem,
} from '../services/onboarding.ts';
import { requireServices } from '../services/portal.ts';
import { onboardingProcedure, router, tenantProcedure, tenantWorkflowProcedure } from '../trpc.ts';

/** Running the session is the onboarding team's job; the customer admin follows it read-only. */
const sessionOperatorProcedure = tenantProcedure('sessionControl');

/** Pre-onboarding checklist (operator and customer admin) and the session tracker. */
export const onboardingRouter = router({
  checklist: onboardingProcedure
    .input(z.void())
    .output(ZChecklist)
    .query(({ ctx }) => getChecklist(ctx.tx, ctx.tenantId, ctx.now())),

  setSessionDate: onboardingProcedure
    .input(ZSetSessionDateInput)
    .output(ZChecklist)
    .mutation(({ ctx, input }) =>
      setSessionDate(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input.sessionDate, ctx.now()),
    ),

  updateItem: onboardingProcedure
    .input(ZUpdateChecklistItemInput)
    .output(ZChecklist)
    .mutation(({ ctx, input }) =>
      updateChecklistItem(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input, ctx.now()),
    ),

  emailChecklist: tenantWorkflowProcedure('onboarding')
    .input(z.void())
    .output(ZEmailChecklistResult)
    .mutation(({ ctx }) =>
      emailChecklist(requireServices(ctx.services), ctx.inTenant, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, ctx.now()),
    ),

  session: onboardingProcedure
    .input(z.void())
    .output(ZSession)
    .query(({ ctx }) => getSession(ctx.tx, ctx.tenantId, ctx.now())),

  start: sessionOperatorProcedure
    .input(z.void())
    .output(ZSession)
    .mutation(({ ctx }) => startSession(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, ctx.now())),

  markStep: sessionOperatorProcedure
    .input(ZStepMarkInput)
    .output(ZSession)
    .mutation(({ ctx, input }) => markStep(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input, ctx.now())),

  unmarkStep: sessionOperatorProcedure
    .input(ZStepMarkInput)
    .output(ZSession)
    .mutation(({ ctx, input }) => unmarkStep(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input, ctx.now())),

  close: sessionOperatorProcedure
    .input(z.void())
    .output(ZSession)
    .mutation(({ ctx }) => closeSession(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, ctx.now())),
});
