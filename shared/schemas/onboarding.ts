/** Pre-onboarding checklist and the session tracker (onboarding portal items 2 and 3). */
import { z } from 'zod';
import { isIsoDate, SEND_STATUSES } from '../business-days.ts';
import { V } from '../errors.ts';
import { CHECKLIST_ITEM_STATUSES, CHECKLIST_KEYS, COMMON_ISSUES, SESSION_STEPS } from '../onboarding.ts';
import { zLine, zText } from './common.ts';

export const ZChecklistStatus = z.enum(CHECKLIST_ITEM_STATUSES, { error: V.invalid });
export const ZChecklistKey = z.enum(CHECKLIST_KEYS, { error: V.invalid });
export const ZCommonIssue = z.enum(COMMON_ISSUES);

export const ZIsoDate = zLine({ trim: true, error: V.required }).refine(isIsoDate, { error: V.invalid });

/* ---------------------------------------------------------------- checklist */

export const ZSetSessionDateInput = z.object({ sessionDate: ZIsoDate.nullable() });

export const CHECKLIST_NOTE_MAX = 2000;
export const ZUpdateChecklistItemInput = z.object({
  item: ZChecklistKey,
  status: ZChecklistStatus,
  /** Empty means "no note". */
  note: zText({ trim: true })
    .max(CHECKLIST_NOTE_MAX, { error: V.tooLong })
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .default(null),
});

export const ZChecklistItem = z.object({
  key: ZChecklistKey,
  platform: z.string(),
  who: z.string(),
  status: ZChecklistStatus,
  note: z.string().nullable(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  /** The row of the seed's "Common Onboarding Issues & Resolutions" that fixes this item, if there is one. */
  fix: ZCommonIssue.nullable(),
});

export const ZChecklist = z.object({
  sessionDate: z.string().nullable(),
  sendWindow: z.object({ earliest: z.string(), latest: z.string() }).nullable(),
  sendStatus: z.enum(SEND_STATUSES),
  checklistSentAt: z.string().nullable(),
  /** Who "Email checklist to admin" would reach: the admin logins, else the customer's contact email. */
  recipients: z.array(z.string()),
  items: z.array(ZChecklistItem),
  /** Ready only when every item is confirmed. */
  ready: z.boolean(),
  /** Items not confirmed yet, in checklist order. */
  blocking: z.array(ZChecklistItem),
});
export type TChecklist = z.infer<typeof ZChecklist>;
export type TChecklistItem = z.infer<typeof ZChecklistItem>;

export const ZEmailChecklistResult = z.object({
  checklistSentAt: z.string(),
  messages: z.array(z.object({ to: z.string(), status: z.enum(['sent', 'outbox', 'failed']) })),
});

/* ---------------------------------------------------------------- session tracker */

const STEP_NUMBERS: number[] = SESSION_STEPS.map((s) => s.step);
/** Step 8 is done by closing the session, never by a mark. */
const MARKABLE_STEPS = STEP_NUMBERS.filter((n) => n !== 8);
export const ZMarkableStep = z
  .number({ error: V.invalid })
  .int({ error: V.invalid })
  .refine((n) => MARKABLE_STEPS.includes(n), { error: V.invalid });

export const STEP_REASON_MAX = 500;
export const ZStepReason = zText({ trim: true, error: V.required })
  .min(1, { error: V.required })
  .max(STEP_REASON_MAX, { error: V.tooLong });

/** Marking a step done and undoing the mark both need a reason: each lands in the audit log. */
export const ZStepMarkInput = z.object({ step: ZMarkableStep, reason: ZStepReason });

/**
 * Starting or closing the session: while the checklist is not ready, the operator confirms with a reason (recorded
 * on the session and in the audit log); without one the server refuses with CHECKLIST_NOT_READY.
 */
export const ZSessionActionInput = z.object({ notReadyReason: ZStepReason.optional() }).optional();

export const STEP_DONE_BY = ['system', 'operator', 'close'] as const;
export const CONNECTOR_STATUSES = ['not_connected'] as const;

export const ZSessionStep = z.object({
  step: z.number().int(),
  minutes: z.number().int(),
  auto: z.enum(['customer_created', 'connectors', 'links_generated', 'ceo_login']).nullable(),
  /** Connector steps: the state of their connectors (there are none yet, so always "not connected"). */
  connectorStatus: z.enum(CONNECTOR_STATUSES).nullable(),
  /** Whether the system condition holds, with what it saw. */
  system: z.object({
    met: z.boolean(),
    at: z.string().nullable(),
    counts: z.record(z.string(), z.number().int()).nullable(),
  }),
  mark: z.object({ doneAt: z.string(), doneBy: z.string(), reason: z.string() }).nullable(),
  done: z.boolean(),
  doneAt: z.string().nullable(),
  doneBy: z.enum(STEP_DONE_BY).nullable(),
});
export type TSessionStep = z.infer<typeof ZSessionStep>;

export const ZSession = z.object({
  scheduledFor: z.string().nullable(),
  startedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  /** For the client clock: the server's time when it answered, to correct for a skewed device clock. */
  serverNow: z.string(),
  totalMinutes: z.number().int(),
  /** No connector exists in PanOps yet; connector steps are marked by the operator with a reason. */
  connectorsAvailable: z.boolean(),
  steps: z.array(ZSessionStep),
  postChecksScheduled: z.number().int(),
  /** The pre-onboarding checklist: ready only when every item is confirmed; else the items still open. */
  checklistReady: z.boolean(),
  checklistBlocking: z.array(ZChecklistKey),
  /** The reasons recorded for starting or closing while the checklist was not ready. */
  startedNotReady: z.string().nullable(),
  closedNotReady: z.string().nullable(),
});
export type TSession = z.infer<typeof ZSession>;
