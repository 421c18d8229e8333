/**
 * Enrollment links for the roster (onboarding portal item 5): who has which link and how far it got, generating
 * links for everyone without a usable one, distributing them by email, CSV or a printed QR sheet, and "resend to
 * pending". Per person only the link status is ever read — never a consent choice.
 */
import { and, asc, eq, gt, inArray, isNull, ne, notInArray, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { ENROLLMENT_LINK_TTL_MS } from '../../shared/channels.ts';
import { isUiLanguage, type UiLanguage } from '../../shared/languages.ts';
import {
  LINK_STATUS_VALUES,
  type TDistributeResult,
  type TLinkFilter,
  type TLinkRow,
  type TLinkStatus,
  type ZLinksListInput,
} from '../../shared/schemas/links.ts';
import type { AppServices } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { auditLog, customers, employeeConsent, employees, enrollmentLinks, type LinkDistribution } from '../db/schema.ts';
import { renderEmail } from '../mail/templates.ts';
import { recordAudit, type Actor } from './audit.ts';
import { deliverEmail, recordEmail } from './email.ts';
import { enrollmentPath, issueEnrollmentLinks, linkState, personLinkStatus, PERSON_LINK_STATUSES, type PersonLinkStatus } from './enrollment-links.ts';
import { toCsv } from '../csv.ts';

// The client's status enum and the server's must stay the same set.
const _sameStatuses: [PersonLinkStatus[], TLinkStatus[]] = [[...LINK_STATUS_VALUES], [...PERSON_LINK_STATUSES]];
void _sameStatuses;

type InTenant = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
type Services = Pick<AppServices, 'mailer' | 'publicUrl'>;

/** Emails handed to the mailer between two database steps: the crash window for "sent but not marked" is this. */
const EMAIL_BATCH = 100;

export const enrollmentUrl = (publicUrl: string, token: string) => `${publicUrl}${enrollmentPath(token)}`;

/** The roster row lock: two generate/resend runs for one tenant take turns instead of superseding each other's links. */
async function lockRoster(tx: Tx, customerId: string) {
  await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId)).for('update');
}

/** A consent record exists: the person responded (whatever they chose). For WHERE clauses. */
const responded = (employeeId: SQL | typeof employees.id | typeof enrollmentLinks.employeeId) =>
  sql`exists (select 1 from ${employeeConsent} where ${employeeConsent.employeeId} = ${employeeId})`;

/**
 * The employee of the surrounding query holds a link that still opens (linkState 'active', in SQL). For WHERE only,
 * where PostgreSQL turns it into an anti-join; spelled out because drizzle may leave columns unqualified.
 */
const holdsUsableLink = (now: Date) => sql<boolean>`exists (select 1 from enrollment_links u
  where u.employee_id = "employees"."id" and u.status = 'active' and u.expires_at > ${now.toISOString()}::timestamptz)`;

export type PersonLink = {
  employeeId: string;
  name: string;
  email: string;
  department: string | null;
  location: string | null;
  status: TLinkStatus;
  usable: boolean;
  sentAt: Date | null;
  sentVia: LinkDistribution | null;
  expiresAt: Date | null;
  needsLink: boolean;
};

/**
 * Every current employee with their newest live link and whether they responded; statuses come from
 * personLinkStatus, the same rule the admin panel uses. Three plain scans joined here rather than one SQL join: right
 * after 100,000 links are issued the planner's statistics still say the table is empty, and a join planned on that
 * ran for minutes, while these scans cost the same whatever the statistics say.
 */
