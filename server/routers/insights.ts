import { z } from 'zod';
import { ZActivity, ZTerms } from '../../shared/schemas/insights.ts';
import { activity, terms } from '../services/insights.ts';
import { ceoProcedure, router } from '../trpc.ts';

/** Signal home: activity by channel and department, and rising/falling terms — aggregates over ≥ 5 people only. */
export const insightsRouter = router({
  activity: ceoProcedure
    .input(z.void())
    .output(ZActivity)
    .query(({ ctx }) => activity(ctx.tx, ctx.tenantId, ctx.now())),

  terms: ceoProcedure
    .input(z.void())
    .output(ZTerms)
    .query(({ ctx }) => terms(ctx.tx, ctx.tenantId, ctx.now())),
});
