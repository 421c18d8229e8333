/**
 * The ingestion API's wire format (`POST /api/v1/ingest`), the path every connector uses. Field names are
 * snake_case because connectors are written in many languages. Each record is validated on its own, so one bad
 * record is reported with its index and the rest of the batch still lands.
 */
import { z } from 'zod';
import { V } from '../errors.ts';
import { isIso6391 } from '../languages.ts';
import { ZChannel, zLine, zText } from './common.ts';

/** At most this many records per request (issue 4). */
export const INGEST_MAX_RECORDS = 1000;
/** A request body larger than this is refused with 413 before it is parsed (1,000 long emails fit easily). */
export const INGEST_MAX_BYTES = 16 * 1024 * 1024;
export const INGEST_PATH = '/api/v1/ingest';

/** Bounded strings of the wire format: one line (names, addresses, handles), or free text (a subject). */
const ZLineOf = (max: number) => zLine().max(max, { error: V.tooLong });
const ZTextOf = (max: number) => zText().max(max, { error: V.tooLong });

export const ZIngestParticipant = z
  .object({
    name: ZLineOf(200).optional(),
    email: ZLineOf(320).optional(),
    handle: ZLineOf(200).optional(),
    role: z.enum(['from', 'to', 'cc', 'speaker']).optional(),
  })
  .strict();

export const ZIngestRecord = z
  .object({
    /** The source system's id; (platform, external_id) is unique per customer, so re-posting is harmless. */
    external_id: zLine({ trim: true }).min(1, { error: V.required }).max(300, { error: V.tooLong }),
    /** The source system, e.g. "gmail", "slack", "teams", "zoom", "twilio". */
    platform: zLine({ trim: true })
      .min(1, { error: V.required })
      .max(40, { error: V.tooLong })
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: V.invalid }),
    channel: ZChannel,
    occurred_at: z.iso.datetime({ offset: true, error: V.invalid }),
    /** Who wrote or said it: the email is the identity key; the display name is used only when no email is given. */
    author: z
      .object({
        email: z.email({ error: V.email }).max(320, { error: V.tooLong }).optional(),
        name: zLine({ trim: true }).min(1, { error: V.required }).max(200, { error: V.tooLong }).optional(),
      })
      .strict()
      .refine((a) => a.email !== undefined || a.name !== undefined, { error: V.required }),
    participants: z.array(ZIngestParticipant).max(500, { error: V.tooLong }).default([]),
    thread_id: zLine({ trim: true }).max(300, { error: V.tooLong }).nullish(),
    /** Free text: mail clients leave tabs and folded lines in subjects. */
    subject: ZTextOf(2000).nullish(),
    /** Email bodies hold tabs and line breaks; never trimmed (the text as it was written). */
    body: zText().min(1, { error: V.required }).max(200_000, { error: V.tooLong }),
    /** ISO 639-1, when the connector knows it; otherwise the server detects it. */
    language: zLine()
      .refine((l) => isIso6391(l), { error: V.language })
      .optional(),
  })
  .strict();
export type TIngestRecord = z.infer<typeof ZIngestRecord>;

export const NOT_STORED_REASONS = ['channel_not_configured', 'unknown_employee', 'ambiguous_name', 'no_consent'] as const;
export type NotStoredReason = (typeof NOT_STORED_REASONS)[number];

/**
 * What the ingestion API tells its caller about records it did not store. Not `no_consent`: whoever holds an API
 * key (a customer admin can create one) could otherwise post a made-up record in an employee's name and read that
 * employee's choice for the channel from the answer (ADR 0013). A record stored, already stored, or not stored
 * because its author did not consent is simply `accepted`; only what the roster and the customer's configuration
 * decide (public to the caller anyway) is reported by reason.
 */
export const REPORTED_NOT_STORED_REASONS = ['channel_not_configured', 'unknown_employee', 'ambiguous_name'] as const;

export const ZIngestRejection = z.object({
  index: z.number().int().nonnegative(),
  /** zod's issue code (invalid_type, too_small, too_big, invalid_format, invalid_value, unrecognized_keys, …). */
  code: z.string(),
  /** Where in the record: e.g. ["author", "email"]; empty when the record itself is not an object. */
  path: z.array(z.union([z.string(), z.number()])),
});
export type TIngestRejection = z.infer<typeof ZIngestRejection>;

export const ZIngestResponse = z.object({
  received: z.number().int().nonnegative(),
  /** Stored now, stored before (a repeat), or not stored for lack of consent: the caller cannot tell which. */
  accepted: z.number().int().nonnegative(),
  notStored: z.record(z.enum(REPORTED_NOT_STORED_REASONS), z.number().int().nonnegative()),
  rejected: z.array(ZIngestRejection),
});
export type TIngestResponse = z.infer<typeof ZIngestResponse>;