export async function loadPersonLinks(tx: Tx, now: Date): Promise<PersonLink[]> {
  const people = await tx
    .select({
      employeeId: employees.id,
      name: employees.displayName,
      email: employees.email,
      department: employees.department,
      location: employees.location,
    })
    .from(employees)
    .where(isNull(employees.leftAt))
    .orderBy(asc(employees.displayName), asc(employees.email));
  // Superseded links read as "no link" (personLinkStatus), so only live ones matter.
  const links = await tx
    .select({
      employeeId: enrollmentLinks.employeeId,
      status: enrollmentLinks.status,
      createdAt: enrollmentLinks.createdAt,
      expiresAt: enrollmentLinks.expiresAt,
      openedAt: enrollmentLinks.openedAt,
      sentAt: enrollmentLinks.sentAt,
      sentVia: enrollmentLinks.sentVia,
    })
    .from(enrollmentLinks)
    .where(ne(enrollmentLinks.status, 'superseded'));
  const newest = new Map<string, (typeof links)[number]>();
  for (const l of links) {
    const seen = newest.get(l.employeeId);
    if (!seen || l.createdAt > seen.createdAt) newest.set(l.employeeId, l);
  }
  const responded = new Set(
    (await tx.select({ id: employeeConsent.employeeId }).from(employeeConsent)).map((r) => r.id),
  );
  return people.map((p) => {
    const link = newest.get(p.employeeId) ?? null;
    const status = personLinkStatus(link, responded.has(p.employeeId), now);
    const usable = link !== null && linkState(link, now) === 'active';
    return {
      ...p,
      status,
      usable,
      sentAt: link?.sentAt ?? null,
      sentVia: link?.sentVia ?? null,
      expiresAt: link?.expiresAt ?? null,
      needsLink: status !== 'responded' && !usable,
    };
  });
}

const toRow = (p: PersonLink): TLinkRow => ({
  employeeId: p.employeeId,
  name: p.name,
  email: p.email,
  department: p.department,
  location: p.location,
  status: p.status,
  sentAt: p.sentAt?.toISOString() ?? null,
  sentVia: p.sentVia,
  expiresAt: p.expiresAt?.toISOString() ?? null,
  needsLink: p.needsLink,
});

function matchesFilter(p: PersonLink, filter: TLinkFilter) {
  if (filter === 'all') return true;
  if (filter === 'needs_link') return p.needsLink;
  return p.status === filter;
}

export async function listLinks(tx: Tx, input: z.output<typeof ZLinksListInput>, now: Date) {
  const people = await loadPersonLinks(tx, now);
  const counts = { total: people.length, needsLink: 0, readyToSend: 0, not_sent: 0, sent: 0, opened: 0, responded: 0, expired: 0 };
  for (const p of people) {
    counts[p.status]++;
    if (p.needsLink) counts.needsLink++;
    if (p.usable && !p.sentAt && p.status !== 'responded') counts.readyToSend++;
  }
  const needle = input.search.toLocaleLowerCase();
  const matching = people.filter(
    (p) =>
      matchesFilter(p, input.filter) &&
      (!needle || p.name.toLocaleLowerCase().includes(needle) || p.email.toLowerCase().includes(needle)),
  );
  return { counts, matching: matching.length, rows: matching.slice(input.offset, input.offset + input.limit).map(toRow) };
}

/**
 * Issues a link to everyone current who has not responded and has no usable link (within `selection` if given).
 * People who already hold a usable link keep it, so a retried or repeated generate issues nothing new.
 */
export async function generateLinks(tx: Tx, customerId: string, actor: Actor, selection: readonly string[] | undefined, now: Date) {
  await lockRoster(tx, customerId);
  // Right after a bulk import the planner's statistics can still say enrollment_links is empty, and it then picks a
  // nested-loop anti-join that rescans the table per employee (minutes at 100,000 people). Hash joins are right at
  // every size here, and the setting ends with this transaction.
  await tx.execute(sql`set local enable_nestloop = off`);
  const targets = await tx
    .select({ id: employees.id })
    .from(employees)
    .where(
      and(
        isNull(employees.leftAt),
        sql`not ${responded(employees.id)}`,
        sql`not ${holdsUsableLink(now)}`,
        selection ? inArray(employees.id, [...selection]) : undefined,
      ),
    );
  const ids = targets.map((p) => p.id);
  await issueEnrollmentLinks(tx, customerId, ids, now);
  await recordAudit(tx, customerId, actor, 'links.generated', null, { count: ids.length, selection: selection?.length ?? null });
  return { generated: ids.length, expiresAt: ids.length ? new Date(now.getTime() + ENROLLMENT_LINK_TTL_MS).toISOString() : null };
}

