/**
 * The answer being streamed, kept outside React: asking from /signal/ask moves the page to
 * /signal/sessions/<id> as soon as the session is known, which mounts a new page component, and the stream must
 * carry on into it. One answer streams at a time.
 */
import { useSyncExternalStore } from 'react';
import type { AppErrorCode } from '../../../../shared/errors.ts';
import {
  SIGNAL_QUERY_PATH,
  ZSignalEvent,
  type TExtractiveSummary,
  type TSignalScope,
  type TStreamErrorCode,
} from '../../../../shared/schemas/signal.ts';
import type { TCitedSource } from '../../../../shared/schemas/sources.ts';
import { createSseParser } from '../../../../shared/sse.ts';

export type LiveTurn = {
  query: string;
  scope: TSignalScope;
  sessionId: string | null;
  turnId: string | null;
  mode: 'llm' | 'extractive' | null;
  sources: TCitedSource[] | null;
  summary: TExtractiveSummary | null;
  text: string;
  phase: 'asking' | 'streaming' | 'done';
  status: 'complete' | 'incomplete' | 'failed' | null;
  /** The answer stopped short (the sources stay). */
  streamError: TStreamErrorCode | null;
  /** The question was refused before anything streamed (signed out, bad input, …) or never reached the server. */
  requestError: AppErrorCode | 'NETWORK' | null;
};

let live: LiveTurn | null = null;
let controller: AbortController | null = null;
const listeners = new Set<() => void>();

function update(patch: Partial<LiveTurn>) {
  if (!live) return;
  live = { ...live, ...patch };
  for (const listener of listeners) listener();
}

export function useLiveTurn(): LiveTurn | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => live,
  );
}

export function clearLiveTurn() {
  if (live?.phase !== 'done') return;
  live = null;
  for (const listener of listeners) listener();
}

/** The stop button: the server keeps what arrived, marked incomplete. */
export function stopAnswer() {
  controller?.abort();
}

export async function ask(
  input: { query: string; scope: TSignalScope; sessionId: string | null },
  hooks: { onSession?: (sessionId: string) => void; onDone?: (sessionId: string | null) => void } = {},
) {
  controller?.abort();
  const own = new AbortController();
  controller = own;
  live = {
    query: input.query,
    scope: input.scope,
    sessionId: input.sessionId,
    turnId: null,
    mode: null,
    sources: null,
    summary: null,
    text: '',
    phase: 'asking',
    status: null,
    streamError: null,
    requestError: null,
  };
  for (const listener of listeners) listener();
  const scope = Object.keys(input.scope).length ? input.scope : undefined;
  try {
    const res = await fetch(SIGNAL_QUERY_PATH, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify({ query: input.query, scope, ...(input.sessionId ? { sessionId: input.sessionId } : {}) }),
      signal: own.signal,
    });
    if (!res.ok || !res.body) {
      const body = (await res.json().catch(() => ({}))) as { code?: string };
      update({ phase: 'done', status: 'failed', requestError: (body.code as AppErrorCode | undefined) ?? 'INTERNAL' });
      return hooks.onDone?.(input.sessionId);
    }
    const parser = createSseParser();
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      const frames = done ? parser.flush() : parser.push(decoder.decode(value, { stream: true }));
      for (const data of frames) {
        const parsed = ZSignalEvent.safeParse(JSON.parse(data));
        if (!parsed.success) continue;
        const event = parsed.data;
        if (event.type === 'session') {
          update({ sessionId: event.sessionId, turnId: event.turnId, mode: event.mode, phase: 'streaming' });
          hooks.onSession?.(event.sessionId);
        } else if (event.type === 'sources') update({ sources: event.sources });
        else if (event.type === 'summary') update({ summary: event.summary });
        else if (event.type === 'token') update({ text: (live?.text ?? '') + event.text });
        else if (event.type === 'error') update({ streamError: event.code });
        else if (event.type === 'done') update({ phase: 'done', status: event.status });
      }
      if (done) break;
    }
    if (live?.phase !== 'done') update({ phase: 'done', status: 'incomplete', streamError: live?.streamError ?? 'LLM_INTERRUPTED' });
  } catch {
    if (own.signal.aborted) update({ phase: 'done', status: 'incomplete' });
    else if (live?.phase === 'asking') update({ phase: 'done', status: 'failed', requestError: 'NETWORK' });
    else update({ phase: 'done', status: 'incomplete', streamError: 'LLM_INTERRUPTED' });
  } finally {
    if (controller === own) controller = null;
  }
  hooks.onDone?.(live?.sessionId ?? null);
}
