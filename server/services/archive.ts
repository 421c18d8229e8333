/**
 * Archive: the signed-in CEO's own Signal sessions and turns. Sessions belong to a user, so every query filters on
 * user_id as well as the tenant (RLS). Sources are resolved when read: a record cited by a turn that no longer
 * exists was purged when the employee withdrew consent (the only way communications disappear) and comes back as
 * `{ removed: true }` — the turn keeps the id, never the content.
 */
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { citedIds } from '../../shared/citations.ts';
import {
  ARCHIVE_PAGE_SIZE,
  ARCHIVE_SEARCH_MAX_WORDS,
  type TArchivedSession,
  type TArchivedTurn,
  type TSearchPage,
  type TSessionPage,
} from '../../shared/schemas/archive.ts';
import type { TCitedSource, TSourceRecord } from '../../shared/schemas/sources.ts';
import type { Tx } from '../db/client.ts';
import { communications, employees, signalSessions, signalTurns } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { archiveTexts } from '../mail/templates.ts';

export type ArchiveOwner = { customerId: string; userId: string };

/* ------------------------------------------------------------------------------------------------------------ *
 * Sources.
 * ------------------------------------------------------------------------------------------------------------ */

/** `ids` as sources, in the same order; ids without a record (purged) as removed. */
export async function resolveSources(tx: Tx, customerId: string, ids: readonly string[]): Promise<TCitedSource[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .select({
      id: communications.id,
      channel: communications.channel,
      platform: communications.platform,
      occurredAt: communications.occurredAt,
      threadId: communications.threadId,
      subject: communications.subject,
      body: communications.body,
      language: communications.language,
      displayName: employees.displayName,
      department: employees.department,
    })
    .from(communications)
    .innerJoin(employees, eq(employees.id, communications.employeeId))
    .where(and(eq(communications.customerId, customerId), inArray(communications.id, [...ids])));
  const byId = new Map<string, TSourceRecord>(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        channel: r.channel,
        platform: r.platform,
        occurredAt: r.occurredAt.toISOString(),
        author: { displayName: r.displayName, department: r.department },
        threadId: r.threadId,
        subject: r.subject,
        body: r.body,
        language: r.language,
      },
    ]),
  );
  return ids.map((id) => {
    const record = byId.get(id);
    return record ? { removed: false, record } : { removed: true, id };
  });
}

/**
 * The sources a turn shows: the retrieved records its response cites, in order of first citation. An id the
 * response cites that retrieval never returned is not a source (the model cannot have seen it), so it is dropped
 * rather than shown as "removed".
 */
export function citedRetrievedIds(response: string, retrieved: readonly string[]): string[] {
  const known = new Set(retrieved.map((id) => id.toLowerCase()));
  return citedIds(response).filter((id) => known.has(id));
}

/* ------------------------------------------------------------------------------------------------------------ *
 * Listing and search.
 * ------------------------------------------------------------------------------------------------------------ */

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();

export async function listSessions(tx: Tx, owner: ArchiveOwner, page: number): Promise<TSessionPage> {
  const rows = await tx
    .select({
      id: signalSessions.id,
      title: signalSessions.title,
      createdAt: signalSessions.createdAt,
      updatedAt: signalSessions.updatedAt,
      turns: sql<number>`count(${signalTurns.id})::int`,
      incomplete: sql<number>`count(${signalTurns.id}) filter (where ${signalTurns.status} = 'incomplete')::int`,
      failed: sql<number>`count(${signalTurns.id}) filter (where ${signalTurns.status} = 'failed')::int`,
      lastQuery: sql<string | null>`(array_agg(${signalTurns.query} order by ${signalTurns.turnIndex} desc))[1]`,
    })
    .from(signalSessions)
    .leftJoin(signalTurns, eq(signalTurns.sessionId, signalSessions.id))
    .where(and(eq(signalSessions.customerId, owner.customerId), eq(signalSessions.userId, owner.userId)))
    .groupBy(signalSessions.id)
    .orderBy(desc(signalSessions.updatedAt), desc(signalSessions.id))
    .limit(ARCHIVE_PAGE_SIZE + 1)
    .offset(page * ARCHIVE_PAGE_SIZE);
  return {
    page,
    hasMore: rows.length > ARCHIVE_PAGE_SIZE,
    sessions: rows.slice(0, ARCHIVE_PAGE_SIZE).map((r) => ({
      ...r,
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    })),
  };
}

/** The search's words: split on white space, without repeats, at most ARCHIVE_SEARCH_MAX_WORDS. */
export function searchWords(q: string): string[] {
  const words = q
    .trim()
    .split(/\s+/u)
    .filter((w) => w.length > 0)
    .map((w) => w.toLocaleLowerCase());
  return [...new Set(words)].slice(0, ARCHIVE_SEARCH_MAX_WORDS);
}

