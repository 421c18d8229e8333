/** Enrollment links: one active UUID v4 token per employee, valid seven days; reissuing supersedes the old one. */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { ENROLLMENT_LINK_TTL_MS } from '../../shared/channels.ts';
import type { Tx } from '../db/client.ts';
import { enrollmentLinks } from '../db/schema.ts';

export type LinkState = 'active' | 'expired' | 'used' | 'superseded';

export function linkState(link: Pick<typeof enrollmentLinks.$inferSelect, 'status' | 'expiresAt'>, now: Date): LinkState {
  if (link.status === 'used') return 'used';
  if (link.status === 'superseded') return 'superseded';
  return link.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

/** A PostgreSQL array literal: the whole id list travels as one bind parameter, whatever its length. */
const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

/**
 * Supersedes each employee's active link and issues a fresh one: two statements for any number of employees (the
 * ids and tokens travel as arrays), so a 100,000-person roster is not 100,000 parameters or round trips.
 */
export async function issueEnrollmentLinks(tx: Tx, customerId: string, employeeIds: readonly string[], now: Date) {
  if (employeeIds.length === 0) return [];
  const ids = [...new Set(employeeIds)];
  await tx
    .update(enrollmentLinks)
    .set({ status: 'superseded' })
    .where(and(sql`${enrollmentLinks.employeeId} = any(${uuidArray(ids)}::uuid[])`, eq(enrollmentLinks.status, 'active')));
  const expiresAt = new Date(now.getTime() + ENROLLMENT_LINK_TTL_MS);
  const links = ids.map((employeeId) => ({
    token: randomUUID(),
    employeeId,
    customerId,
    createdAt: now,
    expiresAt,
    openedAt: null,
    usedAt: null,
    status: 'active' as const,
    sentAt: null,
    sentVia: null,
  }));
  await tx.execute(sql`
    insert into ${enrollmentLinks} (token, employee_id, customer_id, created_at, expires_at)
    select u.token, u.employee_id, ${customerId}::uuid, ${now.toISOString()}::timestamptz, ${expiresAt.toISOString()}::timestamptz
    from unnest(${uuidArray(links.map((l) => l.token))}::uuid[], ${uuidArray(ids)}::uuid[]) as u(token, employee_id)`);
  return links satisfies (typeof enrollmentLinks.$inferSelect)[];
}

export const enrollmentPath = (token: string) => `/enroll/${token}`;

/** What an admin may see per person: how far their link got, never what they chose. */
export const PERSON_LINK_STATUSES = ['not_sent', 'sent', 'opened', 'responded', 'expired'] as const;
export type PersonLinkStatus = (typeof PERSON_LINK_STATUSES)[number];

/**
 * A person's status from their newest link and whether they have responded (an employee_consent row exists).
 * Responded wins over everything; an unused link past its expiry is expired even if it was sent or opened.
 */
export function personLinkStatus(
  link: Pick<typeof enrollmentLinks.$inferSelect, 'status' | 'expiresAt' | 'openedAt' | 'sentAt'> | null,
  responded: boolean,
  now: Date,
): PersonLinkStatus {
  if (responded) return 'responded';
  if (!link || link.status === 'superseded') return 'not_sent';
  if (link.status === 'used') return 'responded';
  if (link.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (link.openedAt) return 'opened';
  if (link.sentAt) return 'sent';
  return 'not_sent';
}
