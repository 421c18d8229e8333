/**
 * `POST /api/roster/upload?fileName=…` with the raw CSV as the body. A plain route rather than tRPC because the
 * body is streamed (up to 50 MB) straight into csv-parse and the database, never buffered.
 *
 * The answer is NDJSON (ZUploadLine): `progress` lines while rows are stored (only when the body's length is
 * known, so the status code is final before the first line), then one `done` or `error` line. Errors that are
 * known before anything was streamed get their own status: 401, 403, 412, 413 IMPORT_TOO_LARGE, 400 IMPORT_INVALID.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { fromNodeHeaders } from 'better-auth/node';
import { MAX_UPLOAD_BYTES } from '../../shared/roster.ts';
import type { TUploadLine } from '../../shared/schemas/roster.ts';
import { sessionFromHeaders } from '../auth/auth.ts';
import { requestMeta, type AppServices } from '../context.ts';
import { AppError, sqlStateOf } from '../errors.ts';
import { storeUpload } from '../services/roster.ts';
import { ONBOARDING_ROLES, tenantOf } from '../trpc.ts';
import { CsvProblem, readCsv, TooLargeError } from './csv.ts';

export const ROSTER_UPLOAD_PATH = '/api/roster/upload';
const REFUSAL_GRACE_MS = 10_000;

function ndjson(res: ServerResponse) {
  let started = false;
  const head = (status: number) => {
    if (started) return;
    started = true;
    res.writeHead(status, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' });
  };
  return {
    line(body: TUploadLine) {
      head(200);
      res.write(`${JSON.stringify(body)}\n`);
    },
    end(status: number, body: TUploadLine) {
      head(status);
      res.end(`${JSON.stringify(body)}\n`);
    },
  };
}

function fileNameOf(url: string): string {
  const name = new URL(url, 'http://localhost').searchParams.get('fileName')?.trim() ?? '';
  return (name || 'roster.csv').slice(0, 255);
}

const errorLine = (code: string, extra: Omit<Extract<TUploadLine, { type: 'error' }>, 'type' | 'code'> = {}): TUploadLine => ({
  type: 'error',
  code,
  ...extra,
});

export function rosterUploadHandler(services: AppServices, opts: { trustProxy: boolean }) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const out = ndjson(res);
    // One iterator over the body: csv-parse reads from it, and after an error the rest is read from it too.
    const body = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    /**
     * Refused without processing (the rest of) the body. A client still sending would get its writes reset and
     * might never see the answer, so what arrives is dropped — for a grace period and up to one more upload's worth
     * of bytes, whichever ends first — then the connection is cut.
     */
    const refuse = (status: number, line: TUploadLine) => {
      // No `Connection: close`: with it Node destroys the socket as soon as the answer is written, and the client's
      // next write then meets a reset that can discard the answer it has not read yet.
      out.end(status, line);
      const cut = setTimeout(() => req.destroy(), REFUSAL_GRACE_MS);
      void (async () => {
        try {
          let dropped = 0;
          for (let chunk = await body.next(); !chunk.done; chunk = await body.next()) {
            dropped += chunk.value.length;
            if (dropped > MAX_UPLOAD_BYTES) {
              req.destroy();
              break;
            }
          }
        } catch {
          // cut off
        }
        clearTimeout(cut);
      })();
    };
    if (req.method !== 'POST') return refuse(405, errorLine('INVALID_INPUT'));

    const declared = Number(req.headers['content-length']);
    const lengthKnown = req.headers['content-length'] !== undefined && Number.isFinite(declared);
    if (lengthKnown && declared > MAX_UPLOAD_BYTES) return refuse(413, errorLine('IMPORT_TOO_LARGE'));

    /**
     * After a refusal, a browser still sending the file only sees the answer once its upload has finished, so a body
     * of known length (at most 50 MB, checked above) is read to its end and dropped; any other body is cut off.
     */
    const answer = async (status: number, line: TUploadLine) => {
      if (lengthKnown && !req.readableEnded) {
        try {
          while (!(await body.next()).done);
        } catch {
          return refuse(status, line);
        }
      }
      if (lengthKnown) out.end(status, line);
      else refuse(status, line);
    };

    try {
      const user = req.headers.cookie ? await sessionFromHeaders(services.auth, fromNodeHeaders(req.headers)) : null;
      if (!user) throw new AppError('UNAUTHENTICATED');
      if (!ONBOARDING_ROLES.includes(user.role)) throw new AppError('FORBIDDEN');
      const customerId = tenantOf(user);

      const reader = await readCsv({ [Symbol.asyncIterator]: () => body }, MAX_UPLOAD_BYTES);
      const result = await storeUpload(
        services.db,
        customerId,
        { user, meta: requestMeta(req, opts.trustProxy) },
        fileNameOf(req.url ?? ''),
        reader,
        (rows) => {
          if (lengthKnown) out.line({ type: 'progress', rows, bytes: reader.bytesRead() });
        },
      );
      out.end(200, { type: 'done', ...result });
    } catch (error) {
      // The client went away (the transaction has rolled back): nobody to answer.
      if (res.destroyed || !res.socket || res.socket.destroyed) return;
      if (error instanceof TooLargeError) return refuse(413, errorLine('IMPORT_TOO_LARGE'));
      if (error instanceof CsvProblem) {
        const { problem, line, row, detail } = error;
        return answer(400, errorLine('IMPORT_INVALID', { problem, line, row, detail }));
      }
      if (error instanceof AppError) return answer(getHTTPStatusCodeFromError(error), errorLine(error.appCode));
      if (sqlStateOf(error)) {
        console.error('[roster upload] database error', error);
        return answer(503, errorLine('NOT_SAVED'));
      }
      console.error('[roster upload]', error);
      return answer(500, errorLine('INTERNAL'));
    }
  };
}
