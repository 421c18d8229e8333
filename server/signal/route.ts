/**
 * `POST /api/signal/query` with a JSON body (ZSignalQueryInput), answered as a server-sent event stream of
 * ZSignalEvent: `session`, `sources` (before the model is asked, so they show even if it fails), `summary`
 * (extractive mode), `token`…, then `error` if the answer failed, and `done`. Problems known before streaming get a
 * JSON `{ code }` with their status: 401, 403, 400 INVALID_INPUT, 404 NOT_FOUND (someone else's session), 413, 503.
 *
 * A plain route rather than tRPC because the answer streams token by token. The tenant comes from the session
 * cookie, never from the body. No transaction is open while the model streams; an answer the CEO stops, or that
 * the model breaks off, is saved with what arrived.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { fromNodeHeaders } from 'better-auth/node';
import { z } from 'zod';
import { ZSignalQueryInput, type TSignalEvent, type TStreamErrorCode } from '../../shared/schemas/signal.ts';
import { sessionFromHeaders } from '../auth/auth.ts';
import type { AppServices } from '../context.ts';
import type { SignalTurnStatus } from '../db/schema.ts';
import { AppError, sqlStateOf } from '../errors.ts';
import { finishTurn, startTurn, type StartedTurn } from '../services/signal.ts';
import { tenantOf } from '../trpc.ts';
import { EXTRACTIVE_MODEL, extractiveAnswer, presentRecords, summarize } from './extractive.ts';
import { embed, LlmError, streamChat } from './llm.ts';
import { buildMessages } from './prompt.ts';

const MAX_BODY_BYTES = 32 * 1024;

class BodyTooLarge extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** An event on the wire: its type as the SSE event name, the whole event as JSON data (one line). */
export const sseFrame = (event: TSignalEvent) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

export function signalQueryHandler(services: AppServices) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return sendJson(res, 405, { code: 'INVALID_INPUT' });
    const llm = services.signal.llm;
    let started: StartedTurn;
    let input: z.infer<typeof ZSignalQueryInput>;
    let customerId: string;
    try {
      const user = req.headers.cookie ? await sessionFromHeaders(services.auth, fromNodeHeaders(req.headers)) : null;
      if (!user) throw new AppError('UNAUTHENTICATED');
      if (user.role !== 'ceo') throw new AppError('FORBIDDEN');
      customerId = tenantOf(user);
      const parsed = ZSignalQueryInput.safeParse(await readJson(req));
      if (!parsed.success) {
        return sendJson(res, 400, {
          code: 'INVALID_INPUT',
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        });
      }
      input = parsed.data;
      // Asked before the transaction opens: a slow embeddings endpoint must not hold one.
      const embedding = services.signal.embeddings
        ? await embed(services.signal.embeddings, [input.query]).then(
            ([vector]) => vector ?? null,
            (error: unknown) => {
              console.error('[signal] embeddings unavailable, full-text only:', (error as Error).message);
              return null;
            },
          )
        : null;
      started = await startTurn(services.db, customerId, user, input, {
        mode: llm ? 'llm' : 'extractive',
        model: llm ? llm.model : EXTRACTIVE_MODEL,
        embedding,
      });
    } catch (error) {
      if (res.destroyed) return;
      if (error instanceof BodyTooLarge) {
        res.setHeader('Connection', 'close');
        return sendJson(res, 413, { code: 'INVALID_INPUT' });
      }
      if (error instanceof AppError) return sendJson(res, getHTTPStatusCodeFromError(error), { code: error.appCode });
      if (sqlStateOf(error)) {
        console.error('[signal] database error', error);
        return sendJson(res, 503, { code: 'NOT_SAVED' });
      }
      console.error('[signal]', error);
      return sendJson(res, 500, { code: 'INTERNAL' });
    }

    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // Reverse proxies must pass tokens on as they come.
      'X-Accel-Buffering': 'no',
    });
    // The CEO pressed stop, closed the tab or lost the network: stop asking the model, keep what arrived.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) gone.abort(new Error('client went away'));
    });
    // Gone already while the sources were being found: do not ask the model for nobody.
    if (res.destroyed || req.socket.destroyed) gone.abort(new Error('client went away'));
    const send = (event: TSignalEvent) => {
      if (!res.destroyed && !res.writableEnded) res.write(sseFrame(event));
    };

    const mode = llm ? 'llm' : 'extractive';
    send({ type: 'session', sessionId: started.sessionId, turnId: started.turnId, mode });
    send({ type: 'sources', sources: started.sources });

    let response = '';
    let status: SignalTurnStatus = 'complete';
    let errorCode: TStreamErrorCode | null = null;
    if (!llm) {
      send({ type: 'summary', summary: summarize(presentRecords(started.sources)) });
      response = extractiveAnswer(input.query, started.sources);
      send({ type: 'token', text: response });
    } else {
      const messages = buildMessages({
        customer: started.customer.name,
        outputLanguage: started.customer.outputLanguage,
        records: presentRecords(started.sources),
        history: started.history,
        query: input.query,
      });
      try {
        for await (const text of streamChat(llm, messages, { signal: gone.signal })) {
          response += text;
          send({ type: 'token', text });
        }
      } catch (error) {
        if (gone.signal.aborted) {
          status = 'incomplete';
        } else {
          status = 'failed';
          errorCode = error instanceof LlmError ? error.code : 'INTERNAL';
          if (!(error instanceof LlmError)) console.error('[signal] answer failed', error);
          send({ type: 'error', code: errorCode });
        }
      }
    }

    try {
      await finishTurn(services.db, customerId, started.turnId, { response, status, errorCode });
    } catch (error) {
      // The turn stays recorded as started (incomplete, with its sources); the answer was still delivered.
      console.error('[signal] could not save the end of turn', started.turnId, error);
    }
    send({ type: 'done', status, model: llm ? llm.model : EXTRACTIVE_MODEL, mode });
    if (!res.destroyed) res.end();
  };
}