/** Links that may go out: active, unexpired, of a current employee who has not responded. */
function distributable(now: Date, selection: readonly string[] | undefined): SQL {
  return and(
    eq(enrollmentLinks.status, 'active'),
    gt(enrollmentLinks.expiresAt, now),
    sql`exists (select 1 from ${employees} where ${employees.id} = ${enrollmentLinks.employeeId} and ${employees.leftAt} is null)`,
    sql`not ${responded(enrollmentLinks.employeeId)}`,
    selection ? inArray(enrollmentLinks.employeeId, [...selection]) : undefined,
  )!;
}

/** The latest language the person read their notice in: their language, as far as we know it. */
// Spelled out for the same reason as holdsUsableLink.
const knownLanguage = sql<string | null>`(select nv.language from notice_views nv
  where nv.employee_id = "employees"."id" order by nv.shown_at desc limit 1)`;

async function customerFacts(tx: Tx, customerId: string) {
  const [c] = await tx.select().from(customers).where(eq(customers.id, customerId));
  return { name: c?.name ?? '', language: c && isUiLanguage(c.outputLanguage) ? c.outputLanguage : 'en', contact: c?.contactEmail ?? null };
}

function formatExpiry(expiresAt: Date, lang: UiLanguage) {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' }).format(expiresAt);
}

/**
 * Emails every distributable link that was never sent (within `selection`). Each batch is claimed first (marked
 * sent, `skip locked`, so a concurrent or retried run never picks the same link), delivered outside any
 * transaction, then recorded in the outbox log; links whose delivery failed are released again (unsent).
 */
export async function distributeByEmail(
  services: Services,
  inTenant: InTenant,
  customerId: string,
  actor: Actor,
  selection: readonly string[] | undefined,
  now: Date,
): Promise<TDistributeResult> {
  const customer = await inTenant((tx) => customerFacts(tx, customerId));
  const contact = customer.contact ?? actor.user.email;
  const failed: TDistributeResult['failed'] = [];
  const failedTokens: string[] = [];
  let delivered = 0;
  for (;;) {
    const batch = await inTenant(async (tx) => {
      const candidates = tx
        .select({ token: enrollmentLinks.token })
        .from(enrollmentLinks)
        .where(
          and(
            distributable(now, selection),
            isNull(enrollmentLinks.sentAt),
            failedTokens.length ? notInArray(enrollmentLinks.token, failedTokens) : undefined,
          ),
        )
        .orderBy(enrollmentLinks.token)
        .limit(EMAIL_BATCH)
        .for('update', { skipLocked: true });
      const claimed = await tx
        .update(enrollmentLinks)
        .set({ sentAt: now, sentVia: 'email' })
        .where(and(inArray(enrollmentLinks.token, candidates), isNull(enrollmentLinks.sentAt)))
        .returning({ token: enrollmentLinks.token, employeeId: enrollmentLinks.employeeId, expiresAt: enrollmentLinks.expiresAt });
      if (claimed.length === 0) return [];
      const people = await tx
        .select({ id: employees.id, name: employees.displayName, email: employees.email, language: knownLanguage })
        .from(employees)
        .where(inArray(employees.id, claimed.map((c) => c.employeeId)));
      const byId = new Map(people.map((p) => [p.id, p]));
      return claimed.map((c) => ({ ...c, person: byId.get(c.employeeId)! }));
    });
    if (batch.length === 0) break;
    const outcomes = await Promise.all(
      batch.map(async (link) => {
        const lang: UiLanguage =
          link.person.language && isUiLanguage(link.person.language) ? link.person.language : customer.language;
        const message = {
          to: link.person.email,
          ...renderEmail('enrollment_link', lang, {
            name: link.person.name,
            company: customer.name,
            url: enrollmentUrl(services.publicUrl, link.token),
            expires: formatExpiry(link.expiresAt, lang),
            contact,
          }),
        };
        return { link, message, ...(await deliverEmail(services.mailer, message)) };
      }),
    );
    const lost = outcomes.filter((o) => o.status === 'failed');
    await inTenant(async (tx) => {
      for (const o of outcomes) {
        await recordEmail(tx, customerId, { kind: 'enrollment_link', ...o.message, status: o.status, error: o.error });
      }
      if (lost.length) {
        await tx
          .update(enrollmentLinks)
          .set({ sentAt: null, sentVia: null })
          .where(inArray(enrollmentLinks.token, lost.map((o) => o.link.token)));
      }
    });
    delivered += outcomes.length - lost.length;
    for (const o of lost) {
      failedTokens.push(o.link.token);
      failed.push({ employeeId: o.link.employeeId, name: o.link.person.name, email: o.link.person.email, error: o.error ?? '' });
    }
  }
  await inTenant((tx) =>
    recordAudit(tx, customerId, actor, 'links.distributed', null, {
      method: 'email',
      mode: services.mailer.mode,
      delivered,
      failed: failed.length,
    }),
  );
  return { mode: services.mailer.mode, delivered, failed };
}

