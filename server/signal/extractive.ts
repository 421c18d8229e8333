/**
 * Extractive mode, used when no model is configured: the most relevant passages, verbatim, each with its citation,
 * and a deterministic summary made of counts (rendered and localized by the client). Nothing here writes prose, so
 * nothing can be invented.
 */
import { CHANNELS } from '../../shared/channels.ts';
import type { TExtractiveSummary } from '../../shared/schemas/signal.ts';
import type { TCitedSource, TSourceRecord } from '../../shared/schemas/sources.ts';

export const EXTRACTIVE_MODEL = 'extractive';
export const EXTRACTIVE_PASSAGES = 8;
const EXCERPT_CHARS = 320;

export const presentRecords = (sources: readonly TCitedSource[]): TSourceRecord[] =>
  sources.flatMap((s) => (s.removed ? [] : [s.record]));

export function summarize(records: readonly TSourceRecord[]): TExtractiveSummary {
  const byChannel = new Map<string, number>();
  const byPerson = new Map<string, number>();
  let from: string | null = null;
  let to: string | null = null;
  for (const r of records) {
    byChannel.set(r.channel, (byChannel.get(r.channel) ?? 0) + 1);
    byPerson.set(r.author.displayName, (byPerson.get(r.author.displayName) ?? 0) + 1);
    if (!from || r.occurredAt < from) from = r.occurredAt;
    if (!to || r.occurredAt > to) to = r.occurredAt;
  }
  return {
    records: records.length,
    byChannel: CHANNELS.filter((c) => byChannel.has(c)).map((channel) => ({ channel, count: byChannel.get(channel)! })),
    people: byPerson.size,
    topPeople: [...byPerson]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 3)
      .map(([name, count]) => ({ name, count })),
    from,
    to,
  };
}

/** Lower case without accents, so "Réunion" and "reunion" compare equal. */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const wordsOf = (s: string) => fold(s).match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * The window of the body that holds the most of the question's words (a crude stem: the first five letters), cut at
 * word boundaries. Whitespace is collapsed so the passage stays one quoted line.
 */
export function excerpt(body: string, query: string, maxChars = EXCERPT_CHARS): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text.length <= maxChars) return text;
  const stems = new Set(wordsOf(query).filter((w) => w.length > 2).map((w) => w.slice(0, 5)));
  const sentences = text.split(/(?<=[.!?。！？])\s*/u);
  let best = 0;
  let bestScore = -1;
  sentences.forEach((sentence, i) => {
    const score = wordsOf(sentence).filter((w) => stems.has(w.slice(0, 5))).length;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  let start = sentences.slice(0, best).join(' ').length;
  if (start > 0) start += 1;
  let cut = text.slice(start, start + maxChars);
  if (start + maxChars < text.length) cut = cut.replace(/\s+\S*$/u, '');
  return `${start > 0 ? '… ' : ''}${cut}${start + cut.length < text.length ? ' …' : ''}`;
}

/** The answer of extractive mode: one quoted passage per record, with who wrote it, when, and its citation. */
export function extractiveAnswer(query: string, sources: readonly TCitedSource[], passages = EXTRACTIVE_PASSAGES): string {
  return presentRecords(sources)
    .slice(0, passages)
    .map((r) => {
      const heading = [r.subject ? `**${r.subject.replace(/\s+/g, ' ').trim()}**` : null, r.author.displayName, r.occurredAt.slice(0, 10)]
        .filter(Boolean)
        .join(' · ');
      return `> ${excerpt(r.body, query)}\n>\n> — ${heading} [#${r.id}]`;
    })
    .join('\n\n');
}
