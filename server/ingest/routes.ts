/**
 * `POST /api/v1/ingest` — the path every connector uses. `Authorization: Bearer <api key>`, a JSON body
 * `{ "records": [...] }` of at most INGEST_MAX_RECORDS records and INGEST_MAX_BYTES bytes. Each record is validated
 * on its own: malformed ones are listed with their index, the rest are stored through storeCommunications
 * (attribution + consent gate) in one tenant transaction.
 *
 * The key is checked in the route's onRequest hook, before the body is read, so a wrong key costs the server
 * nothing more. Server-to-server: no cookies, so the cross-site (Origin) check does not apply.
 *
 * Answers: 200 with counts (accepted, not stored by a reason the roster decides, rejected records — never whether an
 * author consented, see REPORTED_NOT_STORED_REASONS); errors as the one error
 * shape `{ code, message }`: 401 UNAUTHENTICATED for a missing, unknown or revoked key (each attempt logged in
 * api_auth_failures with the key's prefix only); 413 TOO_LARGE for too many records or bytes (with `limit`);
 * 400 INVALID_INPUT for a body that is not JSON of that shape; 503 when the database fails.
 */
import type { FastifyPluginAsync } from 'fastify';
import {
  INGEST_MAX_BYTES,
  INGEST_MAX_RECORDS,
  INGEST_PATH,
  REPORTED_NOT_STORED_REASONS,
  ZIngestRecord,
  type TIngestRejection,
  type TIngestResponse,
} from '../../shared/schemas/ingest.ts';
import { errorBody, refuseApiKey, sendError, withApiKey } from '../app/hooks.ts';
import { ingestedRecords } from '../app/metrics.ts';
import type { AppServices } from '../context.ts';
import { withTenant } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { apiKeyActive, touchApiKey } from '../services/api-keys.ts';
import { storeCommunications, type IncomingCommunication } from '../services/communications.ts';

/** Issues reported per rejected record: enough to fix it, bounded so a garbage batch gets a small answer. */
const MAX_ISSUES_PER_RECORD = 5;
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

export const ingestRoutes: FastifyPluginAsync<{ services: AppServices; now?: (() => Date) | undefined }> = async (app, opts) => {
  const { services } = opts;
  const now = opts.now ?? (() => new Date());
  // The byte limit is Fastify's (refused before parsing when Content-Length says so, else as soon as it is passed);
  // the answer names it, as the record limit's does.
  app.setErrorHandler((error, request, reply) =>
    sendError(request, reply, error, (error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? { limit: INGEST_MAX_BYTES } : {}),
  );
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: INGEST_PATH,
    config: { crossSite: 'allowed' },
    handler: async (request, reply) => {
      reply.header('Allow', 'POST');
      throw new AppError('METHOD_NOT_ALLOWED');
    },
  });
  app.route({
    method: 'POST',
    url: INGEST_PATH,
    bodyLimit: INGEST_MAX_BYTES,
    config: { crossSite: 'allowed' },
    onRequest: withApiKey(services),
    handler: async (request, reply) => {
      const key = request.apiKey!;
      const records = (request.body as { records?: unknown } | null | undefined)?.records;
      if (!Array.isArray(records)) throw new AppError('INVALID_INPUT', 'Expected a JSON object { "records": [...] }.');
      if (records.length > INGEST_MAX_RECORDS) {
        return reply.code(413).send(errorBody(request, new AppError('TOO_LARGE'), { limit: INGEST_MAX_RECORDS }));
      }

      const { valid, rejected } = validateRecords(records);
      const at = now();
      const result = await withTenant(services.db, key.customerId, async (tx) => {
        if (!(await apiKeyActive(tx, key.apiKeyId))) return null;
        const stored = await storeCommunications(tx, key.customerId, valid, at);
        await touchApiKey(tx, key.apiKeyId, at);
        return stored;
      });
      // Revoked between the hook's lookup and the transaction.
      if (!result) return refuseApiKey(services, request, reply, key.secret, 'unknown_or_revoked');
      // Stored, repeated and refused-for-consent are one outcome, in the answer and in the metrics alike (an
      // operator watching /metrics while posting a record would otherwise read a choice as well).
      const accepted = result.stored + result.duplicates + result.notStored.no_consent;
      ingestedRecords.inc({ outcome: 'accepted' }, accepted);
      ingestedRecords.inc({ outcome: 'rejected' }, new Set(rejected.map((r) => r.index)).size);
      for (const reason of REPORTED_NOT_STORED_REASONS) ingestedRecords.inc({ outcome: reason }, result.notStored[reason]);
      const answer: TIngestResponse = {
        received: records.length,
        accepted,
        notStored: Object.fromEntries(REPORTED_NOT_STORED_REASONS.map((r) => [r, result.notStored[r]])) as TIngestResponse['notStored'],
        rejected,
      };
      return reply.header('Cache-Control', 'no-store').send(answer);
    },
  });
};
