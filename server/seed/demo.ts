/**
 * Demo data for `npm start`: customer "Acme" with 25 employees across 4 departments and 3 locations, two months
 * into its rollout, with 10,000+ communications of its consenting employees for Signal. Seeded only into an empty
 * database; on every start, three unused enrollment links are printed (reissued when expired).
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { CHANNELS } from '../../shared/channels.ts';
import { createLogin, sessionUserByEmail } from '../auth/auth.ts';
import type { AppServices } from '../context.ts';
import type { DbHandle, Tx } from '../db/client.ts';
import { customers, employeeConsent, employees, enrollmentLinks, USER_ROLES, type UserRole } from '../db/schema.ts';
import { listTenantIds, withTenant, withTokenTenant } from '../db/tenant.ts';
import { getEnrollment, recordNoticeShown, submitEnrollment } from '../services/enrollment.ts';
import { ceoAccessOf, closeSession, setSessionDate, startSession, updateChecklistItem } from '../services/onboarding.ts';
import { CHECKLIST_KEYS } from '../../shared/onboarding.ts';
import { storeCommunications, STORE_BATCH, type IncomingCommunication } from '../services/communications.ts';
import { addEmployees, createCustomer, recordCustomerUser, type NewEmployee } from '../services/customers.ts';
import { enrollmentPath, issueEnrollmentLinks, linkState } from '../services/enrollment-links.ts';
import { generateCommunications } from './communications-generator.ts';

const DEPARTMENTS = ['Sales', 'Engineering', 'Operations', 'Finance'] as const;
const LOCATIONS = ['New York', 'London', 'Austin'] as const;
const PEOPLE: ReadonlyArray<[string, string]> = [
  ['Maya Chen', 'Account Executive'],
  ['Daniel Okafor', 'Sales Director'],
  ['Sofia Martínez', 'Account Manager'],
  ['Liam O’Brien', 'Sales Engineer'],
  ['Aisha Rahman', 'Business Development'],
  ['Noah Williams', 'Account Executive'],
  ['Priya Patel', 'Staff Engineer'],
  ['Lukas Becker', 'Backend Engineer'],
  ['Chloé Dubois', 'Frontend Engineer'],
  ['Kenji Watanabe', 'Engineering Manager'],
  ['Fatima Zahra', 'Data Engineer'],
  ['Ethan Brooks', 'QA Engineer'],
  ['Olivia Johnson', 'Site Reliability Engineer'],
  ['Mateo Rossi', 'Operations Manager'],
  ['Hannah Schmidt', 'Logistics Coordinator'],
  ['Omar Haddad', 'Customer Success Lead'],
  ['Grace Kim', 'Support Specialist'],
  ['Lucas Silva', 'Procurement Analyst'],
  ['Emma Thompson', 'Office Manager'],
  ['Youssef Benali', 'Controller'],
  ['Isabella García', 'Financial Analyst'],
  ['James Carter', 'CFO'],
  ['Zoe Nguyen', 'Accountant'],
  ['Samuel Levi', 'Payroll Specialist'],
  ['Amara Diallo', 'FP&A Manager'],
];

const email = (name: string) =>
  `${name
    .normalize('NFD')
    .replace(/[\u0300-\u036f’']/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')}@acme.example`;

export function demoRoster(): NewEmployee[] {
  return PEOPLE.map(([displayName, role], i) => ({
    displayName,
    email: email(displayName),
    role,
    department: DEPARTMENTS[Math.min(Math.floor(i / 6.25), 3)]!,
    location: LOCATIONS[i % LOCATIONS.length]!,
    platformIds: {
      slack: `@${displayName.split(' ')[0]!.toLowerCase()}`,
      phone: `+1 555 01${String(i).padStart(2, '0')}`,
    },
  }));
}

export const DEMO_CUSTOMER = {
  name: 'Acme',
  ceoName: 'Jordan Avery',
  outputLanguage: 'en',
  channels: [...CHANNELS],
  contactEmail: 'it-admin@acme.example',
};

async function findDemoCustomerId(db: DbHandle): Promise<string | null> {
  for (const id of await listTenantIds(db)) {
    const [row] = await withTenant(db, id, (tx) =>
      tx.select({ name: customers.name }).from(customers).where(eq(customers.id, id)),
    );
    if (row?.name === DEMO_CUSTOMER.name) return id;
  }
  return null;
}

export type DemoLink = { displayName: string; path: string };

/**
 * The demo looks two months into the rollout: links went out 60 days ago, 21 of the 25 people answered within the
 * first days (four in each department at least five), and Signal has the communications since then.
 */