/** Distributable links (within `selection`) by name; those never sent are marked as handed out `via`. */
async function handOut(tx: Tx, via: Exclude<LinkDistribution, 'email'>, selection: readonly string[] | undefined, now: Date) {
  const rows = await tx
    .select({
      employeeId: employees.id,
      name: employees.displayName,
      email: employees.email,
      token: enrollmentLinks.token,
      expiresAt: enrollmentLinks.expiresAt,
    })
    .from(enrollmentLinks)
    .innerJoin(employees, eq(employees.id, enrollmentLinks.employeeId))
    .where(distributable(now, selection))
    .orderBy(asc(employees.displayName), asc(employees.email));
  await tx
    .update(enrollmentLinks)
    .set({ sentAt: now, sentVia: via })
    .where(and(distributable(now, selection), isNull(enrollmentLinks.sentAt)));
  return rows;
}

export async function exportLinksCsv(
  tx: Tx,
  customerId: string,
  actor: Actor,
  publicUrl: string,
  selection: readonly string[] | undefined,
  now: Date,
) {
  const rows = await handOut(tx, 'csv', selection, now);
  await recordAudit(tx, customerId, actor, 'links.exported', null, { method: 'csv', count: rows.length });
  return {
    filename: `enrollment-links-${now.toISOString().slice(0, 10)}.csv`,
    csv: toCsv([['name', 'email', 'link'], ...rows.map((r) => [r.name, r.email, enrollmentUrl(publicUrl, r.token)])]),
    count: rows.length,
  };
}

export async function qrSheet(
  tx: Tx,
  customerId: string,
  actor: Actor,
  publicUrl: string,
  selection: readonly string[] | undefined,
  now: Date,
) {
  const rows = await handOut(tx, 'qr', selection, now);
  const { name } = await customerFacts(tx, customerId);
  await recordAudit(tx, customerId, actor, 'links.qr_sheet', null, { method: 'qr', count: rows.length });
  const earliest = rows.reduce<Date | null>((min, r) => (!min || r.expiresAt < min ? r.expiresAt : min), null);
  return {
    customerName: name,
    expiresAt: earliest?.toISOString() ?? null,
    entries: rows.map((r) => {
      const url = enrollmentUrl(publicUrl, r.token);
      return { employeeId: r.employeeId, name: r.name, url, shortUrl: url.replace(/^https?:\/\//, '') };
    }),
  };
}

/**
 * "Resend to pending": everyone current who has not responded gets a fresh link (the old one is superseded, so it no
 * longer opens) by email. A retry with the same `requestId` does not reissue; it only finishes sending what is unsent.
 */
export async function resendToPending(
  services: Services,
  inTenant: InTenant,
  customerId: string,
  actor: Actor,
  requestId: string,
  now: Date,
) {
  const reissued = await inTenant(async (tx) => {
    await lockRoster(tx, customerId);
    const [done] = await tx
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'links.resent'), sql`${auditLog.details}->>'requestId' = ${requestId}`));
    if (done) return Number(done.details.reissued ?? 0);
    const pending = (await loadPersonLinks(tx, now)).filter((p) => p.status !== 'responded').map((p) => p.employeeId);
    await issueEnrollmentLinks(tx, customerId, pending, now);
    await recordAudit(tx, customerId, actor, 'links.resent', null, { requestId, reissued: pending.length });
    return pending.length;
  });
  return { reissued, ...(await distributeByEmail(services, inTenant, customerId, actor, undefined, now)) };
}
