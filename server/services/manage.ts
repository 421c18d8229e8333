/** The employee's durable "manage my consent" page: see current choices, withdraw or grant again per channel. */
import { eq } from 'drizzle-orm';
import type { Channel } from '../../shared/channels.ts';
import type { UiLanguage } from '../../shared/languages.ts';
import type { TManageGetOutput, TManageUpdateInput, TManageUpdateOutput } from '../../shared/schemas/consent.ts';
import type { RequestMeta } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { customers, employeeConsent } from '../db/schema.ts';
import type { TokenOwner } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { purgedCount } from './communication-purge.ts';
import { consentHistory, loadEmployee, readLedgerState, recordDecisions, submissionEvents } from './consent.ts';
import { currentNoticeVersion, toNotice } from './notices.ts';

async function loadCustomer(tx: Tx, customerId: string) {
  const [customer] = await tx.select().from(customers).where(eq(customers.id, customerId));
  if (!customer) throw new AppError('MANAGE_LINK_INVALID');
  return customer;
}

export async function getManage(tx: Tx, owner: TokenOwner, language: UiLanguage): Promise<TManageGetOutput> {
  const customer = await loadCustomer(tx, owner.customerId);
  const employee = await loadEmployee(tx, owner.employeeId);
  const history = await consentHistory(tx, employee.id);
  const [projection] = await tx.select().from(employeeConsent).where(eq(employeeConsent.employeeId, employee.id));
  const allowed = new Set<Channel>(projection?.channelsConsented ?? []);
  const lastGrant = (channel: Channel) =>
    history.findLast((e) => e.channel === channel && e.decision === 'grant')?.occurredAt ?? null;
  return {
    customerName: customer.name,
    displayName: employee.displayName,
    email: employee.email,
    channels: customer.channels.map((channel) => ({
      channel,
      allowed: allowed.has(channel),
      since: allowed.has(channel) ? lastGrant(channel) : null,
    })),
    notice: toNotice(await currentNoticeVersion(tx, language)),
    history,
  };
}

export async function updateManage(
  tx: Tx,
  owner: TokenOwner,
  input: TManageUpdateInput,
  meta: RequestMeta,
  now: Date,
): Promise<TManageUpdateOutput> {
  // Under the ledger lock: customer, employee, projection, chain, and the notice to grant under.
  const ledger = await readLedgerState(tx, owner.employeeId, {
    noticeVersionId: input.action === 'grant' ? input.noticeVersionId : undefined,
  });
  const channels = [...new Set(input.channels)].filter((c) => ledger.customer.channels.includes(c));
  if (channels.length !== new Set(input.channels).size) throw new AppError('CHANNELS_MISMATCH');

  const replay = submissionEvents(ledger, input.idempotencyKey, channels);
  if (replay.length > 0) {
    return {
      recordedAt: new Date(replay[0]!.occurredAt).toISOString(),
      channels: replay.map((e) => e.channel),
      action: input.action,
      removed: await purgedCount(tx, replay.map((e) => e.id)),
    };
  }

  const allowed = new Set<Channel>(ledger.projection?.channelsConsented ?? []);
  // Only real changes become events: withdrawing a channel that is not allowed records nothing.
  const changing = channels.filter((c) => (input.action === 'withdraw' ? allowed.has(c) : !allowed.has(c)));

  let notice;
  let language: UiLanguage;
  if (input.action === 'grant') {
    notice = ledger.notice;
    if (!notice) throw new AppError('NOTICE_MISMATCH');
    if (notice.language !== input.language) throw new AppError('NOTICE_MISMATCH');
    language = input.language;
  } else {
    // A withdrawal needs no new reading; it is recorded against the current notice in the language last used.
    language = ledger.history.at(-1)?.language ?? 'en';
    notice = await currentNoticeVersion(tx, language);
  }
  let removed = 0;
  if (changing.length > 0) {
    ({ removed } = await recordDecisions(tx, ledger, {
      decisions: changing.map((channel) => ({ channel, decision: input.action })),
      notice,
      language,
      meta,
      idempotencyKey: input.idempotencyKey,
      now,
    }));
  }
  return { recordedAt: now.toISOString(), channels: changing, action: input.action, removed };
}
