import { z } from 'zod';
import { CHANNELS } from '../channels.ts';
import { V } from '../errors.ts';
import { UI_LANGUAGES } from '../languages.ts';

export const ZChannel = z.enum(CHANNELS);
export const ZUiLanguage = z.enum(UI_LANGUAGES);
/** Client-generated, one per submission attempt; a retry reuses it so the server records the decision once. */
export const ZIdempotencyKey = z.uuid({ error: V.invalid });
/** Tokens are checked by the server only: malformed and unknown tokens must get the same answer. */
export const ZOpaqueToken = z.string().max(200);
export const ZEmail = z
  .string()
  .trim()
  .min(1, { error: V.required })
  .max(320, { error: V.tooLong })
  .pipe(z.email({ error: V.email }));
export const ZDisplayName = z.string().trim().min(1, { error: V.required }).max(200, { error: V.tooLong });
/** Platform usernames: Slack handle, Teams/Zoom login, phone number. Empty string means "none". */
export const ZPlatformIds = z.object({
  slack: z.string().trim().max(100, { error: V.tooLong }).optional(),
  teams: z.string().trim().max(320, { error: V.tooLong }).optional(),
  zoom: z.string().trim().max(320, { error: V.tooLong }).optional(),
  phone: z
    .string()
    .trim()
    .max(32, { error: V.tooLong })
    .regex(/^$|^\+?[0-9 ().-]{5,31}$/, { error: V.phone })
    .optional(),
});

export const ZNotice = z.object({
  versionId: z.uuid(),
  version: z.number().int().positive(),
  label: z.string(),
  language: ZUiLanguage,
  title: z.string(),
  body: z.string(),
});
export type TNotice = z.infer<typeof ZNotice>;

export const ZConsentEventView = z.object({
  channel: ZChannel,
  decision: z.enum(['grant', 'deny', 'withdraw']),
  occurredAt: z.iso.datetime(),
  noticeLabel: z.string(),
  language: ZUiLanguage,
});
export type TConsentEventView = z.infer<typeof ZConsentEventView>;
