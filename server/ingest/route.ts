/**
 * `POST /api/v1/ingest` — the path every connector uses. `Authorization: Bearer <api key>`, a JSON body
 * `{ "records": [...] }` of at most INGEST_MAX_RECORDS records and INGEST_MAX_BYTES bytes (read with a running byte
 * cap, never buffered past it). Each record is validated on its own: malformed ones are listed with their index,
 * the rest are stored through storeCommunications (attribution + consent gate) in one tenant transaction.
 *
 * Answers: 200 with counts (stored, duplicates, not stored by reason, rejected records); 401 for a missing, unknown
 * or revoked key (each attempt logged in api_auth_failures with the key's prefix only); 413 for too many records
 * or too many bytes; 400 for a body that is not JSON of that shape; 503 when the database fails.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NOT_STORED_REASONS } from '../../shared/schemas/ingest.ts';
import {
  INGEST_MAX_BYTES,
  INGEST_MAX_RECORDS,
  ZIngestRecord,
  type TIngestRejection,
  type TIngestResponse,
} from '../../shared/schemas/ingest.ts';
import { requestMeta, type AppServices, type RequestMeta } from '../context.ts';
import { apiAuthFailures } from '../db/schema.ts';
import { withTenant } from '../db/tenant.ts';
import { sqlStateOf } from '../errors.ts';
import { apiKeyActive, apiKeyPrefixOf, resolveApiKey, touchApiKey } from '../services/api-keys.ts';
import { storeCommunications, type IncomingCommunication } from '../services/communications.ts';

/** Issues reported per rejected record: enough to fix it, bounded so a garbage batch gets a small answer. */
const MAX_ISSUES_PER_RECORD = 5;
/** After refusing a body mid-stream, what is still arriving is dropped for this long / this much, then cut. */
const DRAIN_MS = 10_000;
const DRAIN_BYTES = 4 * INGEST_MAX_BYTES;

type ApiError = { error: string; message: string; limit?: number };

function send(res: ServerResponse, status: number, body: TIngestResponse | ApiError, extra: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  res.end(JSON.stringify(body));
}

class BodyTooLarge extends Error {}

/** The body, or BodyTooLarge as soon as it passes `max` bytes (the rest is then left unread in `body`). */
async function readCapped(body: AsyncIterator<Buffer>, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (let chunk = await body.next(); !chunk.done; chunk = await body.next()) {
    total += chunk.value.length;
    if (total > max) throw new BodyTooLarge();
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Answers a request whose body was only partly read. A client still sending would have its writes reset and might
 * never see the answer, so what arrives is dropped for a while (bounded in time and bytes), then the socket is cut.
 */
function refuseMidBody(req: IncomingMessage, res: ServerResponse, body: AsyncIterator<Buffer>, status: number, error: ApiError) {
  send(res, status, error, { Connection: 'close' });
  const cut = setTimeout(() => req.destroy(), DRAIN_MS);
  void (async () => {
    try {
      let dropped = 0;
      for (let chunk = await body.next(); !chunk.done; chunk = await body.next()) {
        dropped += chunk.value.length;
        if (dropped > DRAIN_BYTES) break;
      }
    } catch {
      // the client went away
    }
    clearTimeout(cut);
    if (!req.readableEnded) req.destroy();
  })();
}

const bearer = (header: string | undefined) => /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '')?.[1];

async function logAuthFailure(services: AppServices, meta: RequestMeta, secret: string | undefined, reason: string) {
  try {
    await services.db.db.insert(apiAuthFailures).values({
      ipAddress: meta.ipAddress,
      userAgent: meta.userAgent,
      keyPrefix: secret ? apiKeyPrefixOf(secret) : null,
      reason,
    });
  } catch (error) {
    console.error('[ingest] could not log an authentication failure', error);
  }
}

const tooManyRecords: ApiError = {
  error: 'too_many_records',
  message: `At most ${INGEST_MAX_RECORDS} records per request.`,
  limit: INGEST_MAX_RECORDS,
};
const bodyTooLarge: ApiError = {
  error: 'body_too_large',
  message: `The request body may not exceed ${INGEST_MAX_BYTES} bytes.`,
  limit: INGEST_MAX_BYTES,
};
const unauthorized: ApiError = { error: 'unauthorized', message: 'A valid API key is required (Authorization: Bearer <key>).' };

/** Validates each record on its own: the valid ones, and the index + code + path of each problem in the others. */
export function validateRecords(records: unknown[]): { valid: IncomingCommunication[]; rejected: TIngestRejection[] } {
  const valid: IncomingCommunication[] = [];
  const rejected: TIngestRejection[] = [];
  records.forEach((raw, index) => {
    const parsed = ZIngestRecord.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, MAX_ISSUES_PER_RECORD)) {
        rejected.push({
          index,
          code: issue.code,
          path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
        });
      }
      return;
    }
    const r = parsed.data;
    valid.push({
      externalId: r.external_id,
      platform: r.platform,
      channel: r.channel,
      occurredAt: new Date(r.occurred_at),
      author: { email: r.author.email, name: r.author.name },
      participants: r.participants,
      threadId: r.thread_id ?? null,
      subject: r.subject ?? null,
      body: r.body,
      language: r.language,
    });
  });
  return { valid, rejected };
}

