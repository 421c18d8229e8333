/** Admin → API keys: per-customer ingestion keys. The secret appears in exactly one response, the create. */
import { z } from 'zod';
import { V } from '../errors.ts';
import { zLine } from './common.ts';

/** `pk_<8 lowercase letters/digits>_<43 base64url characters (32 random bytes)>`. */
export const API_KEY_PATTERN = /^pk_([a-z0-9]{8})_[A-Za-z0-9_-]{43}$/;

export const ZApiKey = z.object({
  id: z.uuid(),
  label: z.string(),
  /** `pk_xxxxxxxx`: enough to tell keys apart, useless to authenticate. */
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  /** The email of whoever created it (from the audit log). */
  createdBy: z.string().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type TApiKey = z.infer<typeof ZApiKey>;

export const ZApiKeyList = z.array(ZApiKey);

export const ZCreateApiKeyInput = z.object({
  label: zLine({ trim: true }).min(1, { error: V.required }).max(100, { error: V.tooLong }),
});
export const ZCreateApiKeyOutput = z.object({ key: ZApiKey, secret: z.string().regex(API_KEY_PATTERN) });
export type TCreateApiKeyOutput = z.infer<typeof ZCreateApiKeyOutput>;

export const ZRevokeApiKeyInput = z.object({ id: z.uuid({ error: V.invalid }) });
