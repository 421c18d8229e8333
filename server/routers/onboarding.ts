import { z } from 'zod';
import {
  ZChecklist,
  ZEmailChecklistResult,
  ZSession,
  ZSessionActionInput,
  ZStepMarkInput,
  ZSetSessionDateInput,
  ZUpdateChecklistItemInput,
} from '../../shared/schemas/onboarding.ts';
import {
  ceoAccessOf,
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
import { onboardingProcedure, router, tenantWorkflowProcedure } from '../trpc.ts';

/**
 * Running the session is the onboarding team's job; the customer admin follows it read-only. Every session view
 * first reads whether a CEO login can get in (step 7) from the sign-in tables, through the auth connection, and only
 * then opens the tenant transaction: the two never overlap (one connection on PGlite).
 */
const sessionOperatorProcedure = tenantWorkflowProcedure('sessionControl');
const sessionViewProcedure = tenantWorkflowProcedure('onboarding');

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

  session: sessionViewProcedure
    .input(z.void())
    .output(ZSession)
    .query(async ({ ctx }) => {
      const ceo = await ceoAccessOf(ctx.db, ctx.tenantId);
      return ctx.inTenant((tx) => getSession(tx, ctx.tenantId, ctx.now(), ceo));
    }),

  start: sessionOperatorProcedure
    .input(ZSessionActionInput)
    .output(ZSession)
    .mutation(async ({ ctx, input }) => {
      const ceo = await ceoAccessOf(ctx.db, ctx.tenantId);
      return ctx.inTenant((tx) => startSession(tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, ctx.now(), ceo, input));
    }),

  markStep: sessionOperatorProcedure
    .input(ZStepMarkInput)
    .output(ZSession)
    .mutation(async ({ ctx, input }) => {
      const ceo = await ceoAccessOf(ctx.db, ctx.tenantId);
      return ctx.inTenant((tx) => markStep(tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input, ctx.now(), ceo));
    }),

  unmarkStep: sessionOperatorProcedure
    .input(ZStepMarkInput)
    .output(ZSession)
    .mutation(async ({ ctx, input }) => {
      const ceo = await ceoAccessOf(ctx.db, ctx.tenantId);
      return ctx.inTenant((tx) => unmarkStep(tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input, ctx.now(), ceo));
    }),

  close: sessionOperatorProcedure
    .input(ZSessionActionInput)
    .output(ZSession)
    .mutation(async ({ ctx, input }) => {
      const ceo = await ceoAccessOf(ctx.db, ctx.tenantId);
      return ctx.inTenant((tx) => closeSession(tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, ctx.now(), ceo, input));
    }),
});
