/**
 * Admin panel: enrollment rates, the link-status funnel and timeline, the people list and identity corrections.
 * Privacy by shape: no schema here has a field that could carry one person's consent choices. Per-channel figures
 * exist only as counts over groups of at least MIN_GROUP_SIZE respondents; smaller groups get a `suppressed`
 * marker with no numbers at all.
 */
import { z } from 'zod';
import { V } from '../errors.ts';
import { ZChannel, zLine } from './common.ts';

export const PERSON_LINK_STATUS_VALUES = ['not_sent', 'sent', 'opened', 'responded', 'expired'] as const;
export const ZPersonLinkStatus = z.enum(PERSON_LINK_STATUS_VALUES);
export type TPersonLinkStatus = z.infer<typeof ZPersonLinkStatus>;

/** A figure too small to publish: says only that, never how small. */
export const ZSuppressed = z.object({ suppressed: z.literal(true) }).strict();

/** How many of `respondents` allowed each channel (the customer's channels only). */
export const ZChannelCounts = z
  .object({
    suppressed: z.literal(false),
    respondents: z.number().int().nonnegative(),
    allowed: z.array(z.object({ channel: ZChannel, count: z.number().int().nonnegative() }).strict()),
  })
  .strict();
export const ZChannelFigures = z.discriminatedUnion('suppressed', [ZChannelCounts, ZSuppressed]);
export type TChannelFigures = z.infer<typeof ZChannelFigures>;

/** Response (link status) aggregate of a group: shown for groups of at least MIN_GROUP_SIZE people. */
export const ZResponseFigures = z.discriminatedUnion('suppressed', [
  z
    .object({
      suppressed: z.literal(false),
      total: z.number().int().nonnegative(),
      responded: z.number().int().nonnegative(),
    })
    .strict(),
  ZSuppressed,
]);

export const ZGroupFigures = z
  .object({
    /** Department or location as in the roster; null for people with none. */
    key: z.string().nullable(),
    response: ZResponseFigures,
    channels: ZChannelFigures,
  })
  .strict();
export type TGroupFigures = z.infer<typeof ZGroupFigures>;

export const ZEnrollmentSummary = z
  .object({
    minGroupSize: z.number().int().positive(),
    channels: z.array(ZChannel),
    total: z.number().int().nonnegative(),
    responded: z.number().int().nonnegative(),
    overallChannels: ZChannelFigures,
    byDepartment: z.array(ZGroupFigures),
    byLocation: z.array(ZGroupFigures),
  })
  .strict();
export type TEnrollmentSummary = z.infer<typeof ZEnrollmentSummary>;

export const ZFunnel = z
  .object({
    total: z.number().int().nonnegative(),
    counts: z.record(ZPersonLinkStatus, z.number().int().nonnegative()),
  })
  .strict();
export type TFunnel = z.infer<typeof ZFunnel>;

export const ZTimelinePoint = z
  .object({ at: z.iso.datetime(), hours: z.number().nonnegative(), responded: z.number().int(), share: z.number() })
  .strict();
export const ZTimeline = z
  .object({
    /** When the clock starts: the session's close, or the first link if the session is still open; null if neither. */
    startedAt: z.iso.datetime().nullable(),
    startKind: z.enum(['session_closed', 'first_link']).nullable(),
    total: z.number().int().nonnegative(),
    points: z.array(ZTimelinePoint),
    target: z
      .object({
        share: z.number(),
        hours: z.number(),
        /** The deadline: session close + `hours`; null while the session is open (the target's clock starts at close). */
        at: z.iso.datetime().nullable(),
        /**
         * Judged on enrollment at the deadline, whatever happened after it: `met` / `missed` once it has passed,
         * `pending` before it, `not_started` while the session is open.
         */
        outcome: z.enum(['not_started', 'pending', 'met', 'missed']),
        /** Responded and share at the deadline (met, missed) or now (pending); null when not started. */
        responded: z.number().int().nullable(),
        achieved: z.number().nullable(),
      })
      .strict(),
    /** When the share first reached the target share, if it has — possibly after the deadline. */
    reachedAt: z.iso.datetime().nullable(),
  })
  .strict();
export type TTimeline = z.infer<typeof ZTimeline>;

export const PEOPLE_PAGE_SIZE = 50;
export const ZPeopleQuery = z.object({
  status: ZPersonLinkStatus.nullable().default(null),
  search: zLine({ trim: true }).max(200, { error: V.tooLong }).default(''),
  page: z.number().int().min(0, { error: V.invalid }).max(100_000, { error: V.invalid }).default(0),
});
export type TPeopleQuery = z.input<typeof ZPeopleQuery>;

/** Everything an admin may know about one person. Deliberately nothing else (privacy rule). */
export const ZPersonRow = z
  .object({
    name: z.string(),
    email: z.string(),
    department: z.string().nullable(),
    location: z.string().nullable(),
    status: ZPersonLinkStatus,
    linkSentAt: z.iso.datetime().nullable(),
    linkExpiresAt: z.iso.datetime().nullable(),
  })
  .strict();
export type TPersonRow = z.infer<typeof ZPersonRow>;
export const ZPeoplePage = z
  .object({ rows: z.array(ZPersonRow), page: z.number().int(), pageSize: z.number().int(), hasMore: z.boolean() })
  .strict();

export const CORRECTION_STATUS_VALUES = ['pending_review', 'accepted', 'rejected'] as const;
export const ZCorrectionStatus = z.enum(CORRECTION_STATUS_VALUES);
export const ZCorrectionsQuery = z.object({ status: ZCorrectionStatus.default('pending_review') });

export const ZCorrection = z
  .object({
    id: z.uuid(),
    employeeName: z.string(),
    field: z.string(),
    oldValue: z.string().nullable(),
    newValue: z.string(),
    submittedAt: z.iso.datetime(),
    status: ZCorrectionStatus,
  })
  .strict();
export type TCorrection = z.infer<typeof ZCorrection>;
export const ZCorrectionList = z.array(ZCorrection);

export const ZDecideCorrectionInput = z.object({
  id: z.uuid({ error: V.invalid }),
  decision: z.enum(['accept', 'reject']),
});
