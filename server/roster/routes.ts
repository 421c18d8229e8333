/**
 * `POST /api/roster/upload?fileName=…` with the raw CSV as the body. A plain route rather than tRPC because the
 * body is streamed (up to 50 MB) straight into csv-parse and the database, never buffered.
 *
 * The answer is NDJSON (ZUploadLine): `progress` lines while rows are stored (only when the body's length is
 * known, so the status code is final before the first line), then one `done` or `error` line. Errors known before
 * anything was streamed get their own status through the one error mapping (server/errors.ts), written as an
 * NDJSON error line: 401, 403, 412, 413 IMPORT_TOO_LARGE, 400 IMPORT_INVALID, 503.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_UPLOAD_BYTES } from '../../shared/roster.ts';
import { ZRosterUploadQuery, type TUploadLine } from '../../shared/schemas/roster.ts';
import { errorBody, noteFailure, refuseUnreadBody, requestMeta, signedIn } from '../app/hooks.ts';
import type { AppServices } from '../context.ts';
import { AppError, toAppError } from '../errors.ts';
import { storeUpload } from '../services/roster.ts';
import { ACCESS } from '../../shared/access.ts';
import { CsvProblem, readCsv, TooLargeError } from './csv.ts';

export const ROSTER_UPLOAD_PATH = '/api/roster/upload';

declare module 'fastify' {
  interface FastifyRequest {
    /** The upload's validated `fileName` query parameter. */
    uploadFileName?: string;
  }
}
/** After a refusal, what is still arriving is dropped for this long (and up to one more upload's worth). */
const REFUSAL_GRACE_MS = 10_000;


const lengthOf = (request: FastifyRequest) => {
  const header = request.headers['content-length'];
  const declared = Number(header);
  return header !== undefined && Number.isFinite(declared) ? declared : null;
};

/** The NDJSON error line of a failure, with the status the one error mapping gives it. */
function errorLine(request: FastifyRequest, thrown: unknown, extra: Record<string, unknown> = {}): { status: number; line: TUploadLine } {
  const error = toAppError(thrown);
  const status = noteFailure(request, thrown, error);
  return { status, line: { type: 'error', ...errorBody(request, error, extra) } as TUploadLine };
}

function endWith(reply: FastifyReply, status: number, line: TUploadLine) {
  if (!reply.raw.headersSent) {
    reply.raw.writeHead(status, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' });
  }
  reply.raw.end(`${JSON.stringify(line)}\n`);
}

export const rosterRoutes: FastifyPluginAsync<{ services: AppServices }> = async (app, { services }) => {
  // The body is read by the handler as a stream, whatever its declared type.
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  // Failures before the handler streams anything (sign-in, role, tenant): an NDJSON error line with its status.
  app.setErrorHandler((error, request, reply) => {
    const { status, line } = errorLine(request, error);
    refuseUnreadBody(request, () => endWith(reply.hijack(), status, line), { graceMs: REFUSAL_GRACE_MS, maxBytes: MAX_UPLOAD_BYTES });
  });

  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: ROSTER_UPLOAD_PATH,
    handler: async (request, reply) => {
      reply.header('Allow', 'POST');
      throw new AppError('METHOD_NOT_ALLOWED');
    },
  });

  app.post(ROSTER_UPLOAD_PATH, {
    onRequest: [
      // Refused from its declared length and its query alone, before anything else is looked at.
      async (request) => {
        const length = lengthOf(request);
        if (length !== null && length > MAX_UPLOAD_BYTES) throw new AppError('IMPORT_TOO_LARGE');
        const query = ZRosterUploadQuery.safeParse(request.query);
        if (!query.success) throw new AppError('INVALID_INPUT');
        request.uploadFileName = query.data.fileName;
      },
      signedIn(services, ACCESS.onboarding),
    ],
    handler: async (request, reply) => {
      reply.hijack();
      const { user, tenantId: customerId } = request.actor!;
      const lengthKnown = lengthOf(request) !== null;
      // One iterator over the body: csv-parse reads from it, and after an error the rest is read from it too.
      const body = request.raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const refuse = (status: number, line: TUploadLine) =>
        refuseUnreadBody(request, () => endWith(reply, status, line), { graceMs: REFUSAL_GRACE_MS, maxBytes: MAX_UPLOAD_BYTES, body });

      /**
       * After a refusal, a browser still sending the file only sees the answer once its upload has finished, so a
       * body of known length (at most 50 MB, checked above) is read to its end and dropped; any other is cut off.
       */
      const answer = async (status: number, line: TUploadLine) => {
        if (lengthKnown && !request.raw.readableEnded) {
          try {
            while (!(await body.next()).done);
          } catch {
            return refuse(status, line);
          }
        }
        if (lengthKnown) endWith(reply, status, line);
        else refuse(status, line);
      };

      try {
        const reader = await readCsv({ [Symbol.asyncIterator]: () => body }, MAX_UPLOAD_BYTES);
        const result = await storeUpload(
          services.db,
          customerId,
          { user, meta: requestMeta(request) },
          request.uploadFileName!,
          reader,
          (rows) => {
            if (!lengthKnown) return;
            if (!reply.raw.headersSent) {
              reply.raw.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' });
            }
            reply.raw.write(`${JSON.stringify({ type: 'progress', rows, bytes: reader.bytesRead() } satisfies TUploadLine)}\n`);
          },
        );
        endWith(reply, 200, { type: 'done', ...result });
      } catch (error) {
        // The client went away (the transaction has rolled back): nobody to answer.
        if (reply.raw.destroyed || !reply.raw.socket || reply.raw.socket.destroyed) return;
        if (error instanceof TooLargeError) return refuse(413, errorLine(request, new AppError('IMPORT_TOO_LARGE')).line);
        const { problem, line, row, detail } = error instanceof CsvProblem ? error : ({} as Partial<CsvProblem>);
        const failure =
          error instanceof CsvProblem
            ? errorLine(request, new AppError('IMPORT_INVALID'), { problem, line, row, detail })
            : errorLine(request, error);
        return answer(failure.status, failure.line);
      }
    },
  });
};
