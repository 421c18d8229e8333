import { z } from 'zod';
import {
  ZApiKeyList,
  ZCreateApiKeyInput,
  ZCreateApiKeyOutput,
  ZRevokeApiKeyInput,
} from '../../shared/schemas/api-keys.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../services/api-keys.ts';
import { adminPanelProcedure, router } from '../trpc.ts';

/** Admin → API keys: the keys connectors use for POST /api/v1/ingest. */
export const apiKeysRouter = router({
  list: adminPanelProcedure
    .input(z.void())
    .output(ZApiKeyList)
    .query(({ ctx }) => listApiKeys(ctx.tx)),

  create: adminPanelProcedure
    .input(ZCreateApiKeyInput)
    .output(ZCreateApiKeyOutput)
    .mutation(({ ctx, input }) => createApiKey(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input, ctx.now())),

  revoke: adminPanelProcedure
    .input(ZRevokeApiKeyInput)
    .output(z.object({ revoked: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await revokeApiKey(ctx.tx, ctx.tenantId, { user: ctx.user, meta: ctx.meta }, input.id, ctx.now());
      return { revoked: true as const };
    }),
});
