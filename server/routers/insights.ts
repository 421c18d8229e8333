import { z } from 'zod';
import { ZActivity, ZTerms } from '../../shared/schemas/insights.ts';
import { activity, terms } from '../services/insights.ts';
import { signalProcedure, router } from '../trpc.ts';

/** Signal home: activity by channel and department, and rising/falling terms — aggregates over ≥ 5 people only. */
export const insightsRouter = router({
  activity: signalProcedure
    .input(z.void())
    .output(ZActivity)
    .query(({ ctx }) => activity(ctx.tx, ctx.tenantId, ctx.now())),

  terms: signalProcedure
    .input(z.void())
    .output(ZTerms)
    .query(({ ctx }) => terms(ctx.tx, ctx.tenantId, ctx.now())),
});
