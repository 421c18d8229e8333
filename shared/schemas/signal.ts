/**
 * Signal: the CEO's questions, answered from consented communications. The question goes over a plain HTTP route
 * (`POST /api/signal/query`) whose answer is a server-sent event stream (ZSignalEvent); the chat page's other data
 * (a session's turns, the scope options) comes through tRPC.
 */
import { z } from 'zod';
import { V } from '../errors.ts';
import { ZChannel, zText } from './common.ts';
import { ZCitedSource } from './sources.ts';

export const SIGNAL_QUERY_PATH = '/api/signal/query';
export const MAX_QUERY_LENGTH = 2000;

/** A session is titled by its first question: white space collapsed, at most 200 characters. */
export const sessionTitleOf = (query: string) => query.replace(/\s+/g, ' ').slice(0, 200);

const ZDay = z.iso.date({ error: V.invalid });

/** The CEO's optional narrowing of what is searched. Dates are whole days (inclusive), in UTC. */
export const ZSignalScope = z
  .object({
    channels: z.array(ZChannel).max(4).optional(),
    from: ZDay.optional(),
    to: ZDay.optional(),
    /** As on the roster, where a department may span lines (a quoted line break in the CSV). */
    departments: z.array(zText({ trim: true }).min(1).max(200)).max(100).optional(),
  })
  .strict()
  .refine((s) => !s.from || !s.to || s.from <= s.to, { error: V.invalid, path: ['to'] });
export type TSignalScope = z.infer<typeof ZSignalScope>;

export const ZSignalQueryInput = z
  .object({
    /** Absent: a new session. */
    sessionId: z.uuid({ error: V.invalid }).optional(),
    query: zText({ trim: true }).min(1, { error: V.required }).max(MAX_QUERY_LENGTH, { error: V.tooLong }),
    scope: ZSignalScope.optional(),
  })
  .strict();
export type TSignalQueryInput = z.infer<typeof ZSignalQueryInput>;

export const SIGNAL_MODE_VALUES = ['llm', 'extractive'] as const;
export const ZSignalMode = z.enum(SIGNAL_MODE_VALUES);
export const TURN_STATUS_VALUES = ['complete', 'incomplete', 'failed'] as const;
export const ZTurnStatus = z.enum(TURN_STATUS_VALUES);

/**
 * Why an answer stopped short. Shown through `signal:streamErrors.<code>`; the sources already sent stay visible.
 * LLM_UNAVAILABLE: the model could not be reached or refused the request; LLM_TIMEOUT: no first token in time, or
 * the whole answer took too long; LLM_INTERRUPTED: the model's stream broke off; INTERNAL: anything else.
 */
export const STREAM_ERROR_CODES = ['LLM_UNAVAILABLE', 'LLM_TIMEOUT', 'LLM_INTERRUPTED', 'INTERNAL'] as const;
export const ZStreamErrorCode = z.enum(STREAM_ERROR_CODES);
export type TStreamErrorCode = z.infer<typeof ZStreamErrorCode>;

/** The deterministic summary of extractive mode: counts only, rendered and localized by the client. */
export const ZExtractiveSummary = z
  .object({
    records: z.number().int().nonnegative(),
    byChannel: z.array(z.object({ channel: ZChannel, count: z.number().int().nonnegative() }).strict()),
    people: z.number().int().nonnegative(),
    topPeople: z.array(z.object({ name: z.string(), count: z.number().int().nonnegative() }).strict()),
    from: z.iso.datetime({ offset: true }).nullable(),
    to: z.iso.datetime({ offset: true }).nullable(),
  })
  .strict();
export type TExtractiveSummary = z.infer<typeof ZExtractiveSummary>;

/** One server-sent event: `event: <type>` and `data: <json of the rest>`. */
export const ZSignalEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session'), sessionId: z.uuid(), turnId: z.uuid(), mode: ZSignalMode }).strict(),
  z.object({ type: z.literal('sources'), sources: z.array(ZCitedSource) }).strict(),
  z.object({ type: z.literal('summary'), summary: ZExtractiveSummary }).strict(),
  z.object({ type: z.literal('token'), text: z.string() }).strict(),
  z
    .object({ type: z.literal('done'), status: ZTurnStatus, model: z.string(), mode: ZSignalMode })
    .strict(),
  z.object({ type: z.literal('error'), code: ZStreamErrorCode }).strict(),
]);
export type TSignalEvent = z.infer<typeof ZSignalEvent>;

export const ZTurn = z
  .object({
    turnId: z.uuid(),
    turnIndex: z.number().int().nonnegative(),
    query: z.string(),
    response: z.string(),
    mode: ZSignalMode,
    status: ZTurnStatus,
    errorCode: z.string().nullable(),
    model: z.string(),
    scope: ZSignalScope,
    createdAt: z.iso.datetime({ offset: true }),
    sources: z.array(ZCitedSource),
    summary: ZExtractiveSummary.nullable(),
  })
  .strict();
export type TTurn = z.infer<typeof ZTurn>;

export const ZSessionInput = z.object({ sessionId: z.uuid({ error: V.invalid }) }).strict();
export const ZSessionView = z
  .object({ sessionId: z.uuid(), title: z.string(), turns: z.array(ZTurn) })
  .strict();
export type TSessionView = z.infer<typeof ZSessionView>;

export const ZScopeOptions = z
  .object({
    channels: z.array(ZChannel),
    departments: z.array(z.string()),
    /** Whether answers come from a model or are extractive (no model configured). */
    mode: ZSignalMode,
  })
  .strict();
export type TScopeOptions = z.infer<typeof ZScopeOptions>;
