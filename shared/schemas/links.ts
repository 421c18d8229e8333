/** Enrollment links (onboarding portal item 5) and the tenant's outbox. Per person: link status only, never choices. */
import { z } from 'zod';
import { V } from '../errors.ts';
import { zLine } from './common.ts';

/** Mirrors PERSON_LINK_STATUSES of server/services/enrollment-links.ts (checked at compile time there). */
export const LINK_STATUS_VALUES = ['not_sent', 'sent', 'opened', 'responded', 'expired'] as const;
export const ZLinkStatus = z.enum(LINK_STATUS_VALUES);
export type TLinkStatus = z.infer<typeof ZLinkStatus>;

export const LINK_METHODS = ['email', 'csv', 'qr'] as const;
export const ZLinkMethod = z.enum(LINK_METHODS);

/** `needs_link`: current, not responded, and without an active unexpired link — who "generate" would cover. */
export const LINK_FILTERS = ['all', 'needs_link', ...LINK_STATUS_VALUES] as const;
export const ZLinkFilter = z.enum(LINK_FILTERS);
export type TLinkFilter = z.infer<typeof ZLinkFilter>;

/** A hand-picked subset of the roster; without one, an action covers everyone it applies to. */
export const ZEmployeeSelection = z
  .array(z.uuid({ error: V.invalid }))
  .min(1, { error: V.required })
  .max(10_000, { error: V.tooLong })
  .optional();

export const ZLinksListInput = z.object({
  filter: ZLinkFilter.default('all'),
  search: zLine({ trim: true }).max(200, { error: V.tooLong }).default(''),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type TLinksListInput = z.input<typeof ZLinksListInput>;

export const ZLinkRow = z.object({
  employeeId: z.uuid(),
  name: z.string(),
  email: z.string(),
  department: z.string().nullable(),
  location: z.string().nullable(),
  status: ZLinkStatus,
  sentAt: z.iso.datetime().nullable(),
  sentVia: ZLinkMethod.nullable(),
  expiresAt: z.iso.datetime().nullable(),
  needsLink: z.boolean(),
});
export type TLinkRow = z.infer<typeof ZLinkRow>;

export const ZLinkCounts = z.object({
  total: z.number().int(),
  needsLink: z.number().int(),
  readyToSend: z.number().int(),
  not_sent: z.number().int(),
  sent: z.number().int(),
  opened: z.number().int(),
  responded: z.number().int(),
  expired: z.number().int(),
});

export const ZLinksList = z.object({
  counts: ZLinkCounts,
  /** How many rows match the filter and search (the page is `rows`). */
  matching: z.number().int(),
  rows: z.array(ZLinkRow),
  mailMode: z.enum(['smtp', 'outbox']),
});
export type TLinksList = z.infer<typeof ZLinksList>;

export const ZGenerateInput = z.object({ employeeIds: ZEmployeeSelection });
export const ZGenerateResult = z.object({ generated: z.number().int(), expiresAt: z.iso.datetime().nullable() });

export const ZDistributeInput = z.object({ employeeIds: ZEmployeeSelection });
export const ZFailedRecipient = z.object({ employeeId: z.uuid(), name: z.string(), email: z.string(), error: z.string() });
export const ZDistributeResult = z.object({
  mode: z.enum(['smtp', 'outbox']),
  /** Accepted by the SMTP server, or kept in the outbox when no SMTP is configured. */
  delivered: z.number().int(),
  failed: z.array(ZFailedRecipient),
});
export type TDistributeResult = z.infer<typeof ZDistributeResult>;

export const ZExportInput = z.object({ employeeIds: ZEmployeeSelection });
export const ZCsvExport = z.object({ filename: z.string(), csv: z.string(), count: z.number().int() });

export const ZQrSheetInput = z.object({ employeeIds: ZEmployeeSelection });
export const ZQrEntry = z.object({ employeeId: z.uuid(), name: z.string(), url: z.string(), shortUrl: z.string() });
export const ZQrSheet = z.object({ customerName: z.string(), entries: z.array(ZQrEntry), expiresAt: z.iso.datetime().nullable() });
export type TQrSheet = z.infer<typeof ZQrSheet>;

/** Client-generated: a retried resend does not issue (and email) a second round of fresh links. */
export const ZResendInput = z.object({ requestId: z.uuid({ error: V.invalid }) });
export const ZResendResult = ZDistributeResult.extend({ reissued: z.number().int() });
export type TResendResult = z.infer<typeof ZResendResult>;

export const ZOutboxInput = z.object({ limit: z.number().int().min(1).max(1000).default(200) });
export const ZOutboxMessage = z.object({
  id: z.uuid(),
  to: z.string(),
  subject: z.string(),
  kind: z.string(),
  status: z.enum(['sent', 'outbox', 'failed']),
  error: z.string().nullable(),
  text: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export const ZOutbox = z.object({ mailMode: z.enum(['smtp', 'outbox']), messages: z.array(ZOutboxMessage) });
export type TOutbox = z.infer<typeof ZOutbox>;