const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Turns whose question, answer or session title contain every word, ignoring case and accents ("reunion" finds
 * "réunion"), newest first. One CEO's turns number in the thousands at most, so a scan of them is cheap and
 * matches any language (no stemming surprises in Japanese or Arabic).
 */
export async function searchTurns(tx: Tx, owner: ArchiveOwner, q: string, page: number): Promise<TSearchPage> {
  const words = searchWords(q);
  const matches: SQL[] = words.map((word) => {
    const pattern = likePattern(word);
    return sql`(public.unaccent(${signalTurns.query}) ilike public.unaccent(${pattern})
      or public.unaccent(${signalTurns.response}) ilike public.unaccent(${pattern})
      or public.unaccent(${signalSessions.title}) ilike public.unaccent(${pattern}))`;
  });
  const rows = await tx
    .select({
      sessionId: signalSessions.id,
      sessionTitle: signalSessions.title,
      turnId: signalTurns.id,
      turnIndex: signalTurns.turnIndex,
      query: signalTurns.query,
      response: signalTurns.response,
      status: signalTurns.status,
      createdAt: signalTurns.createdAt,
    })
    .from(signalTurns)
    .innerJoin(signalSessions, eq(signalSessions.id, signalTurns.sessionId))
    .where(and(eq(signalSessions.customerId, owner.customerId), eq(signalSessions.userId, owner.userId), ...matches))
    .orderBy(desc(signalTurns.createdAt), desc(signalTurns.id))
    .limit(ARCHIVE_PAGE_SIZE + 1)
    .offset(page * ARCHIVE_PAGE_SIZE);
  return {
    page,
    hasMore: rows.length > ARCHIVE_PAGE_SIZE,
    words,
    hits: rows.slice(0, ARCHIVE_PAGE_SIZE).map(({ response, ...r }) => ({
      ...r,
      snippet: snippet(response, words),
      createdAt: iso(r.createdAt),
    })),
  };
}

/** Lower case without accents, with the index in `text` of every folded character (for cutting the original). */
function fold(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = ch.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
    folded += f;
    for (let k = 0; k < f.length; k++) origin.push(i);
    i += ch.length;
  }
  return { folded, origin };
}

const SNIPPET_LENGTH = 220;

