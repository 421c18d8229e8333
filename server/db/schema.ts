/**
 * Drizzle schema. Every tenant table carries `customer_id` and a row-level-security policy that compares it with
 * the transaction-local setting `app.customer_id` (see server/db/tenant.ts). FORCE, grants, roles and the narrow
 * token resolver live in the hand-written migration drizzle/0001_security.sql because drizzle-kit emits none of them.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { Channel, ConsentDecision } from '../../shared/channels.ts';

/** `nullif` because once set in a session the setting reads back as '' (not NULL) after the transaction ends. */
export const currentTenant = sql`nullif(current_setting('app.customer_id', true), '')::uuid`;

function tenantPolicy(table: string, column: AnyPgColumn | SQL) {
  return pgPolicy(`${table}_tenant_isolation`, {
    as: 'permissive',
    for: 'all',
    to: 'public',
    using: sql`${column} = ${currentTenant}`,
    withCheck: sql`${column} = ${currentTenant}`,
  });
}

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export type PlatformIdentifiers = Partial<Record<'slack' | 'teams' | 'zoom' | 'phone', string>>;

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey(),
    name: varchar('name', { length: 200 }).notNull(),
    ceoName: varchar('ceo_name', { length: 200 }).notNull(),
    outputLanguage: varchar('output_language', { length: 2 }).notNull(),
    channels: jsonb('channels').$type<Channel[]>().notNull(),
    contactEmail: varchar('contact_email', { length: 320 }),
    createdAt: createdAt(),
  },
  (t) => [tenantPolicy('customers', t.id)],
);

export const employees = pgTable(
  'employees',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    email: varchar('email', { length: 320 }).notNull(),
    displayName: varchar('display_name', { length: 200 }).notNull(),
    location: varchar('location', { length: 200 }),
    role: varchar('role', { length: 200 }),
    department: varchar('department', { length: 200 }),
    platformIds: jsonb('platform_ids').$type<PlatformIdentifiers>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('employees_customer_email_ci').on(t.customerId, sql`lower(${t.email})`),
    tenantPolicy('employees', t.customerId),
  ],
);

export const ENROLLMENT_LINK_STATUSES = ['active', 'used', 'superseded'] as const;
export type EnrollmentLinkStatus = (typeof ENROLLMENT_LINK_STATUSES)[number];

