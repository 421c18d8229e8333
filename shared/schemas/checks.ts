/** Post-onboarding checks (seed 000 "Post-Onboarding Monitoring"): status, result, and the admin check-in. */
import { z } from 'zod';
import { V } from '../errors.ts';
import { POST_CHECKS } from '../onboarding.ts';
import { zText } from './common.ts';

export const POST_CHECK_KEYS = POST_CHECKS.map((c) => c.key) as [
  (typeof POST_CHECKS)[number]['key'],
  ...(typeof POST_CHECKS)[number]['key'][],
];
export const ZPostCheckKey = z.enum(POST_CHECK_KEYS);
export const ZPostCheckStatus = z.enum(['scheduled', 'passed', 'failed', 'waiting_connectors']);
export const ZCheckInOutcome = z.enum(['ok', 'issues']);

/** What an evaluation found; which fields are present depends on the check. */
export const ZCheckResult = z.object({
  /** Connector checks: how many connectors exist (none yet). */
  connectors: z.number().int().optional(),
  /** 24 h check-in, recorded by a person. */
  outcome: ZCheckInOutcome.optional(),
  note: z.string().optional(),
  recordedBy: z.string().optional(),
  recordedAt: z.iso.datetime().optional(),
  /** 48 h enrollment: responded by the due time ÷ current employees, against the target share. */
  responded: z.number().int().optional(),
  total: z.number().int().optional(),
  rate: z.number().optional(),
  target: z.number().optional(),
  /** The moment the figure counts up to: the check's due time, not when it was evaluated. */
  asOf: z.iso.datetime().optional(),
  resend: z
    .object({ at: z.iso.datetime(), reissued: z.number().int(), delivered: z.number().int(), failed: z.number().int() })
    .optional(),
});
export type TCheckResult = z.infer<typeof ZCheckResult>;

export const ZCheck = z.object({
  key: ZPostCheckKey,
  dueAt: z.iso.datetime(),
  /** The due time has passed. */
  due: z.boolean(),
  needsConnectors: z.boolean(),
  status: ZPostCheckStatus,
  result: ZCheckResult.nullable(),
  evaluatedAt: z.iso.datetime().nullable(),
});
export type TCheck = z.infer<typeof ZCheck>;

export const ZChecksList = z.object({ closedAt: z.iso.datetime().nullable(), checks: z.array(ZCheck) });
export type TChecksList = z.infer<typeof ZChecksList>;

export const ZCheckInInput = z.object({
  outcome: ZCheckInOutcome,
  note: zText({ trim: true }).max(2000, { error: V.tooLong }).default(''),
});

export const ZChecksResendInput = z.object({ requestId: z.uuid({ error: V.invalid }) });
