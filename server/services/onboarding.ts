/**
 * Onboarding portal items 2 and 3: the pre-onboarding checklist (seed 000 "Pre-Onboarding IT Requirements") and
 * the session tracker (seed 000 "Onboarding Session Flow"). Steps the system can see are computed from the tenant's
 * data on every read, never stored, so they can never disagree with it; the operator's marks are stored with a reason.
 */
import { and, count, eq, isNull, min, sql } from 'drizzle-orm';
import type { z } from 'zod';
import {
  checklistSendWindow,
  instantOfIsoDate,
  isoDateOf,
  sendStatus,
  type IsoDate,
} from '../../shared/business-days.ts';
import { CHECKLIST_ITEMS, SESSION_STEPS, SESSION_TOTAL_MINUTES, type StepCondition } from '../../shared/onboarding.ts';
import type {
  TChecklist,
  TChecklistItem,
  TSession,
  TSessionStep,
  ZSessionActionInput,
  ZStepMarkInput,
  ZUpdateChecklistItemInput,
} from '../../shared/schemas/onboarding.ts';
import type { AppServices } from '../context.ts';
import type { DbHandle, Tx } from '../db/client.ts';
import {
  authAccounts,
  authSessions,
  authUsers,
  checklistItems,
  customers,
  customerUsers,
  employees,
  enrollmentLinks,
  onboardingSessions,
  postOnboardingChecks,
  sessionStepMarks,
} from '../db/schema.ts';
import { sessionUserByEmail } from '../auth/auth.ts';
import { AppError } from '../errors.ts';
import { emailLanguage, onboardingTexts, renderEmail } from '../mail/templates.ts';
import { recordAudit, type Actor } from './audit.ts';
import { sendTenantEmail } from './email.ts';
import { schedulePostOnboardingChecks } from './post-checks.ts';

type InTenant = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

async function sessionRow(tx: Tx, customerId: string) {
  const [row] = await tx.select().from(onboardingSessions).where(eq(onboardingSessions.customerId, customerId));
  if (!row) throw new AppError('NOT_FOUND');
  return row;
}

/* ------------------------------------------------------------------------------------------- checklist */

/** The customer's admin logins; with none, the customer's contact email; possibly nobody. */
async function checklistRecipients(tx: Tx, customerId: string): Promise<string[]> {
  const admins = await tx
    .select({ email: customerUsers.email })
    .from(customerUsers)
    .where(and(eq(customerUsers.customerId, customerId), eq(customerUsers.role, 'admin')))
    .orderBy(customerUsers.invitedAt);
  if (admins.length > 0) return [...new Set(admins.map((a) => a.email))];
  const [customer] = await tx
    .select({ contactEmail: customers.contactEmail })
    .from(customers)
    .where(eq(customers.id, customerId));
  return customer?.contactEmail ? [customer.contactEmail] : [];
}

export async function getChecklist(tx: Tx, customerId: string, now: Date): Promise<TChecklist> {
  const session = await sessionRow(tx, customerId);
  const rows = await tx.select().from(checklistItems).where(eq(checklistItems.customerId, customerId));
  const byKey = new Map(rows.map((r) => [r.item, r]));
  const items: TChecklistItem[] = CHECKLIST_ITEMS.map((def) => {
    const row = byKey.get(def.key);
    return {
      key: def.key,
      platform: def.platform,
      who: def.who,
      status: row?.status ?? 'pending',
      note: row?.note ?? null,
      updatedAt: iso(row?.updatedAt),
      updatedBy: row?.updatedBy ?? null,
      fix: def.fix,
    };
  });
  const sessionDate = session.scheduledFor ? isoDateOf(session.scheduledFor) : null;
  const sendWindow = sessionDate ? checklistSendWindow(sessionDate) : null;
  const blocking = items.filter((i) => i.status !== 'confirmed');
  return {
    sessionDate,
    sendWindow,
    sendStatus: sendStatus(sendWindow, isoDateOf(now), session.checklistSentAt !== null),
    checklistSentAt: iso(session.checklistSentAt),
    recipients: await checklistRecipients(tx, customerId),
    items,
    ready: blocking.length === 0,
    blocking,
  };
}

