/**
 * The employee's enrollment: read the link, record which notice was shown, and submit identity + choices.
 * A submission is one transaction: identity confirmation, corrections, ledger events, projection, link status and
 * the manage secret land together. A retry with the same idempotency key returns the recorded outcome.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { CHANNELS, type Channel } from '../../shared/channels.ts';
import type { UiLanguage } from '../../shared/languages.ts';
import { PLATFORM_ID_FIELDS } from '../../shared/identity.ts';
import type {
  TEnrollmentGetOutput,
  TEnrollmentSubmitInput,
  TIdentity,
  TReceipt,
} from '../../shared/schemas/enrollment.ts';
import type { RequestMeta } from '../context.ts';
import type { Tx } from '../db/client.ts';
import {
  consentNoticeVersions,
  customers,
  enrollmentLinks,
  identityConfirmations,
  identityCorrections,
  noticeViews,
  type IdentitySnapshot,
} from '../db/schema.ts';
import type { TokenOwner } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { findEventsBySubmission, lockEmployeeLedger } from './consent-ledger.ts';
import {
  consentHistory,
  issueManageToken,
  loadEmployee,
  readLedgerState,
  recordDecisions,
  type EmployeeRow,
} from './consent.ts';
import { linkState } from './enrollment-links.ts';
import { currentNoticeVersion, getNoticeVersion, noticeLabel, toNotice } from './notices.ts';

async function loadCustomer(tx: Tx, customerId: string) {
  const [customer] = await tx.select().from(customers).where(eq(customers.id, customerId));
  if (!customer) throw new AppError('LINK_INVALID');
  return customer;
}

type LinkRow = typeof enrollmentLinks.$inferSelect;

/** Refuses anything but an active link. Expired and superseded links read the same to the employee. */
function assertActive(link: LinkRow | undefined, now: Date): LinkRow {
  if (!link) throw new AppError('LINK_INVALID');
  const state = linkState(link, now);
  if (state === 'used') throw new AppError('LINK_USED');
  if (state !== 'active') throw new AppError('LINK_EXPIRED');
  return link;
}

async function activeLink(tx: Tx, token: string, now: Date) {
  return assertActive((await tx.select().from(enrollmentLinks).where(eq(enrollmentLinks.token, token)))[0], now);
}

export function identityOf(employee: EmployeeRow): IdentitySnapshot {
  return { email: employee.email, displayName: employee.displayName, platformIds: employee.platformIds };
}

export async function getEnrollment(
  tx: Tx,
  owner: TokenOwner,
  token: string,
  language: UiLanguage,
  now: Date,
): Promise<TEnrollmentGetOutput> {
  const link = await activeLink(tx, token, now);
  const customer = await loadCustomer(tx, owner.customerId);
  const employee = await loadEmployee(tx, owner.employeeId);
  const notice = await currentNoticeVersion(tx, language);
  return {
    customerName: customer.name,
    ceoName: customer.ceoName,
    channels: customer.channels,
    identity: identityOf(employee),
    notice: toNotice(notice),
    expiresAt: link.expiresAt.toISOString(),
  };
}

export async function recordNoticeShown(tx: Tx, owner: TokenOwner, token: string, noticeVersionId: string, now: Date) {
  const link = await activeLink(tx, token, now);
  const notice = await getNoticeVersion(tx, noticeVersionId);
  await tx.insert(noticeViews).values({
    customerId: owner.customerId,
    employeeId: owner.employeeId,
    noticeVersionId: notice.id,
    language: notice.language,
    shownAt: now,
  });
  if (!link.openedAt) await tx.update(enrollmentLinks).set({ openedAt: now }).where(eq(enrollmentLinks.token, token));
}

type Correction = { field: string; oldValue: string | null; newValue: string };

const blankToNull = (value: string | null | undefined) => (value && value.trim() !== '' ? value.trim() : null);

/** Field-by-field differences between the roster and what the employee confirmed. */
export function diffIdentity(directory: IdentitySnapshot, confirmed: TIdentity): Correction[] {
  const corrections: Correction[] = [];
  if (confirmed.email.toLowerCase() !== directory.email.toLowerCase()) {
    corrections.push({ field: 'email', oldValue: directory.email, newValue: confirmed.email });
  }
  if (confirmed.displayName !== directory.displayName.trim()) {
    corrections.push({ field: 'displayName', oldValue: directory.displayName, newValue: confirmed.displayName });
  }
  for (const field of PLATFORM_ID_FIELDS) {
    const before = blankToNull(directory.platformIds[field]);
    const after = blankToNull(confirmed.platformIds[field]);
    if (before !== after) corrections.push({ field: `platformIds.${field}`, oldValue: before, newValue: after ?? '' });
  }
  return corrections;
}

