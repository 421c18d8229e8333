import { z } from 'zod';
import { V } from '../errors.ts';
import {
  ZChannel,
  ZDisplayName,
  ZEmail,
  ZIdempotencyKey,
  ZNotice,
  ZOpaqueToken,
  ZPlatformIds,
  ZUiLanguage,
  ZConsentEventView,
} from './common.ts';

export const ZEnrollmentTokenInput = z.object({ token: ZOpaqueToken });

export const ZEnrollmentGetInput = z.object({ language: ZUiLanguage });
export const ZIdentity = z.object({ email: ZEmail, displayName: ZDisplayName, platformIds: ZPlatformIds });
export type TIdentity = z.infer<typeof ZIdentity>;

export const ZEnrollmentGetOutput = z.object({
  customerName: z.string(),
  ceoName: z.string(),
  channels: z.array(ZChannel),
  identity: ZIdentity,
  notice: ZNotice,
  expiresAt: z.iso.datetime(),
});
export type TEnrollmentGetOutput = z.infer<typeof ZEnrollmentGetOutput>;

export const ZNoticeShownInput = z.object({ noticeVersionId: z.uuid() });
export const ZOk = z.object({ ok: z.literal(true) });

/** Allow or Don't allow; nothing is pre-selected, so a missing channel is an error, not a default. */
export const ZChoice = z.enum(['grant', 'deny']);
export const ZEnrollmentSubmitInput = z.object({
  idempotencyKey: ZIdempotencyKey,
  noticeVersionId: z.uuid(),
  language: ZUiLanguage,
  identity: ZIdentity,
  choices: z
    .array(z.object({ channel: ZChannel, decision: ZChoice }))
    .min(1, { error: V.chooseEveryChannel })
    .max(8)
    .refine((items) => new Set(items.map((i) => i.channel)).size === items.length, { error: V.invalid }),
  acknowledged: z.literal(true, { error: V.acknowledge }),
});
export type TEnrollmentSubmitInput = z.infer<typeof ZEnrollmentSubmitInput>;

export const ZReceipt = z.object({
  customerName: z.string(),
  displayName: z.string(),
  recordedAt: z.iso.datetime(),
  noticeLabel: z.string(),
  language: ZUiLanguage,
  decisions: z.array(z.object({ channel: ZChannel, decision: z.enum(['grant', 'deny', 'withdraw']) })),
  identityCorrected: z.boolean(),
  /** Secret for the durable "manage my consent" link; shown once, kept by the installed app. */
  manageToken: z.string(),
  history: z.array(ZConsentEventView),
});
export type TReceipt = z.infer<typeof ZReceipt>;