export async function setSessionDate(tx: Tx, customerId: string, actor: Actor, sessionDate: IsoDate | null, now: Date) {
  const session = await sessionRow(tx, customerId);
  const previous = session.scheduledFor ? isoDateOf(session.scheduledFor) : null;
  if (previous !== sessionDate) {
    await tx
      .update(onboardingSessions)
      .set({ scheduledFor: sessionDate ? instantOfIsoDate(sessionDate) : null })
      .where(eq(onboardingSessions.customerId, customerId));
    await recordAudit(tx, customerId, actor, 'checklist.session_date_set', sessionDate, { sessionDate, previous });
  }
  return getChecklist(tx, customerId, now);
}

/** A retry with the same status and note changes nothing and writes no second audit entry. */
export async function updateChecklistItem(
  tx: Tx,
  customerId: string,
  actor: Actor,
  input: z.output<typeof ZUpdateChecklistItemInput>,
  now: Date,
) {
  const [current] = await tx
    .select()
    .from(checklistItems)
    .where(and(eq(checklistItems.customerId, customerId), eq(checklistItems.item, input.item)));
  if (!current || current.status !== input.status || current.note !== input.note) {
    const change = { status: input.status, note: input.note, updatedAt: now, updatedBy: actor.user.email };
    await tx
      .insert(checklistItems)
      .values({ customerId, item: input.item, ...change })
      .onConflictDoUpdate({ target: [checklistItems.customerId, checklistItems.item], set: change });
    await recordAudit(tx, customerId, actor, 'checklist.item_updated', input.item, {
      status: input.status,
      previousStatus: current?.status ?? null,
      note: input.note,
    });
  }
  return getChecklist(tx, customerId, now);
}

/** A calendar date written out in the email's language. */
function longDate(date: IsoDate, language: string) {
  return new Intl.DateTimeFormat(language, { dateStyle: 'full', timeZone: 'UTC' }).format(instantOfIsoDate(date));
}

function checklistEmailItems(checklist: TChecklist, language: string) {
  const t = onboardingTexts(language);
  return checklist.items
    .map((item, index) => {
      const line = t('checklist.email.line', {
        number: String(index + 1),
        title: t(`checklist.items.${item.key}.title`),
        platform: t(`checklist.items.${item.key}.platform`),
        who: t(`checklist.items.${item.key}.who`),
        action: t(`checklist.items.${item.key}.action`),
        status: t(`checklist.status.${item.status}`),
      });
      return item.note ? `${line}\n${t('checklist.email.note', { note: item.note })}` : line;
    })
    .join('\n\n');
}

/**
 * Emails the checklist to the customer admin, in each recipient's own language when their login has one, else the
 * customer's. Each message is sent and logged in its own short transaction (no transaction is held open while SMTP
 * talks); the sent stamp and the audit entry follow once at least one message went out.
 */