export const enrollmentLinks = pgTable(
  'enrollment_links',
  {
    token: uuid('token').primaryKey(),
    employeeId: uuid('employee_id')
      .notNull()
      .references(() => employees.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    usedAt: timestamp('used_at', { withTimezone: true }),
    status: text('status').$type<EnrollmentLinkStatus>().notNull().default('active'),
  },
  (t) => [
    index('enrollment_links_customer_employee').on(t.customerId, t.employeeId),
    tenantPolicy('enrollment_links', t.customerId),
  ],
);

/** The durable secret behind "manage my consent"; only its SHA-256 is stored. */
export const consentManageTokens = pgTable(
  'consent_manage_tokens',
  {
    tokenHash: varchar('token_hash', { length: 64 }).primaryKey(),
    employeeId: uuid('employee_id')
      .notNull()
      .references(() => employees.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    index('consent_manage_tokens_employee').on(t.customerId, t.employeeId),
    tenantPolicy('consent_manage_tokens', t.customerId),
  ],
);

export const consentNotices = pgTable(
  'consent_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    slug: varchar('slug', { length: 100 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('consent_notices_customer_slug').on(t.customerId, t.slug),
    tenantPolicy('consent_notices', t.customerId),
  ],
);

/** Immutable: a new text is a new row, an identical text reuses the existing version (content_hash). */
export const consentNoticeVersions = pgTable(
  'consent_notice_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => consentNotices.id),
    language: varchar('language', { length: 2 }).notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    contentHash: varchar('content_hash', { length: 64 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('consent_notice_versions_notice_lang_version').on(t.noticeId, t.language, t.version),
    uniqueIndex('consent_notice_versions_notice_lang_hash').on(t.noticeId, t.language, t.contentHash),
    tenantPolicy('consent_notice_versions', t.customerId),
  ],
);

/** "Shown" is logged separately from "decided", so the exact text a person read is on record. */
export const noticeViews = pgTable(
  'notice_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    employeeId: uuid('employee_id')
      .notNull()
      .references(() => employees.id),
    noticeVersionId: uuid('notice_version_id')
      .notNull()
      .references(() => consentNoticeVersions.id),
    language: varchar('language', { length: 2 }).notNull(),
    shownAt: timestamp('shown_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notice_views_employee').on(t.customerId, t.employeeId),
    tenantPolicy('notice_views', t.customerId),
  ],
);

/** Append-only ledger, hash-chained per employee. The app role holds INSERT and SELECT only. */
export const consentEvents = pgTable(
  'consent_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    employeeId: uuid('employee_id')
      .notNull()
      .references(() => employees.id),
    seq: integer('seq').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    decision: text('decision').$type<ConsentDecision>().notNull(),
    noticeVersionId: uuid('notice_version_id')
      .notNull()
      .references(() => consentNoticeVersions.id),
    language: varchar('language', { length: 2 }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    ipAddress: varchar('ip_address', { length: 64 }),
    userAgent: varchar('user_agent', { length: 512 }),
    idempotencyKey: varchar('idempotency_key', { length: 100 }).notNull(),
    prevHash: varchar('prev_hash', { length: 64 }).notNull(),
    hash: varchar('hash', { length: 64 }).notNull(),
  },
  (t) => [
    uniqueIndex('consent_events_idempotency').on(t.customerId, t.idempotencyKey),
    // One chain per employee: two writers can never both extend the same link.
    uniqueIndex('consent_events_employee_seq').on(t.employeeId, t.seq),
    index('consent_events_employee_channel_time').on(t.customerId, t.employeeId, t.channel, t.occurredAt),
    tenantPolicy('consent_events', t.customerId),
  ],
);

/** Current-state projection with exactly the columns of seed 000, written in the same transaction as the event. */
export const employeeConsent = pgTable(
  'employee_consent',
  {
    employeeId: uuid('employee_id')
      .primaryKey()
      .references(() => employees.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    email: varchar('email', { length: 320 }).notNull(),
    displayName: varchar('display_name', { length: 200 }).notNull(),
    enrollmentTimestamp: timestamp('enrollment_timestamp', { withTimezone: true }).notNull(),
    consentVersion: varchar('consent_version', { length: 50 }).notNull(),
    channelsConsented: jsonb('channels_consented').$type<Channel[]>().notNull(),
    ipAddress: varchar('ip_address', { length: 64 }),
    userAgent: varchar('user_agent', { length: 512 }),
    revoked: boolean('revoked').notNull().default(false),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('employee_consent_customer').on(t.customerId), tenantPolicy('employee_consent', t.customerId)],
);

export type IdentitySnapshot = {
  email: string;
  displayName: string;
  platformIds: PlatformIdentifiers;
};

export const identityConfirmations = pgTable(
  'identity_confirmations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    employeeId: uuid('employee_id')
      .notNull()
      .references(() => employees.id),
    directory: jsonb('directory').$type<IdentitySnapshot>().notNull(),
    confirmed: jsonb('confirmed').$type<IdentitySnapshot>().notNull(),
    corrected: boolean('corrected').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('identity_confirmations_employee').on(t.customerId, t.employeeId),
    tenantPolicy('identity_confirmations', t.customerId),
  ],
);

export const IDENTITY_CORRECTION_STATUSES = ['pending_review', 'accepted', 'rejected'] as const;
export type IdentityCorrectionStatus = (typeof IDENTITY_CORRECTION_STATUSES)[number];

/** A correction never overwrites the roster; an admin reviews it. */
export const identityCorrections = pgTable(
  'identity_corrections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    employeeId: uuid('employee_id')
      .notNull()
      .references(() => employees.id),
    confirmationId: uuid('confirmation_id')
      .notNull()
      .references(() => identityConfirmations.id),
    field: varchar('field', { length: 50 }).notNull(),
    oldValue: text('old_value'),
    newValue: text('new_value').notNull(),
    status: text('status').$type<IdentityCorrectionStatus>().notNull().default('pending_review'),
    createdAt: createdAt(),
  },
  (t) => [
    index('identity_corrections_customer_status').on(t.customerId, t.status),
    tenantPolicy('identity_corrections', t.customerId),
  ],
);