/** Plain text around the first word found (citations and markdown marks removed), or the response's start. */
export function snippet(response: string, words: readonly string[]): string {
  const plain = response
    .replace(/\[#[0-9a-fA-F-]{36}(?:\s*[,;]\s*#?[0-9a-fA-F-]{36})*\]/g, '')
    .replace(/[*_`#>|]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= SNIPPET_LENGTH) return plain;
  const { folded, origin } = fold(plain);
  const hits = words.map((w) => folded.indexOf(fold(w).folded)).filter((i) => i >= 0);
  const at = hits.length ? origin[Math.min(...hits)]! : 0;
  const start = Math.max(0, at - 60);
  const end = Math.min(plain.length, start + SNIPPET_LENGTH);
  return `${start > 0 ? '…' : ''}${plain.slice(start, end).trim()}${end < plain.length ? '…' : ''}`;
}

/* ------------------------------------------------------------------------------------------------------------ *
 * One session.
 * ------------------------------------------------------------------------------------------------------------ */

async function ownedSession(tx: Tx, owner: ArchiveOwner, sessionId: string) {
  const [session] = await tx
    .select()
    .from(signalSessions)
    .where(
      and(eq(signalSessions.id, sessionId), eq(signalSessions.customerId, owner.customerId), eq(signalSessions.userId, owner.userId)),
    );
  if (!session) throw new AppError('NOT_FOUND');
  return session;
}

/** A session with every turn in order, each with its cited sources (resolved in one query for the session). */
export async function getSession(tx: Tx, owner: ArchiveOwner, sessionId: string): Promise<TArchivedSession> {
  const session = await ownedSession(tx, owner, sessionId);
  const turns = await tx
    .select()
    .from(signalTurns)
    .where(and(eq(signalTurns.sessionId, session.id), eq(signalTurns.customerId, owner.customerId)))
    .orderBy(asc(signalTurns.turnIndex));
  const citedPerTurn = turns.map((t) => citedRetrievedIds(t.response, t.retrievedRecordIds));
  const resolved = await resolveSources(tx, owner.customerId, [...new Set(citedPerTurn.flat())]);
  const byId = new Map(resolved.map((s) => [s.removed ? s.id : s.record.id, s]));
  return {
    id: session.id,
    title: session.title,
    createdAt: session.createdAt.toISOString(),
    updatedAt: session.updatedAt.toISOString(),
    turns: turns.map(
      (t, i): TArchivedTurn => ({
        id: t.id,
        index: t.turnIndex,
        query: t.query,
        response: t.response,
        status: t.status,
        errorCode: t.errorCode,
        mode: t.mode,
        modelUsed: t.modelUsed,
        language: t.language,
        createdAt: t.createdAt.toISOString(),
        completedAt: t.completedAt?.toISOString() ?? null,
        sources: citedPerTurn[i]!.map((id) => byId.get(id)!),
        retrievedCount: t.retrievedRecordIds.length,
      }),
    ),
  };
}

/** Every record retrieval handed the model for one turn, in retrieval order; purged ones as removed. */
export async function retrievedSources(tx: Tx, owner: ArchiveOwner, turnId: string): Promise<TCitedSource[]> {
  const [turn] = await tx
    .select({ ids: signalTurns.retrievedRecordIds })
    .from(signalTurns)
    .innerJoin(signalSessions, eq(signalSessions.id, signalTurns.sessionId))
    .where(and(eq(signalTurns.id, turnId), eq(signalSessions.customerId, owner.customerId), eq(signalSessions.userId, owner.userId)));
  if (!turn) throw new AppError('NOT_FOUND');
  return resolveSources(tx, owner.customerId, [...new Set(turn.ids.map((id) => id.toLowerCase()))]);
}


/* ------------------------------------------------------------------------------------------------------------ *
 * Markdown export.
 * ------------------------------------------------------------------------------------------------------------ */

/** Plain text (a question, a source's body) in markdown without its characters turning into markup. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+=-]|\d+[.)])/gm, (_m, space: string, mark: string) => `${space}\\${mark}`);
}

const quote = (text: string, indent = '') =>
  text
    .split(/\r?\n/)
    .map((line) => `${indent}> ${line}`.trimEnd())
    .join('\n');

function validTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

function filenameFor(title: string, createdAt: Date, id: string): string {
  const slug = title
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `panops-signal-${createdAt.toISOString().slice(0, 10)}-${slug || id.slice(0, 8)}.md`;
}

/**
 * The session as one markdown document: per turn its time, question, answer (the model's markdown as it was
 * saved, citations turned into the numbers of the source list), status and the cited sources — a removed source
 * only as removed. Headings and dates in `language`, times in `timeZone`.
 */
export async function exportSession(
  tx: Tx,
  owner: ArchiveOwner,
  sessionId: string,
  opts: { language: string; timeZone?: string | undefined; now: Date },
): Promise<{ filename: string; markdown: string }> {
  const session = await getSession(tx, owner, sessionId);
  const t = archiveTexts(opts.language);
  const num = new Intl.NumberFormat(opts.language);
  const timeZone = validTimeZone(opts.timeZone);
  const dateFormat = new Intl.DateTimeFormat(opts.language, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const date = (iso: string | Date) => `${dateFormat.format(new Date(iso))} (${timeZone})`;

  const out: string[] = [
    `# ${escapeMarkdown(session.title)}`,
    '',
    `${t('export.exportedAt', { date: date(opts.now) })}  `,
    `${t('export.startedAt', { date: date(session.createdAt) })}  `,
    t('export.turnCount', { n: num.format(session.turns.length) }),
  ];
  for (const turn of session.turns) {
    const number = new Map(turn.sources.map((s, i) => [s.removed ? s.id : s.record.id, i + 1]));
    const answer = turn.response.replace(/\[#[^\]]+\]/g, (citation) => {
      const numbers = citedIds(citation).map((id) => number.get(id));
      return numbers.length > 0 && numbers.every((n) => n !== undefined) ? `[${numbers.join(', ')}]` : citation;
    });
    out.push(
      '',
      '---',
      '',
      `## ${t('export.turnHeading', { n: num.format(turn.index + 1), date: date(turn.createdAt) })}`,
      '',
      `**${t('export.question')}**`,
      '',
      quote(escapeMarkdown(turn.query)),
      '',
      `**${t('export.answer')}** — ${t(`status.${turn.status}`)}${turn.mode === 'extractive' ? ` · ${t('mode.extractive')}` : ''}`,
      '',
      answer.trim() ? answer.trim() : `_${t('export.noAnswer')}_`,
      '',
      `**${t('export.sources')}**`,
      '',
    );
    if (turn.sources.length === 0) out.push(`_${t('export.noSources')}_`);
    turn.sources.forEach((source, i) => {
      if (source.removed) {
        out.push(`${i + 1}. _${t('export.removed')}_ (\`${source.id}\`)`);
        return;
      }
      const r = source.record;
      const author = r.author.department
        ? t('export.authorIn', { name: r.author.displayName, department: r.author.department })
        : r.author.displayName;
      const meta = [t(`common:channels.${r.channel}`), r.platform, author, date(r.occurredAt)].map(escapeMarkdown).join(' · ');
      out.push(`${i + 1}. ${meta} (\`${r.id}\`)`);
      if (r.subject) out.push(`   **${escapeMarkdown(r.subject)}**`);
      out.push('', quote(escapeMarkdown(r.body), '   '), '');
    });
  }
  return { filename: filenameFor(session.title, new Date(session.createdAt), session.id), markdown: `${out.join('\n').trimEnd()}\n` };
}