export async function emailChecklist(
  services: Omit<AppServices, 'db'>,
  inTenant: InTenant,
  customerId: string,
  actor: Actor,
  now: Date,
) {
  const { checklist, customer } = await inTenant(async (tx) => {
    const [customer] = await tx.select().from(customers).where(eq(customers.id, customerId));
    if (!customer) throw new AppError('NOT_FOUND');
    return { checklist: await getChecklist(tx, customerId, now), customer };
  });
  if (checklist.recipients.length === 0) throw new AppError('NO_RECIPIENT');
  if (!checklist.sessionDate || !checklist.sendWindow) throw new AppError('SESSION_DATE_MISSING');
  const { sessionDate, sendWindow } = checklist;
  const language = emailLanguage(customer.outputLanguage);
  const rendered = new Map<string, ReturnType<typeof renderEmail>>();
  const messageIn = (lng: string) => {
    let message = rendered.get(lng);
    if (!message) {
      message = renderEmail('checklist', lng, {
        company: customer.name,
        sessionDate: longDate(sessionDate, lng),
        sendBy: longDate(sendWindow.latest, lng),
        items: checklistEmailItems(checklist, lng),
      });
      rendered.set(lng, message);
    }
    return message;
  };
  const messages: { to: string; status: 'sent' | 'outbox' | 'failed'; language: string }[] = [];
  for (const to of checklist.recipients) {
    // The contact email may have no login; an admin's login may carry the language they were invited in.
    const own = (await sessionUserByEmail(services.auth, to))?.language;
    const lng = emailLanguage(own ?? customer.outputLanguage);
    const { status } = await inTenant((tx) =>
      sendTenantEmail(tx, services.mailer, customerId, 'checklist', { to, ...messageIn(lng) }),
    );
    messages.push({ to, status, language: lng });
  }
  if (messages.every((m) => m.status === 'failed')) throw new AppError('EMAIL_FAILED');
  await inTenant(async (tx) => {
    await tx.update(onboardingSessions).set({ checklistSentAt: now }).where(eq(onboardingSessions.customerId, customerId));
    await recordAudit(tx, customerId, actor, 'checklist.emailed', messages.map((m) => m.to).join(', '), {
      messages,
      sessionDate: checklist.sessionDate,
      language,
    });
  });
  return { checklistSentAt: now.toISOString(), messages };
}

/* ------------------------------------------------------------------------------------------- session tracker */

type SystemView = TSessionStep['system'];
const NOT_MET: SystemView = { met: false, at: null, counts: null };
const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : null);

/**
 * Step 7 "CEO access" is done when a CEO can get in: their login has a password (set from the invitation) or has
 * signed in — an invitation alone is not access. That lives in the sign-in tables, which only the auth connection
 * reads (ADR 0005), so it is read before the tenant transaction opens (on PGlite both share one connection).
 */
export type CeoAccess = { withAccess: number; since: string | null };

export async function ceoAccessOf(db: DbHandle, customerId: string): Promise<CeoAccess> {
  const rows = await db.authDb
    .select({
      passwordSet: sql<Date | string | null>`min(${authAccounts.createdAt}) filter (where ${authAccounts.password} is not null)`,
      signedIn: sql<Date | string | null>`(select min(${authSessions.createdAt}) from ${authSessions} where ${authSessions.userId} = ${authUsers.id})`,
    })
    .from(authUsers)
    .leftJoin(authAccounts, and(eq(authAccounts.userId, authUsers.id), eq(authAccounts.providerId, 'credential')))
    .where(and(eq(authUsers.customerId, customerId), eq(authUsers.role, 'ceo')))
    .groupBy(authUsers.id);
  const since = rows
    .map((r) => [asDate(r.passwordSet), asDate(r.signedIn)].filter((d): d is Date => d !== null))
    .filter((dates) => dates.length > 0)
    .map((dates) => Math.min(...dates.map((d) => d.getTime())));
  return { withAccess: since.length, since: since.length > 0 ? new Date(Math.min(...since)).toISOString() : null };
}

/** What the tenant's data (and the CEO logins' access) says about each system condition. */
async function systemConditions(
  tx: Tx,
  customerId: string,
  ceoAccess: CeoAccess,
): Promise<Record<NonNullable<StepCondition>, SystemView>> {
  const [[customer], [staff], [links], [ceos]] = await Promise.all([
    tx.select({ createdAt: customers.createdAt }).from(customers).where(eq(customers.id, customerId)),
    tx
      .select({ n: count(), first: min(employees.createdAt) })
      .from(employees)
      .where(and(eq(employees.customerId, customerId), isNull(employees.leftAt))),
    tx
      .select({ n: count(), first: min(enrollmentLinks.createdAt) })
      .from(enrollmentLinks)
      .where(eq(enrollmentLinks.customerId, customerId)),
    tx
      .select({ n: count() })
      .from(customerUsers)
      .where(and(eq(customerUsers.customerId, customerId), eq(customerUsers.role, 'ceo'))),
  ]);
  if (!customer) throw new AppError('NOT_FOUND');
  const employeesN = staff?.n ?? 0;
  const linksN = links?.n ?? 0;
  const ceosN = ceos?.n ?? 0;
  const rosterAndLinks = employeesN > 0 && linksN > 0;
  const ceoIn = ceoAccess.withAccess > 0;
  return {
    customer_created: { met: true, at: customer.createdAt.toISOString(), counts: null },
    links_generated: {
      met: rosterAndLinks,
      at: rosterAndLinks ? iso(later(asDate(staff?.first), asDate(links?.first))) : null,
      counts: { employees: employeesN, links: linksN },
    },
    ceo_login: { met: ceoIn, at: ceoIn ? ceoAccess.since : null, counts: { ceos: ceosN, withAccess: ceoAccess.withAccess } },
    // No connector exists in PanOps yet: connector steps are never met by the system.
    connectors: NOT_MET,
  };
}

