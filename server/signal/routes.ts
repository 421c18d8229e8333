/**
 * `POST /api/signal/query` with a JSON body (ZSignalQueryInput), answered as a server-sent event stream of
 * ZSignalEvent: `session`, `sources` (before the model is asked, so they show even if it fails), `summary`
 * (extractive mode), `token`…, then `error` if the answer failed, and `done`. Problems known before streaming get a
 * JSON `{ code }` with their status: 401, 403, 400 INVALID_INPUT, 404 NOT_FOUND (someone else's session), 413, 503.
 *
 * A plain route rather than tRPC because the answer streams token by token. The tenant comes from the session
 * cookie, never from the body. No transaction is open while the model streams; an answer the CEO stops, or that
 * the model breaks off, or that is cut by a shutdown, is saved with what arrived (status incomplete).
 */
import type { FastifyPluginAsync } from 'fastify';
import { ACCESS } from '../../shared/access.ts';
import { SIGNAL_QUERY_PATH, ZSignalQueryInput, type TSignalEvent, type TStreamErrorCode } from '../../shared/schemas/signal.ts';
import { errorBody, signedIn } from '../app/hooks.ts';
import { signalTurns } from '../app/metrics.ts';
import type { StreamRegistry } from '../app/streams.ts';
import type { AppServices } from '../context.ts';
import type { SignalTurnStatus } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { finishTurn, startTurn } from '../services/signal.ts';
import { EXTRACTIVE_MODEL, extractiveAnswer, presentRecords, summarize } from './extractive.ts';
import { embed, LlmError, streamChat } from './llm.ts';
import { buildMessages } from './prompt.ts';

const MAX_BODY_BYTES = 32 * 1024;

/** An event on the wire: its type as the SSE event name, the whole event as JSON data (one line). */
export const sseFrame = (event: TSignalEvent) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

export const signalRoutes: FastifyPluginAsync<{ services: AppServices; streams: StreamRegistry }> = async (app, { services, streams }) => {
  app.post(SIGNAL_QUERY_PATH, { bodyLimit: MAX_BODY_BYTES, onRequest: signedIn(services, ACCESS.signal) }, async (request, reply) => {
    const { user, tenantId: customerId } = request.actor!;
    const llm = services.signal.llm;
    const parsed = ZSignalQueryInput.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).send(
        errorBody(request, new AppError('INVALID_INPUT'), {
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        }),
      );
    }
    const input = parsed.data;
    // Asked before the transaction opens: a slow embeddings endpoint must not hold one.
    const embedding = services.signal.embeddings
      ? await embed(services.signal.embeddings, [input.query]).then(
          ([vector]) => vector ?? null,
          (error: unknown) => {
            request.log.warn({ err: error }, 'embeddings unavailable, full-text only');
            return null;
          },
        )
      : null;
    // A failure here (the database away) goes to the error handler: nothing has been streamed yet.
    const started = await startTurn(services.db, customerId, user, input, {
      mode: llm ? 'llm' : 'extractive',
      model: llm ? llm.model : EXTRACTIVE_MODEL,
      embedding,
    });

    reply.hijack();
    const req = request.raw;
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // Reverse proxies must pass tokens on as they come.
      'X-Accel-Buffering': 'no',
    });
    // The CEO pressed stop, closed the tab or lost the network, or the server is shutting down: stop asking the
    // model, keep what arrived.
    const gone = new AbortController();
    const untrack = streams.track(gone);
    try {
      await streamAnswer();
    } finally {
      untrack();
    }

    async function streamAnswer() {
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
            if (!(error instanceof LlmError)) request.log.error({ err: error }, 'Signal answer failed');
            send({ type: 'error', code: errorCode });
          }
        }
      }

      try {
        await finishTurn(services.db, customerId, started.turnId, { response, status, errorCode });
      } catch (error) {
        // The turn stays recorded as started (incomplete, with its sources); the answer was still delivered.
        request.log.warn({ err: error, turnId: started.turnId }, 'could not save the end of a Signal turn');
      }
      signalTurns.inc({ status });
      send({ type: 'done', status, model: llm ? llm.model : EXTRACTIVE_MODEL, mode });
      if (!res.destroyed) res.end();
    }
  });
};