export async function submitEnrollment(
  tx: Tx,
  owner: TokenOwner,
  token: string,
  input: TEnrollmentSubmitInput,
  meta: RequestMeta,
  now: Date,
): Promise<TReceipt> {
  // One pipelined round trip. PostgreSQL runs the statements in order, so every read after the lock sees what a
  // concurrent duplicate of this submission committed before it.
  const [, customer, employee, replay, [link], [shownNotice], ledger] = await Promise.all([
    lockEmployeeLedger(tx, owner.employeeId),
    loadCustomer(tx, owner.customerId),
    loadEmployee(tx, owner.employeeId),
    findEventsBySubmission(tx, owner.customerId, input.idempotencyKey, CHANNELS),
    tx.select().from(enrollmentLinks).where(eq(enrollmentLinks.token, token)).for('update'),
    tx.select().from(consentNoticeVersions).where(eq(consentNoticeVersions.id, input.noticeVersionId)),
    readLedgerState(tx, owner.employeeId),
  ]);

  if (replay.length > 0) {
    if (replay.some((e) => e.employeeId !== owner.employeeId)) throw new AppError('IDEMPOTENCY_CONFLICT');
    const [notice, [confirmation]] = await Promise.all([
      getNoticeVersion(tx, replay[0]!.noticeVersionId),
      tx
        .select({ corrected: identityConfirmations.corrected })
        .from(identityConfirmations)
        .where(eq(identityConfirmations.employeeId, employee.id)),
    ]);
    return receipt(tx, {
      customerName: customer.name,
      employee,
      recordedAt: replay[0]!.occurredAt,
      noticeLabel: noticeLabel(notice),
      language: replay[0]!.language as UiLanguage,
      decisions: replay.map((e) => ({ channel: e.channel, decision: e.decision })),
      identityCorrected: confirmation?.corrected ?? false,
      now,
    });
  }

  assertActive(link, now);
  const chosen = new Set<Channel>(input.choices.map((c) => c.channel));
  if (chosen.size !== customer.channels.length || !customer.channels.every((c) => chosen.has(c))) {
    throw new AppError('CHANNELS_MISMATCH');
  }
  if (!shownNotice || shownNotice.language !== input.language) throw new AppError('NOTICE_MISMATCH');

  const directory = identityOf(employee);
  const corrections = diffIdentity(directory, input.identity);
  const confirmationId = randomUUID();
  const decisions = customer.channels.map((channel) => ({
    channel,
    decision: input.choices.find((c) => c.channel === channel)!.decision,
  }));
  // The writes and the receipt's history read go out together; the history query runs after the inserts.
  const [, , , , manageToken, history] = await Promise.all([
    tx.insert(identityConfirmations).values({
      id: confirmationId,
      customerId: owner.customerId,
      employeeId: employee.id,
      directory,
      confirmed: input.identity,
      corrected: corrections.length > 0,
      createdAt: now,
    }),
    corrections.length > 0
      ? tx.insert(identityCorrections).values(
          corrections.map((c) => ({
            ...c,
            customerId: owner.customerId,
            employeeId: employee.id,
            confirmationId,
            createdAt: now,
          })),
        )
      : null,
    recordDecisions(tx, ledger, {
      employee,
      decisions,
      notice: shownNotice,
      language: input.language,
      meta,
      idempotencyKey: input.idempotencyKey,
      now,
    }),
    tx.update(enrollmentLinks).set({ status: 'used', usedAt: now }).where(eq(enrollmentLinks.token, token)),
    issueManageToken(tx, employee, now),
    consentHistory(tx, employee.id),
  ]);

  return {
    customerName: customer.name,
    displayName: employee.displayName,
    recordedAt: now.toISOString(),
    noticeLabel: noticeLabel(shownNotice),
    language: input.language,
    decisions,
    identityCorrected: corrections.length > 0,
    manageToken,
    history,
  };
}

async function receipt(
  tx: Tx,
  r: Omit<TReceipt, 'manageToken' | 'history' | 'recordedAt' | 'displayName'> & {
    employee: EmployeeRow;
    recordedAt: Date;
    now: Date;
  },
): Promise<TReceipt> {
  const [manageToken, history] = await Promise.all([
    issueManageToken(tx, r.employee, r.now),
    consentHistory(tx, r.employee.id),
  ]);
  return {
    customerName: r.customerName,
    displayName: r.employee.displayName,
    recordedAt: r.recordedAt.toISOString(),
    noticeLabel: r.noticeLabel,
    language: r.language,
    decisions: r.decisions,
    identityCorrected: r.identityCorrected,
    manageToken,
    history,
  };
}
