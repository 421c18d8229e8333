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
import { customers, enrollmentLinks, noticeViews, type IdentitySnapshot } from '../db/schema.ts';
import type { TokenOwner } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import {
  historyView,
  issueManageToken,
  loadEmployee,
  newManageToken,
  readLedgerState,
  recordDecisions,
  submissionEvents,
  type LedgerState,
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
function assertActive<L extends Pick<LinkRow, 'status' | 'expiresAt'>>(link: L | null | undefined, now: Date): L {
  if (!link) throw new AppError('LINK_INVALID');
  const state = linkState(link, now);
  if (state === 'used') throw new AppError('LINK_USED');
  if (state !== 'active') throw new AppError('LINK_EXPIRED');
  return link;
}

async function activeLink(tx: Tx, token: string, now: Date) {
  return assertActive((await tx.select().from(enrollmentLinks).where(eq(enrollmentLinks.token, token)))[0], now);
}

export function identityOf(employee: LedgerState['employee']): IdentitySnapshot {
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
  // One statement: the ledger lock, then the link (locked), customer, employee, notice shown, projection and chain.
  // Every read comes after the lock, so a concurrent duplicate of this submission is seen once it has committed.
  const state = await readLedgerState(tx, owner.employeeId, {
    linkToken: token,
    noticeVersionId: input.noticeVersionId,
    submissionKey: input.idempotencyKey,
  });
  const { customer, employee } = state;

  const replay = submissionEvents(state, input.idempotencyKey, CHANNELS);
  if (replay.length > 0) {
    const first = replay[0]!;
    return {
      customerName: customer.name,
      displayName: employee.displayName,
      recordedAt: new Date(first.occurredAt).toISOString(),
      noticeLabel: noticeLabel({ version: first.noticeVersion, language: first.language }),
      language: first.language,
      decisions: replay.map((e) => ({ channel: e.channel, decision: e.decision })),
      identityCorrected: state.replayCorrected ?? false,
      manageToken: await issueManageToken(tx, employee, now),
      history: state.history.map(historyView),
    };
  }

  assertActive(state.link && { status: state.link.status, expiresAt: new Date(state.link.expiresAt) }, now);
  const chosen = new Set<Channel>(input.choices.map((c) => c.channel));
  if (chosen.size !== customer.channels.length || !customer.channels.every((c) => chosen.has(c))) {
    throw new AppError('CHANNELS_MISMATCH');
  }
  const shownNotice = state.notice;
  if (!shownNotice || shownNotice.language !== input.language) throw new AppError('NOTICE_MISMATCH');

  const directory = identityOf(employee);
  const corrections = diffIdentity(directory, input.identity);
  const decisions = customer.channels.map((channel) => ({
    channel,
    decision: input.choices.find((c) => c.channel === channel)!.decision,
  }));
  const manage = newManageToken();
  // The confirmation, corrections, events, projection, used link and manage secret: one statement.
  const { events } = await recordDecisions(
    tx,
    state,
    { decisions, notice: shownNotice, language: input.language, meta, idempotencyKey: input.idempotencyKey, now },
    {
      confirmation: {
        id: randomUUID(),
        directory,
        confirmed: input.identity,
        corrected: corrections.length > 0,
        corrections,
      },
      link: { token, ctid: state.link!.ctid },
      manageTokenHash: manage.hashed,
    },
  );

  return {
    customerName: customer.name,
    displayName: employee.displayName,
    recordedAt: now.toISOString(),
    noticeLabel: noticeLabel(shownNotice),
    language: input.language,
    decisions,
    identityCorrected: corrections.length > 0,
    manageToken: manage.token,
    history: [
      ...state.history.map(historyView),
      ...events.map((e) =>
        historyView({
          ...e,
          occurredAt: e.occurredAt.toISOString(),
          noticeVersion: shownNotice.version,
          language: input.language,
        }),
      ),
    ],
  };
}
