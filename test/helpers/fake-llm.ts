/**
 * A fake OpenAI-compatible model server on 127.0.0.1 for tests and benchmarks: `POST /v1/chat/completions` with
 * `stream: true` answers in chat-completion SSE chunks, a few characters each, `delayMs` apart; `POST /v1/embeddings`
 * returns small deterministic vectors. Behaviours: answer (text chosen from the request), slow (no first token for
 * `firstTokenDelayMs`), refuse (an HTTP error status), drop (the connection is cut after some chunks). Every request is
 * recorded so tests can assert the system prompt, the records and the history the model was sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatRequest = {
  model: string;
  stream: boolean;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  authorization: string | null;
};

export type FakeLlmBehaviour =
  | {
      kind: 'answer';
      /** The answer's text for a request (default: cites the first record it was sent). */
      text?: (request: ChatRequest) => string;
      /** Characters per chunk. */
      chunkChars?: number;
      delayMs?: number;
      firstTokenDelayMs?: number;
    }
  | { kind: 'refuse'; status: number }
  | { kind: 'drop'; afterChunks: number; text?: (request: ChatRequest) => string; delayMs?: number };

export type FakeLlm = {
  /** Base URL, like vLLM's: http://127.0.0.1:<port>/v1 */
  url: string;
  model: string;
  requests: ChatRequest[];
  behave(behaviour: FakeLlmBehaviour): void;
  close(): Promise<void>;
};

const RECORD_ID = /\[#([0-9a-f-]{36})\]/;

/** The default answer: one sentence citing the first record sent. */
export function citingAnswer(request: ChatRequest): string {
  const last = request.messages.at(-1)?.content ?? '';
  const id = RECORD_ID.exec(last)?.[1];
  return id ? `The records show one relevant exchange [#${id}].` : 'The records do not contain the answer.';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function chunkOf(model: string, content: string | null, finish: string | null = null) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function split(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

export async function startFakeLlm(opts: { model?: string; behaviour?: FakeLlmBehaviour } = {}): Promise<FakeLlm> {
  const model = opts.model ?? 'fake-llama-70b';
  let behaviour: FakeLlmBehaviour = opts.behaviour ?? { kind: 'answer' };
  const requests: ChatRequest[] = [];

  async function chat(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse(await readBody(req)) as Omit<ChatRequest, 'authorization'>;
    const request: ChatRequest = { ...body, authorization: req.headers.authorization ?? null };
    requests.push(request);
    const current = behaviour;
    if (current.kind === 'refuse') {
      res.writeHead(current.status, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: 'refused by the fake model', type: 'server_error' } }));
    }
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    const text = (current.text ?? citingAnswer)(request);
    const parts = split(text, current.kind === 'answer' ? (current.chunkChars ?? 4) : 4);
    const write = (payload: unknown) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
    // vLLM opens with the role and no content.
    write({ ...chunkOf(model, null), choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] });
    if (current.kind === 'answer' && current.firstTokenDelayMs) await sleep(current.firstTokenDelayMs);
    for (const [index, part] of parts.entries()) {
      if (closed) return;
      if (current.kind === 'drop' && index === current.afterChunks) {
        // Let what was written reach the client first: the answer breaks off, it is not lost.
        await new Promise((resolve) => res.write('', resolve));
        await sleep(20);
        res.socket?.destroy();
        return;
      }
      write(chunkOf(model, part));
      const delay = current.delayMs ?? 0;
      if (delay) await sleep(delay);
    }
    if (closed) return;
    write(chunkOf(model, null, 'stop'));
    res.end('data: [DONE]\n\n');
  }

  async function embeddings(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse(await readBody(req)) as { input: string[] };
    const data = body.input.map((text, index) => ({
      index,
      object: 'embedding',
      // Letter frequencies: similar texts get similar vectors, deterministically.
      embedding: Array.from({ length: 8 }, (_, d) => [...text.toLowerCase()].filter((c) => c.charCodeAt(0) % 8 === d).length),
    }));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data, model }));
  }

  const server = createServer((req, res) => {
    const handler =
      req.method === 'POST' && req.url === '/v1/chat/completions' ? chat : req.method === 'POST' && req.url === '/v1/embeddings' ? embeddings : null;
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    handler(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    model,
    requests,
    behave(next) {
      behaviour = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
