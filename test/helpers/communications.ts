/** Ingests records for a customer through the real store path (storeCommunications in a tenant transaction). */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../../shared/channels.ts';
import type { DbHandle } from '../../server/db/client.ts';
import { withTenant } from '../../server/db/tenant.ts';
import { storeCommunications, type IncomingCommunication } from '../../server/services/communications.ts';

export function ingest(db: DbHandle, customerId: string, records: readonly IncomingCommunication[], now = new Date()) {
  return withTenant(db, customerId, (tx) => storeCommunications(tx, customerId, records, now));
}

/** A plausible record by `email` on `channel`; override anything. */
export function commRecord(
  email: string,
  channel: Channel,
  overrides: Partial<IncomingCommunication> = {},
): IncomingCommunication {
  return {
    externalId: `ext-${randomUUID()}`,
    platform: channel === 'email' ? 'gmail' : channel === 'messaging' ? 'slack' : channel === 'video' ? 'zoom' : 'twilio',
    channel,
    occurredAt: new Date(),
    author: { email },
    participants: [{ email, role: 'from' }],
    threadId: null,
    subject: channel === 'email' ? 'Quarterly pipeline review' : null,
    body: 'The enterprise pipeline looks healthy, but two renewals are at risk because of the supplier delay.',
    language: 'en',
    ...overrides,
  };
}

/**
 * The wire form a connector sends to POST /api/v1/ingest. `language: false` leaves the language out so the server
 * detects it, as it must for most connectors.
 */
export function toWire(r: IncomingCommunication, opts: { language?: boolean } = {}) {
  return {
    external_id: r.externalId,
    platform: r.platform,
    channel: r.channel,
    occurred_at: r.occurredAt.toISOString(),
    author: r.author,
    participants: r.participants,
    thread_id: r.threadId,
    subject: r.subject,
    body: r.body,
    ...(r.language && opts.language !== false ? { language: r.language } : {}),
  };
}
