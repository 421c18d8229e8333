/**
 * Archive: a CEO's past Signal sessions and turns, searchable, each turn with the sources it cites. Sources are
 * resolved at read time, so one whose consent was withdrawn since (purged) shows as removed, never its content.
 */
import { z } from 'zod';
import { V } from '../errors.ts';
import { zLine, ZUiLanguage } from './common.ts';
import { ZCitedSource } from './sources.ts';

export const ARCHIVE_PAGE_SIZE = 20;
/** Search words beyond this are ignored (each one is a condition on every turn). */
export const ARCHIVE_SEARCH_MAX_WORDS = 8;

export const ZTurnStatus = z.enum(['complete', 'incomplete', 'failed']);
export type TTurnStatus = z.infer<typeof ZTurnStatus>;
export const ZTurnMode = z.enum(['llm', 'extractive']);

const ZPage = z.number({ error: V.invalid }).int({ error: V.invalid }).min(0, { error: V.invalid }).max(10_000, { error: V.invalid });

export const ZArchiveSessionsInput = z.object({ page: ZPage.default(0) }).strict();
export const ZArchiveSearchInput = z
  .object({
    q: zLine({ trim: true }).min(1, { error: V.required }).max(200, { error: V.tooLong }),
    page: ZPage.default(0),
  })
  .strict();

export const ZSessionSummary = z
  .object({
    id: z.uuid(),
    title: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    turns: z.number().int().nonnegative(),
    incomplete: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    /** The newest question, to tell sessions apart. */
    lastQuery: z.string().nullable(),
  })
  .strict();
export type TSessionSummary = z.infer<typeof ZSessionSummary>;

export const ZSessionPage = z
  .object({ page: z.number().int(), hasMore: z.boolean(), sessions: z.array(ZSessionSummary) })
  .strict();
export type TSessionPage = z.infer<typeof ZSessionPage>;

export const ZTurnHit = z
  .object({
    sessionId: z.uuid(),
    sessionTitle: z.string(),
    turnId: z.uuid(),
    turnIndex: z.number().int().nonnegative(),
    query: z.string(),
    /** A stretch of the response around the first match (or its start), plain text. */
    snippet: z.string(),
    status: ZTurnStatus,
    createdAt: z.iso.datetime(),
  })
  .strict();
export type TTurnHit = z.infer<typeof ZTurnHit>;

export const ZSearchPage = z
  .object({ page: z.number().int(), hasMore: z.boolean(), words: z.array(z.string()), hits: z.array(ZTurnHit) })
  .strict();
export type TSearchPage = z.infer<typeof ZSearchPage>;

export const ZSessionIdInput = z.object({ sessionId: z.uuid({ error: V.invalid }) }).strict();
export const ZTurnIdInput = z.object({ turnId: z.uuid({ error: V.invalid }) }).strict();

export const ZArchivedTurn = z
  .object({
    id: z.uuid(),
    index: z.number().int().nonnegative(),
    query: z.string(),
    response: z.string(),
    status: ZTurnStatus,
    errorCode: z.string().nullable(),
    mode: ZTurnMode,
    modelUsed: z.string(),
    language: z.string(),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
    /** The retrieved records the response cites, in order of first citation; purged ones as removed. */
    sources: z.array(ZCitedSource),
    /** How many records retrieval handed to the model (all of them: archive.retrieved). */
    retrievedCount: z.number().int().nonnegative(),
  })
  .strict();
export type TArchivedTurn = z.infer<typeof ZArchivedTurn>;

export const ZArchivedSession = z
  .object({
    id: z.uuid(),
    title: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    turns: z.array(ZArchivedTurn),
  })
  .strict();
export type TArchivedSession = z.infer<typeof ZArchivedSession>;

export const ZRetrievedSources = z.object({ turnId: z.uuid(), sources: z.array(ZCitedSource) }).strict();

export const ZExportInput = z
  .object({
    sessionId: z.uuid({ error: V.invalid }),
    /** Headings and dates in this language; default: the user's, else the customer's output language. */
    language: ZUiLanguage.optional(),
    /** IANA time zone of the reader, for the times in the file; default UTC. */
    timeZone: zLine().max(64, { error: V.tooLong }).optional(),
  })
  .strict();
export const ZExport = z.object({ filename: z.string(), markdown: z.string() }).strict();
export type TExport = z.infer<typeof ZExport>;
