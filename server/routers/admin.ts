import { z } from 'zod';
import {
  ZCorrection,
  ZCorrectionList,
  ZCorrectionsQuery,
  ZDecideCorrectionInput,
  ZEnrollmentSummary,
  ZFunnel,
  ZPeoplePage,
  ZPeopleQuery,
  ZTimeline,
} from '../../shared/schemas/admin.ts';
import {
  decideCorrection,
  enrollmentSummary,
  enrollmentTimeline,
  linkFunnel,
  listCorrections,
  listPeople,
} from '../services/admin.ts';
import { adminPanelProcedure, router, tenantProcedure } from '../trpc.ts';

/** The CEO reads the admin panel; changing the roster is for the customer admin and the onboarding team. */
const adminPanelWriteProcedure = tenantProcedure('corrections');

/** Admin panel: enrollment rates (≥ 5-person aggregates only), people's link status, identity corrections. */
export const adminRouter = router({
  summary: adminPanelProcedure
    .input(z.void())
    .output(ZEnrollmentSummary)
    .query(({ ctx }) => enrollmentSummary(ctx.tx, ctx.tenantId)),

  funnel: adminPanelProcedure
    .input(z.void())
    .output(ZFunnel)
    .query(({ ctx }) => linkFunnel(ctx.tx, ctx.tenantId, ctx.now())),

  timeline: adminPanelProcedure
    .input(z.void())
    .output(ZTimeline)
    .query(({ ctx }) => enrollmentTimeline(ctx.tx, ctx.tenantId, ctx.now())),

  people: adminPanelProcedure
    .input(ZPeopleQuery)
    .output(ZPeoplePage)
    .query(({ ctx, input }) => listPeople(ctx.tx, ctx.tenantId, input, ctx.now())),

  corrections: adminPanelProcedure
    .input(ZCorrectionsQuery)
    .output(ZCorrectionList)
    .query(({ ctx, input }) => listCorrections(ctx.tx, input.status)),

  decideCorrection: adminPanelWriteProcedure
    .input(ZDecideCorrectionInput)
    .output(ZCorrection)
    .mutation(({ ctx, input }) =>
      decideCorrection(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input, ctx.now()),
    ),
});
