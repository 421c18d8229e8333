import { z } from 'zod';
import { V } from '../errors.ts';
import { ZChannel, ZConsentEventView, ZIdempotencyKey, ZNotice, ZOpaqueToken, ZUiLanguage } from './common.ts';

export const ZManageTokenInput = z.object({ manageToken: ZOpaqueToken });

export const ZManageGetInput = z.object({ language: ZUiLanguage });
export const ZManageGetOutput = z.object({
  customerName: z.string(),
  displayName: z.string(),
  email: z.string(),
  channels: z.array(
    z.object({ channel: ZChannel, allowed: z.boolean(), since: z.iso.datetime().nullable() }),
  ),
  notice: ZNotice,
  history: z.array(ZConsentEventView),
});
export type TManageGetOutput = z.infer<typeof ZManageGetOutput>;

/**
 * Withdrawing needs nothing but the tap. Granting again needs the notice that was shown and an acknowledgment,
 * exactly like the first time.
 */
export const ZManageUpdateInput = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('withdraw'),
    idempotencyKey: ZIdempotencyKey,
    channels: z.array(ZChannel).min(1, { error: V.required }).max(8),
  }),
  z.object({
    action: z.literal('grant'),
    idempotencyKey: ZIdempotencyKey,
    channels: z.array(ZChannel).min(1, { error: V.required }).max(8),
    noticeVersionId: z.uuid(),
    language: ZUiLanguage,
    acknowledged: z.literal(true, { error: V.acknowledge }),
  }),
]);
export type TManageUpdateInput = z.infer<typeof ZManageUpdateInput>;

export const ZManageUpdateOutput = z.object({
  recordedAt: z.iso.datetime(),
  channels: z.array(ZChannel),
  action: z.enum(['grant', 'withdraw']),
  /** Stored communications deleted by this withdrawal (ADR 0006); 0 for a grant. */
  removed: z.number().int().nonnegative(),
});
export type TManageUpdateOutput = z.infer<typeof ZManageUpdateOutput>;
