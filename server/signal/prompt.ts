/**
 * What the model is sent: the system prompt kept in the repo (system-prompt.md) for this customer and language, the
 * session's last turns as history, then the retrieved records and the question.
 */
import { readFileSync } from 'node:fs';
import type { TSourceRecord } from '../../shared/schemas/sources.ts';
import type { ChatMessage } from './llm.ts';

const TEMPLATE = readFileSync(new URL('./system-prompt.md', import.meta.url), 'utf8').trim();
/** The turns of the session sent as history. */
export const HISTORY_TURNS = 6;
/** Per record and overall, in characters: about 15k tokens of context, well inside a 70B model's window. */
const RECORD_CHARS = 1_500;
const CONTEXT_CHARS = 60_000;

/** "fr" → "French (fr)": models follow a language named in words more reliably than a code. */
export function languageName(code: string): string {
  let name: string | undefined;
  try {
    name = new Intl.DisplayNames(['en'], { type: 'language' }).of(code);
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${name} (${code})` : code;
}

export function systemPrompt(customer: string, outputLanguage: string): string {
  return TEMPLATE.replaceAll('{{customer}}', customer).replaceAll('{{language}}', languageName(outputLanguage));
}

export function formatRecord(r: TSourceRecord): string {
  const who = r.author.department ? `${r.author.displayName} (${r.author.department})` : r.author.displayName;
  const head = [`[#${r.id}]`, r.occurredAt.slice(0, 16).replace('T', ' ') + ' UTC', r.channel, r.platform, who, `language: ${r.language}`];
  const body = r.body.length > RECORD_CHARS ? `${r.body.slice(0, RECORD_CHARS)} …` : r.body;
  return `${head.join(' · ')}\n${r.subject ? `Subject: ${r.subject}\n` : ''}${body}`;
}

export type HistoryTurn = { query: string; response: string };

export function buildMessages(opts: {
  customer: string;
  outputLanguage: string;
  records: readonly TSourceRecord[];
  history: readonly HistoryTurn[];
  query: string;
}): ChatMessage[] {
  // Records arrive best first; the least relevant are the ones left out when the context is full.
  const blocks: string[] = [];
  let used = 0;
  for (const r of opts.records) {
    const block = formatRecord(r);
    if (used + block.length > CONTEXT_CHARS) break;
    blocks.push(block);
    used += block.length;
  }
  const records = blocks.length ? blocks.join('\n\n---\n\n') : '(no records matched this question)';
  return [
    { role: 'system', content: systemPrompt(opts.customer, opts.outputLanguage) },
    ...opts.history
      .slice(-HISTORY_TURNS)
      .flatMap((t): ChatMessage[] => [
        { role: 'user', content: t.query },
        { role: 'assistant', content: t.response },
      ]),
    {
      role: 'user',
      content: `Records (${blocks.length}):\n\n${records}\n\n===\n\nQuestion: ${opts.query}\n\nAnswer in ${languageName(opts.outputLanguage)}, citing records as [#id].`,
    },
  ];
}