const DEMO_LINKS_AGE_MS = 60 * 24 * 60 * 60 * 1000;
/** Roster positions (one per department) who have not answered yet: the printed open links are theirs. */
const DEMO_PENDING = new Set([0, 7, 13, 19]);
const ANSWER_SPACING_MS = 5 * 60 * 60 * 1000;
/** At least 10,000 stored communications (issue 4), generated from when the last person answered until now. */
const DEMO_COMMUNICATIONS = 10_500;
const DEMO_SEED = 4242;
/** Who writes in another language than English (the rest of Acme writes English). */
const DEMO_LANGUAGES: Record<string, string> = {
  'Sofia Martínez': 'es',
  'Isabella García': 'es',
  'Chloé Dubois': 'fr',
  'Hannah Schmidt': 'de',
  'Kenji Watanabe': 'ja',
};

/** Enrolls people through the same service path as the employee app, with varied but repeatable choices. */
async function enrollSomeDemoEmployees(db: DbHandle, links: { token: string }[], now: Date) {
  const sentAt = now.getTime() - DEMO_LINKS_AGE_MS;
  for (const [i, link] of links.entries()) {
    await withTokenTenant(db, 'enroll', link.token, async (tx, owner) => {
      const answeredAt = new Date(sentAt + (i + 1) * ANSWER_SPACING_MS);
      const view = await getEnrollment(tx, owner!, link.token, 'en', answeredAt);
      await recordNoticeShown(tx, owner!, link.token, view.notice.versionId, answeredAt);
      await submitEnrollment(
        tx,
        owner!,
        link.token,
        {
          idempotencyKey: randomUUID(),
          noticeVersionId: view.notice.versionId,
          language: 'en',
          identity: view.identity,
          // About one channel in four refused, so every channel keeps well over five consenting people.
          choices: view.channels.map((channel, c) => ({ channel, decision: (i + c) % 4 === 0 ? 'deny' : 'grant' })),
          acknowledged: true,
        },
        { ipAddress: '192.0.2.10', userAgent: 'demo seed' },
        answeredAt,
      );
    });
  }
  return new Date(sentAt + links.length * ANSWER_SPACING_MS);
}

/**
 * Signal's demo data: communications of the consenting employees on the channels each allowed, from the shared
 * generator, stored through storeCommunications like a connector's batches.
 */
async function seedDemoCommunications(db: DbHandle, customerId: string, since: Date, now: Date) {
  const people = await withTenant(db, customerId, (tx) =>
    tx
      .select({
        email: employees.email,
        displayName: employees.displayName,
        department: employees.department,
        channels: employeeConsent.channelsConsented,
      })
      .from(employees)
      .innerJoin(employeeConsent, eq(employeeConsent.employeeId, employees.id))
      .orderBy(employees.email),
  );
  const days = Math.max(1, Math.floor((now.getTime() - since.getTime()) / 86_400_000));
  const writers = people.map((p) => ({ ...p, language: DEMO_LANGUAGES[p.displayName] ?? 'en' }));
  const records = generateCommunications({ seed: DEMO_SEED, people: writers, count: DEMO_COMMUNICATIONS, end: now, days, idPrefix: 'demo' });
  let batch: IncomingCommunication[] = [];
  const flush = () => withTenant(db, customerId, (tx) => storeCommunications(tx, customerId, batch, now));
  for (const record of records) {
    batch.push(record);
    if (batch.length === STORE_BATCH) {
      await flush();
      batch = [];
    }
  }
  if (batch.length > 0) await flush();
}
export type DemoLogin = { role: UserRole; email: string };

export const DEMO_LOGINS = {
  operator: { email: 'operator@panops.example', name: 'Riley Operator' },
  admin: { email: 'admin@acme.example', name: 'Casey Admin' },
  ceo: { email: 'ceo@acme.example', name: DEMO_CUSTOMER.ceoName },
} as const;

/**
 * The onboarding as the demo operator ran it yesterday: checklist confirmed, session held and closed just before the
 * links went out (so the post-onboarding checks are scheduled), through the same services as the portal.
 */