/** Aggregates come back as Date from one driver and as text from another. */
function asDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}

export async function getSession(tx: Tx, customerId: string, now: Date, ceoAccess: CeoAccess): Promise<TSession> {
  const session = await sessionRow(tx, customerId);
  const [conditions, marks, [checks], checklist] = await Promise.all([
    systemConditions(tx, customerId, ceoAccess),
    tx.select().from(sessionStepMarks).where(eq(sessionStepMarks.customerId, customerId)),
    tx.select({ n: count() }).from(postOnboardingChecks).where(eq(postOnboardingChecks.customerId, customerId)),
    getChecklist(tx, customerId, now),
  ]);
  const markOf = new Map(marks.map((m) => [m.step, m]));
  const steps: TSessionStep[] = SESSION_STEPS.map((def) => {
    const system = def.auto ? conditions[def.auto] : NOT_MET;
    const markRow = markOf.get(def.step);
    const mark = markRow ? { doneAt: markRow.doneAt.toISOString(), doneBy: markRow.doneBy, reason: markRow.reason } : null;
    const base = {
      step: def.step,
      minutes: def.minutes,
      auto: def.auto,
      connectorStatus: def.auto === 'connectors' ? ('not_connected' as const) : null,
      system,
      mark,
    };
    if (def.step === 8) {
      // "Confirm and close" is done by closing the session.
      return { ...base, done: session.closedAt !== null, doneAt: iso(session.closedAt), doneBy: session.closedAt ? 'close' : null };
    }
    if (system.met) return { ...base, done: true, doneAt: system.at, doneBy: 'system' };
    if (mark) return { ...base, done: true, doneAt: mark.doneAt, doneBy: 'operator' };
    return { ...base, done: false, doneAt: null, doneBy: null };
  });
  return {
    scheduledFor: session.scheduledFor ? isoDateOf(session.scheduledFor) : null,
    startedAt: iso(session.startedAt),
    closedAt: iso(session.closedAt),
    serverNow: now.toISOString(),
    totalMinutes: SESSION_TOTAL_MINUTES,
    connectorsAvailable: false,
    steps,
    postChecksScheduled: checks?.n ?? 0,
    checklistReady: checklist.ready,
    checklistBlocking: checklist.blocking.map((i) => i.key),
    startedNotReady: session.startedNotReadyReason,
    closedNotReady: session.closedNotReadyReason,
  };
}

/**
 * Starting or closing while the checklist is not ready needs a reason, recorded on the session and in the audit log
 * with the items that were not confirmed; a ready checklist needs none.
 */
async function readinessOverride(tx: Tx, customerId: string, now: Date, input: SessionActionInput) {
  const checklist = await getChecklist(tx, customerId, now);
  if (checklist.ready) return { checklistReady: true as const, reason: null, blocking: [] as string[] };
  if (!input?.notReadyReason) throw new AppError('CHECKLIST_NOT_READY');
  return { checklistReady: false as const, reason: input.notReadyReason, blocking: checklist.blocking.map((i) => i.key) };
}

type SessionActionInput = z.output<typeof ZSessionActionInput>;