export function ingestHandler(services: AppServices, opts: { trustProxy: boolean; now?: (() => Date) | undefined }) {
  const now = opts.now ?? (() => new Date());
  return async (req: IncomingMessage, res: ServerResponse) => {
    const meta = requestMeta(req, opts.trustProxy);
    if (req.method !== 'POST') {
      return send(res, 405, { error: 'method_not_allowed', message: 'Use POST.' }, { Allow: 'POST' });
    }
    try {
      const secret = bearer(req.headers.authorization);
      if (!secret) {
        await logAuthFailure(services, meta, undefined, 'missing');
        return send(res, 401, unauthorized, { 'WWW-Authenticate': 'Bearer' });
      }
      // Checked before the body is read, so a wrong key costs the server nothing more.
      const key = apiKeyPrefixOf(secret) ? await resolveApiKey(services.db, secret) : null;
      if (!key) {
        await logAuthFailure(services, meta, secret, apiKeyPrefixOf(secret) ? 'unknown_or_revoked' : 'malformed');
        return send(res, 401, unauthorized, { 'WWW-Authenticate': 'Bearer' });
      }

      const declared = Number(req.headers['content-length']);
      if (req.headers['content-length'] !== undefined && declared > INGEST_MAX_BYTES) {
        return refuseMidBody(req, res, req[Symbol.asyncIterator](), 413, bodyTooLarge);
      }
      const body = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      let raw: Buffer;
      try {
        raw = await readCapped(body, INGEST_MAX_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLarge) return refuseMidBody(req, res, body, 413, bodyTooLarge);
        throw error;
      }

      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, 400, { error: 'invalid_json', message: 'The body is not valid JSON.' });
      }
      const records = (parsed as { records?: unknown } | null)?.records;
      if (!Array.isArray(records)) {
        return send(res, 400, { error: 'invalid_body', message: 'Expected a JSON object { "records": [...] }.' });
      }
      if (records.length > INGEST_MAX_RECORDS) return send(res, 413, tooManyRecords);

      const { valid, rejected } = validateRecords(records);
      const at = now();
      const result = await withTenant(services.db, key.customerId, async (tx) => {
        if (!(await apiKeyActive(tx, key.apiKeyId))) return null;
        const stored = await storeCommunications(tx, key.customerId, valid, at);
        await touchApiKey(tx, key.apiKeyId, at);
        return stored;
      });
      if (!result) {
        await logAuthFailure(services, meta, secret, 'unknown_or_revoked');
        return send(res, 401, unauthorized, { 'WWW-Authenticate': 'Bearer' });
      }
      return send(res, 200, {
        received: records.length,
        stored: result.stored,
        duplicates: result.duplicates,
        notStored: Object.fromEntries(NOT_STORED_REASONS.map((r) => [r, result.notStored[r]])) as TIngestResponse['notStored'],
        rejected,
      });
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      if (sqlStateOf(error)) {
        console.error('[ingest] database error', error);
        return send(res, 503, { error: 'unavailable', message: 'Nothing was stored; retry later.' });
      }
      console.error('[ingest]', error);
      return send(res, 500, { error: 'internal', message: 'Nothing was stored.' });
    }
  };
}
