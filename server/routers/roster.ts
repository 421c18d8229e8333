import { z } from 'zod';
import { ZUiLanguage } from '../../shared/schemas/common.ts';
import {
  ZApplySummary,
  ZDiff,
  ZErrorsCsv,
  ZImportIdInput,
  ZImportList,
  ZImportSummary,
  ZRosterImport,
  ZSaveMappingInput,
  ZValidation,
} from '../../shared/schemas/roster.ts';
import {
  applyImport,
  diffImport,
  discardImport,
  errorsCsv,
  getImport,
  listImports,
  saveMapping,
  validateImport,
} from '../services/roster.ts';
import { onboardingProcedure, router } from '../trpc.ts';

/** Roster import: CSV upload (plain HTTP route, server/roster/routes.ts), preview, mapping, validation, diff, apply. */
export const rosterRouter = router({
  list: onboardingProcedure
    .input(z.void())
    .output(ZImportList)
    .query(({ ctx }) => listImports(ctx.tx)),

  get: onboardingProcedure
    .input(ZImportIdInput)
    .output(ZRosterImport)
    .query(({ ctx, input }) => getImport(ctx.tx, input.importId)),

  /** Confirms the column mapping; it is remembered for this customer's next upload. */
  saveMapping: onboardingProcedure
    .input(ZSaveMappingInput)
    .output(ZRosterImport)
    .mutation(({ ctx, input }) =>
      saveMapping(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input.importId, input.mapping),
    ),

  validation: onboardingProcedure
    .input(ZImportIdInput)
    .output(ZValidation)
    .query(({ ctx, input }) => validateImport(ctx.tx, input.importId)),

  errorsCsv: onboardingProcedure
    .input(ZImportIdInput.extend({ language: ZUiLanguage.default('en') }))
    .output(ZErrorsCsv)
    .query(({ ctx, input }) => errorsCsv(ctx.tx, input.importId, input.language)),

  /** Joiners, leavers and field-level changes against the current roster, before applying. */
  diff: onboardingProcedure
    .input(ZImportIdInput)
    .output(ZDiff)
    .query(({ ctx, input }) => diffImport(ctx.tx, ctx.tenantId, input.importId)),

  commit: onboardingProcedure
    .input(ZImportIdInput)
    .output(ZApplySummary)
    .mutation(({ ctx, input }) =>
      applyImport(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input.importId, ctx.now()),
    ),

  discard: onboardingProcedure
    .input(ZImportIdInput)
    .output(ZImportSummary)
    .mutation(({ ctx, input }) => discardImport(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input.importId)),
});