async function runDemoSession(services: AppServices, customerId: string, now: Date) {
  const operator = await sessionUserByEmail(services.auth, DEMO_LOGINS.operator.email);
  if (!operator) return;
  const actor = { user: operator, meta: { ipAddress: null, userAgent: 'demo seed' } };
  const closedAt = new Date(now.getTime() - DEMO_LINKS_AGE_MS);
  const startedAt = new Date(closedAt.getTime() - 60 * 60 * 1000);
  const ceo = await ceoAccessOf(services.db, customerId);
  await withTenant(services.db, customerId, async (tx) => {
    await setSessionDate(tx, customerId, actor, startedAt.toISOString().slice(0, 10), startedAt);
    for (const item of CHECKLIST_KEYS) {
      await updateChecklistItem(tx, customerId, actor, { item, status: 'confirmed', note: null }, startedAt);
    }
    await startSession(tx, customerId, actor, startedAt, ceo);
    await closeSession(tx, customerId, actor, closedAt, ceo);
  });
}

/** One login per role (operator across customers; admin and CEO of Acme), created when missing. */
async function ensureDemoLogins(services: AppServices, customerId: string, password: string, now: Date) {
  const logins: DemoLogin[] = [];
  for (const role of USER_ROLES) {
    const { email, name } = DEMO_LOGINS[role];
    const login = await createLogin(services.auth, {
      email,
      name,
      role,
      customerId: role === 'operator' ? null : customerId,
      password,
    });
    if (login.created && role !== 'operator') {
      await withTenant(services.db, customerId, (tx) =>
        recordCustomerUser(tx, { userId: login.id, customerId, role, email, name, invitedAt: now }),
      );
    }
    logins.push({ role, email });
  }
  return logins;
}

export async function ensureDemo(
  services: AppServices,
  opts: { now: Date; password: string },
): Promise<{ created: boolean; links: DemoLink[]; logins: DemoLogin[] }> {
  const { db } = services;
  const { now } = opts;
  let created = false;
  let customerId = await findDemoCustomerId(db);
  if (!customerId && (await listTenantIds(db)).length === 0) {
    customerId = (await createCustomer(db, DEMO_CUSTOMER)).id;
    const links = await withTenant(db, customerId, async (tx) => {
      const people = await addEmployees(tx, customerId!, demoRoster());
      const issued = await issueEnrollmentLinks(
        tx,
        customerId!,
        people.map((p) => p.id),
        new Date(now.getTime() - DEMO_LINKS_AGE_MS),
      );
      await tx
        .update(enrollmentLinks)
        .set({ sentAt: new Date(now.getTime() - DEMO_LINKS_AGE_MS), sentVia: 'email' })
        .where(eq(enrollmentLinks.customerId, customerId!));
      return issued;
    });
    const answered = links.filter((_, i) => !DEMO_PENDING.has(i));
    const lastAnswer = await enrollSomeDemoEmployees(db, answered, now);
    await seedDemoCommunications(db, customerId, lastAnswer, now);
    created = true;
  }
  if (!customerId) return { created, links: [], logins: [] };
  const links = await withTenant(db, customerId, (tx) => threeOpenLinks(tx, customerId!, now));
  const logins = await ensureDemoLogins(services, customerId, opts.password, now);
  if (created) await runDemoSession(services, customerId, now);
  return { created, links, logins };
}

/** Three employees who have not enrolled yet, each with a link that works now. */
async function threeOpenLinks(tx: Tx, customerId: string, now: Date) {
  const pending = await tx
    .select({ id: employees.id, displayName: employees.displayName })
    .from(employees)
    .leftJoin(employeeConsent, eq(employeeConsent.employeeId, employees.id))
    .where(isNull(employeeConsent.employeeId))
    .orderBy(employees.createdAt, employees.email)
    .limit(3);
  if (pending.length === 0) return [];
  const ids = pending.map((p) => p.id);
  const existing = await tx
    .select()
    .from(enrollmentLinks)
    .where(and(inArray(enrollmentLinks.employeeId, ids), eq(enrollmentLinks.status, 'active')));
  const usable = new Map(existing.filter((l) => linkState(l, now) === 'active').map((l) => [l.employeeId, l.token]));
  const missing = ids.filter((id) => !usable.has(id));
  for (const link of await issueEnrollmentLinks(tx, customerId, missing, now)) usable.set(link.employeeId, link.token);
  return pending.map((p) => ({ displayName: p.displayName, path: enrollmentPath(usable.get(p.id)!) }));
}