/** Starts the clock; starting again keeps the first start (and asks for nothing). */
export async function startSession(
  tx: Tx,
  customerId: string,
  actor: Actor,
  now: Date,
  ceoAccess: CeoAccess,
  input: SessionActionInput = undefined,
) {
  const session = await sessionRow(tx, customerId);
  if (!session.startedAt) {
    const readiness = await readinessOverride(tx, customerId, now, input);
    const started = await tx
      .update(onboardingSessions)
      .set({ startedAt: now, startedNotReadyReason: readiness.reason })
      .where(and(eq(onboardingSessions.customerId, customerId), isNull(onboardingSessions.startedAt)))
      .returning({ startedAt: onboardingSessions.startedAt });
    if (started.length > 0) await recordAudit(tx, customerId, actor, 'session.started', null, readiness);
  }
  return getSession(tx, customerId, now, ceoAccess);
}

async function refuseIfClosed(tx: Tx, customerId: string) {
  const session = await sessionRow(tx, customerId);
  if (session.closedAt) throw new AppError('SESSION_CLOSED');
}

/** A second mark of the same step keeps the first one (and its reason). */
export async function markStep(
  tx: Tx,
  customerId: string,
  actor: Actor,
  input: z.output<typeof ZStepMarkInput>,
  now: Date,
  ceoAccess: CeoAccess,
) {
  await refuseIfClosed(tx, customerId);
  const inserted = await tx
    .insert(sessionStepMarks)
    .values({ customerId, step: input.step, doneAt: now, doneBy: actor.user.email, reason: input.reason })
    .onConflictDoNothing()
    .returning({ step: sessionStepMarks.step });
  if (inserted.length > 0) {
    await recordAudit(tx, customerId, actor, 'session.step_marked', `step ${input.step}`, {
      step: input.step,
      reason: input.reason,
    });
  }
  return getSession(tx, customerId, now, ceoAccess);
}

export async function unmarkStep(
  tx: Tx,
  customerId: string,
  actor: Actor,
  input: z.output<typeof ZStepMarkInput>,
  now: Date,
  ceoAccess: CeoAccess,
) {
  await refuseIfClosed(tx, customerId);
  const removed = await tx
    .delete(sessionStepMarks)
    .where(and(eq(sessionStepMarks.customerId, customerId), eq(sessionStepMarks.step, input.step)))
    .returning();
  const previous = removed[0];
  if (previous) {
    await recordAudit(tx, customerId, actor, 'session.step_unmarked', `step ${input.step}`, {
      step: input.step,
      reason: input.reason,
      markedBy: previous.doneBy,
      markReason: previous.reason,
    });
  }
  return getSession(tx, customerId, now, ceoAccess);
}

/**
 * Step 8: closes the session and schedules the post-onboarding checks in the same transaction. Only the first close
 * stamps closedAt (the conditional update also settles two concurrent closes); a repeat changes nothing.
 */
export async function closeSession(
  tx: Tx,
  customerId: string,
  actor: Actor,
  now: Date,
  ceoAccess: CeoAccess,
  input: SessionActionInput = undefined,
) {
  const session = await sessionRow(tx, customerId);
  if (!session.startedAt) throw new AppError('SESSION_NOT_STARTED');
  if (session.closedAt) return getSession(tx, customerId, now, ceoAccess);
  const readiness = await readinessOverride(tx, customerId, now, input);
  const closed = await tx
    .update(onboardingSessions)
    .set({ closedAt: now, closedNotReadyReason: readiness.reason })
    .where(and(eq(onboardingSessions.customerId, customerId), isNull(onboardingSessions.closedAt)))
    .returning({ closedAt: onboardingSessions.closedAt });
  const closedAt = closed[0]?.closedAt;
  if (closedAt) await schedulePostOnboardingChecks(tx, customerId, closedAt);
  const view = await getSession(tx, customerId, now, ceoAccess);
  if (closedAt) {
    await recordAudit(tx, customerId, actor, 'session.closed', null, {
      openSteps: view.steps.filter((s) => !s.done).map((s) => s.step),
      ...readiness,
    });
  }
  return view;
}
