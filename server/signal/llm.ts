/**
 * Clients for an OpenAI-compatible model server (the production target is self-hosted vLLM): streamed chat
 * completions for Signal's answers, and embeddings for semantic retrieval where pgvector exists. Plain fetch, no SDK.
 *
 * Every failure becomes an LlmError with a code the UI can explain. A model that is down fails at once; one that is
 * slow fails after `firstTokenMs` without a first token (default 8 s, so the CEO reads a clear message within 10 s),
 * after `idleMs` of silence mid-answer, or after `totalMs` overall.
 */
import type { TStreamErrorCode } from '../../shared/schemas/signal.ts';
import { createSseParser } from '../../shared/sse.ts';

export type LlmConfig = {
  /** Base URL, e.g. http://127.0.0.1:8000/v1 (`/chat/completions` is appended). */
  url: string;
  model: string;
  apiKey?: string | undefined;
  firstTokenMs?: number;
  idleMs?: number;
  totalMs?: number;
};

export type EmbeddingsConfig = { url: string; model: string; apiKey?: string | undefined; timeoutMs?: number };

/** Signal's outside services; both null in the embedded default (extractive mode, full-text retrieval only). */
export type SignalConfig = { llm: LlmConfig | null; embeddings: EmbeddingsConfig | null };
export const NO_SIGNAL_MODELS: SignalConfig = { llm: null, embeddings: null };

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export const DEFAULT_FIRST_TOKEN_MS = 8_000;
const DEFAULT_IDLE_MS = 30_000;
const DEFAULT_TOTAL_MS = 180_000;

export class LlmError extends Error {
  readonly code: Exclude<TStreamErrorCode, 'INTERNAL'>;
  constructor(code: LlmError['code'], message: string, cause?: unknown) {
    super(message, { cause });
    this.code = code;
  }
}

type ChunkJson = {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  error?: unknown;
};

const headersFor = (apiKey: string | undefined) => ({
  'Content-Type': 'application/json',
  Accept: 'text/event-stream',
  ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
});

/**
 * Streams the answer's text deltas. Ends normally on `[DONE]` or a finish_reason; throws LlmError on every failure,
 * and the caller's own abort (stop button, client gone) as the signal's reason.
 */
export async function* streamChat(
  config: LlmConfig,
  messages: ChatMessage[],
  opts: { signal?: AbortSignal; temperature?: number } = {},
): AsyncGenerator<string, void, undefined> {
  const controller = new AbortController();
  let timedOut: string | null = null;
  const expire = (why: string) => {
    timedOut = why;
    controller.abort();
  };
  const onCallerAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (opts.signal?.aborted) controller.abort();
  const total = setTimeout(() => expire('overall time limit'), config.totalMs ?? DEFAULT_TOTAL_MS);
  let silence = setTimeout(() => expire('no first token'), config.firstTokenMs ?? DEFAULT_FIRST_TOKEN_MS);
  const failure = (error: unknown): unknown => {
    if (opts.signal?.aborted) return opts.signal.reason;
    if (timedOut) return new LlmError('LLM_TIMEOUT', `model timed out: ${timedOut}`, error);
    return error;
  };

  try {
    let response: Response;
    try {
      response = await fetch(`${config.url.replace(/\/$/, '')}/chat/completions`, {
        method: 'POST',
        headers: headersFor(config.apiKey),
        body: JSON.stringify({
          model: config.model,
          messages,
          stream: true,
          temperature: opts.temperature ?? 0.2,
        }),
        signal: controller.signal,
      });
    } catch (error) {
      throw failure(new LlmError('LLM_UNAVAILABLE', `model unreachable: ${(error as Error).message}`, error));
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new LlmError('LLM_UNAVAILABLE', `model answered HTTP ${response.status}`);
    }

    const parser = createSseParser();
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    let finished = false;
    const handle = (data: string): string | null => {
      if (data.trim() === '[DONE]') {
        finished = true;
        return null;
      }
      let chunk: ChunkJson;
      try {
        chunk = JSON.parse(data) as ChunkJson;
      } catch (error) {
        throw new LlmError('LLM_INTERRUPTED', 'model sent a malformed event', error);
      }
      if (chunk.error) throw new LlmError('LLM_INTERRUPTED', `model reported an error: ${JSON.stringify(chunk.error)}`);
      const choice = chunk.choices?.[0];
      if (choice?.finish_reason) finished = true;
      return choice?.delta?.content || null;
    };

    try {
      while (!finished) {
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await reader.read();
        } catch (error) {
          throw failure(new LlmError('LLM_INTERRUPTED', `model stream broke off: ${(error as Error).message}`, error));
        }
        const events = read.done ? parser.flush() : parser.push(decoder.decode(read.value, { stream: true }));
        for (const data of events) {
          const text = handle(data);
          if (text === null) continue;
          clearTimeout(silence);
          silence = setTimeout(() => expire('model went silent'), config.idleMs ?? DEFAULT_IDLE_MS);
          yield text;
          if (opts.signal?.aborted) throw opts.signal.reason;
        }
        if (read.done) break;
      }
      if (!finished) throw new LlmError('LLM_INTERRUPTED', 'model stream ended without finishing');
    } finally {
      await reader.cancel().catch(() => {});
    }
  } finally {
    clearTimeout(total);
    clearTimeout(silence);
    opts.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** Embeds texts in one request; the vectors come back in input order. */
export async function embed(config: EmbeddingsConfig, input: string[], signal?: AbortSignal): Promise<number[][]> {
  const timeout = AbortSignal.timeout(config.timeoutMs ?? 5_000);
  const response = await fetch(`${config.url.replace(/\/$/, '')}/embeddings`, {
    method: 'POST',
    headers: headersFor(config.apiKey),
    body: JSON.stringify({ model: config.model, input }),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  if (!response.ok) throw new Error(`embeddings endpoint answered HTTP ${response.status}`);
  const body = (await response.json()) as { data?: { index?: number; embedding?: unknown }[] };
  const rows = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const vectors = rows.map((r) => r.embedding);
  if (vectors.length !== input.length || !vectors.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'))) {
    throw new Error('embeddings endpoint returned an unexpected shape');
  }
  return vectors as number[][];
}
