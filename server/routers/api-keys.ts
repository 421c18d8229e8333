import { z } from 'zod';
import {
  ZApiKeyList,
  ZCreateApiKeyInput,
  ZCreateApiKeyOutput,
  ZRevokeApiKeyInput,
} from '../../shared/schemas/api-keys.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../services/api-keys.ts';
import { router, tenantProcedure } from '../trpc.ts';

/** Operator and customer admin only (shared/access.ts: not the CEO). */
const apiKeysProcedure = tenantProcedure('apiKeys');

/** Admin → API keys: the keys connectors use for POST /api/v1/ingest. */
export const apiKeysRouter = router({
  list: apiKeysProcedure
    .input(z.void())
    .output(ZApiKeyList)
    .query(({ ctx }) => listApiKeys(ctx.tx)),

  create: apiKeysProcedure
    .input(ZCreateApiKeyInput)
    .output(ZCreateApiKeyOutput)
    .mutation(({ ctx, input }) => createApiKey(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input, ctx.now())),

  revoke: apiKeysProcedure
    .input(ZRevokeApiKeyInput)
    .output(z.object({ revoked: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await revokeApiKey(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input.id, ctx.now());
      return { revoked: true as const };
    }),
});
