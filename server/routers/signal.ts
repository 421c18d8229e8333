import { z } from 'zod';
import { ZScopeOptions, ZSessionInput, ZSessionView } from '../../shared/schemas/signal.ts';
import { requireServices } from '../services/portal.ts';
import { scopeOptions, sessionView } from '../services/signal.ts';
import { signalProcedure, router } from '../trpc.ts';

/** The chat page's data besides the answer stream (POST /api/signal/query). */
export const signalRouter = router({
  /** One of the CEO's own sessions, to continue it. */
  session: signalProcedure
    .input(ZSessionInput)
    .output(ZSessionView)
    .query(({ ctx, input }) => sessionView(ctx.tx, ctx.tenantId, ctx.user, input.sessionId)),

  scopeOptions: signalProcedure
    .input(z.void())
    .output(ZScopeOptions)
    .query(({ ctx }) => scopeOptions(ctx.tx, ctx.tenantId, requireServices(ctx.services).signal.llm ? 'llm' : 'extractive')),
});
