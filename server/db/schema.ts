/**
 * Drizzle schema. Every tenant table carries `customer_id` and a row-level-security policy that compares it with
 * the transaction-local setting `app.customer_id` (see server/db/tenant.ts). FORCE, grants, roles and the narrow
 * token resolver live in the hand-written migration drizzle/0001_security.sql because drizzle-kit emits none of them.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { CHANNELS, type Channel, type ConsentDecision } from '../../shared/channels.ts';
import type { POST_CHECKS } from '../../shared/onboarding.ts';

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
    updatedAt: timestamp('updated_at', { withTimezone: true }),
    /** Set when a roster re-import no longer lists the person; rows stay because the ledger references them. */
    leftAt: timestamp('left_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('employees_customer_email_ci').on(t.customerId, sql`lower(${t.email})`),
    // The admin people list: current employees in name order, a page at a time.
    index('employees_current_name').on(t.customerId, t.displayName, t.email).where(sql`${t.leftAt} is null`),
    // Dashboard head count (index-only), and the leavers it excludes by lookup instead of joining every employee.
    index('employees_current').on(t.customerId).where(sql`${t.leftAt} is null`),
    index('employees_left').on(t.customerId, t.id).where(sql`${t.leftAt} is not null`),
    // The people search (ILIKE '%term%'), reached through search_current_employees() (see 0008). One expression
    // for name and email: a third cheaper to maintain on a 100,000-row import than the two columns indexed apart.
    index('employees_current_search')
      .using('gin', sql`(${t.displayName} || ' ' || ${t.email}) gin_trgm_ops`)
      .where(sql`${t.leftAt} is null`),
    tenantPolicy('employees', t.customerId),
  ],
);

export const ENROLLMENT_LINK_STATUSES = ['active', 'used', 'superseded'] as const;
export const LINK_DISTRIBUTIONS = ['email', 'csv', 'qr'] as const;
export type LinkDistribution = (typeof LINK_DISTRIBUTIONS)[number];
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
    sentAt: timestamp('sent_at', { withTimezone: true }),
    sentVia: text('sent_via').$type<LinkDistribution>(),
  },
  (t) => [
    index('enrollment_links_customer_employee').on(t.customerId, t.employeeId),
    // A person's one active link (admin funnel and people list), and the first link of a customer (timeline start).
    index('enrollment_links_active_employee').on(t.employeeId).where(sql`${t.status} = 'active'`),
    index('enrollment_links_customer_created').on(t.customerId, t.createdAt),
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
  (t) => [
    // Also the admin timeline's exact count of responses inside a minute (enrollment_response_tallies).
    index('employee_consent_customer_time').on(t.customerId, t.enrollmentTimestamp),
    tenantPolicy('employee_consent', t.customerId),
  ],
);

/*
 * Admin dashboard tallies, kept in step with employees, employee_consent and enrollment_links by statement triggers
 * (drizzle/0008_dashboard_security.sql), so the dashboard reads a few hundred rows instead of every employee.
 * Each is a log of signed deltas: a write only appends rows, so concurrent enrollments never queue on a shared
 * counter row; a reader sums per key, and folds a customer's rows back to one per key when they pile up
 * (server/services/admin.ts). Only current employees (left_at is null) count.
 */

/** Per department × location: head count, respondents (an employee_consent row), and respondents allowing each channel. */
export const enrollmentCellTallies = pgTable(
  'enrollment_cell_tallies',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    department: varchar('department', { length: 200 }),
    location: varchar('location', { length: 200 }),
    employees: integer('employees').notNull(),
    respondents: integer('respondents').notNull(),
    ...(Object.fromEntries(CHANNELS.map((ch) => [ch, integer(`allowed_${ch}`).notNull()])) as Record<
      Channel,
      ReturnType<typeof integer>
    >),
  },
  (t) => [index('enrollment_cell_tallies_customer').on(t.customerId), tenantPolicy('enrollment_cell_tallies', t.customerId)],
);

/**
 * Active links of people who have not responded, by what the link status depends on. The expiry is kept as a
 * timestamp (links issued together share it), so "expired" is decided at read time and never goes stale.
 */
export const enrollmentLinkTallies = pgTable(
  'enrollment_link_tallies',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    opened: boolean('opened').notNull(),
    sent: boolean('sent').notNull(),
    links: integer('links').notNull(),
  },
  (t) => [index('enrollment_link_tallies_customer').on(t.customerId), tenantPolicy('enrollment_link_tallies', t.customerId)],
);

/** Respondents by the minute their response was recorded (date_trunc), for the enrollment timeline. */
export const enrollmentResponseTallies = pgTable(
  'enrollment_response_tallies',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    respondents: integer('respondents').notNull(),
  },
  (t) => [
    index('enrollment_response_tallies_customer').on(t.customerId),
    tenantPolicy('enrollment_response_tallies', t.customerId),
  ],
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

/* ------------------------------------------------------------------------------------------------------------ *
 * Sign-in (better-auth). Global, not tenant tables: a login exists before any tenant is chosen. They are still
 * behind FORCE RLS: only connections opened with `app.auth_context=on` (the auth pool, see db/client.ts) see a row,
 * so a tenant transaction that forgets a WHERE clause cannot read another customer's users.
 * ------------------------------------------------------------------------------------------------------------ */

export const USER_ROLES = ['operator', 'admin', 'ceo'] as const;
export type UserRole = (typeof USER_ROLES)[number];

const authPolicy = (table: string) =>
  pgPolicy(`${table}_auth_context`, {
    as: 'permissive',
    for: 'all',
    to: 'public',
    using: sql`current_setting('app.auth_context', true) = 'on'`,
    withCheck: sql`current_setting('app.auth_context', true) = 'on'`,
  });

const authTimestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

export const authUsers = pgTable(
  'auth_users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull().unique(),
    emailVerified: boolean('email_verified').notNull().default(false),
    image: text('image'),
    role: text('role').$type<UserRole>().notNull(),
    /** Null for operators; the one customer an admin or CEO belongs to. */
    customerId: uuid('customer_id'),
    /** UI language override (ISO 639-1); null follows the customer's output language or the browser. */
    language: varchar('language', { length: 2 }),
    ...authTimestamps,
  },
  () => [authPolicy('auth_users')],
);

export const authSessions = pgTable(
  'auth_sessions',
  {
    id: text('id').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    token: text('token').notNull().unique(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    userId: text('user_id')
      .notNull()
      .references(() => authUsers.id, { onDelete: 'cascade' }),
    /** The customer an operator is working on; the tenant of their requests comes from here, not from input. */
    activeCustomerId: uuid('active_customer_id'),
    ...authTimestamps,
  },
  (t) => [index('auth_sessions_user').on(t.userId), authPolicy('auth_sessions')],
);

export const authAccounts = pgTable(
  'auth_accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => authUsers.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
    scope: text('scope'),
    password: text('password'),
    ...authTimestamps,
  },
  (t) => [index('auth_accounts_user').on(t.userId), authPolicy('auth_accounts')],
);

export const authVerifications = pgTable(
  'auth_verifications',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ...authTimestamps,
  },
  (t) => [index('auth_verifications_identifier').on(t.identifier), authPolicy('auth_verifications')],
);

export const authRateLimits = pgTable(
  'auth_rate_limits',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull().unique(),
    count: integer('count').notNull(),
    lastRequest: bigint('last_request', { mode: 'number' }).notNull(),
  },
  () => [authPolicy('auth_rate_limits')],
);

/** What a sign-in throttle key counts: see server/auth/throttle.ts and ADR 0012. */
export const SIGN_IN_THROTTLE_SCOPES = ['client', 'untrusted', 'device', 'unlock'] as const;
export type SignInThrottleScope = (typeof SIGN_IN_THROTTLE_SCOPES)[number];

/**
 * Sign-in throttling (ADR 0012), shared by every server process: one row per key — the account (normalized email,
 * whether or not a login has it) with a scope and a subject: the client address (`client`), nothing (`untrusted`:
 * every browser without a device cookie), the device cookie's nonce (`device`), or nothing (`unlock`: unlock
 * emails requested). Attempts are counted before the password is checked; a success takes its own back.
 */
export const authSignInThrottle = pgTable(
  'auth_sign_in_throttle',
  {
    account: text('account').notNull(),
    scope: text('scope').$type<SignInThrottleScope>().notNull(),
    subject: text('subject').notNull().default(''),
    attempts: integer('attempts').notNull(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }).notNull(),
    /** Until then the key's next attempt is refused without a password check; null: no delay. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.account, t.scope, t.subject] }),
    index('auth_sign_in_throttle_last_attempt').on(t.lastAttemptAt),
    authPolicy('auth_sign_in_throttle'),
  ],
);

/* ------------------------------------------------------------------------------------------------------------ *
 * Onboarding portal and admin panel (tenant tables).
 * ------------------------------------------------------------------------------------------------------------ */

/** The tenant's view of its logins (names for the roster of users, the CEO-login step); auth_users stays global. */
export const customerUsers = pgTable(
  'customer_users',
  {
    userId: text('user_id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    role: text('role').$type<UserRole>().notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    invitedAt: timestamp('invited_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('customer_users_customer').on(t.customerId), tenantPolicy('customer_users', t.customerId)],
);

export const CHECKLIST_STATUSES = ['pending', 'confirmed', 'blocked'] as const;
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];

/** One onboarding session per customer: the scheduled date drives the checklist send date. */
export const onboardingSessions = pgTable(
  'onboarding_sessions',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id),
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Why the operator started or closed while the checklist was not ready (null: it was ready). */
    startedNotReadyReason: text('started_not_ready_reason'),
    closedNotReadyReason: text('closed_not_ready_reason'),
    checklistSentAt: timestamp('checklist_sent_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [tenantPolicy('onboarding_sessions', t.customerId)],
);

export const checklistItems = pgTable(
  'checklist_items',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    item: varchar('item', { length: 40 }).notNull(),
    status: text('status').$type<ChecklistStatus>().notNull().default('pending'),
    note: text('note'),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
    updatedBy: text('updated_by'),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.item] }), tenantPolicy('checklist_items', t.customerId)],
);

/** Session steps marked done by the operator (with a reason); system-detected steps are computed, not stored. */
export const sessionStepMarks = pgTable(
  'session_step_marks',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    step: integer('step').notNull(),
    doneAt: timestamp('done_at', { withTimezone: true }).notNull(),
    doneBy: text('done_by').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.step] }), tenantPolicy('session_step_marks', t.customerId)],
);

export type RosterField =
  | 'name'
  | 'email'
  | 'location'
  | 'role'
  | 'department'
  | 'slack'
  | 'teams'
  | 'zoom'
  | 'phone';
/** Header (as in the file) → field, or null for "ignore this column". */
export type ColumnMapping = Record<string, RosterField | null>;

/** The last mapping a customer confirmed, suggested again on the next upload. */
export const rosterMappings = pgTable(
  'roster_mappings',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id),
    mapping: jsonb('mapping').$type<ColumnMapping>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [tenantPolicy('roster_mappings', t.customerId)],
);

export const ROSTER_IMPORT_STATUSES = ['uploaded', 'applied', 'failed', 'discarded'] as const;
export type RosterImportStatus = (typeof ROSTER_IMPORT_STATUSES)[number];

export const rosterImports = pgTable(
  'roster_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    fileName: text('file_name').notNull(),
    /** SHA-256 of the bytes: the same file uploaded twice is the same import. */
    contentHash: varchar('content_hash', { length: 64 }).notNull(),
    headers: jsonb('headers').$type<string[]>().notNull(),
    delimiter: varchar('delimiter', { length: 1 }).notNull(),
    rowCount: integer('row_count').notNull(),
    status: text('status').$type<RosterImportStatus>().notNull().default('uploaded'),
    mapping: jsonb('mapping').$type<ColumnMapping>(),
    /** The mapping the rows last passed validation with: apply need not validate 100,000 rows again under it. */
    validatedMapping: jsonb('validated_mapping').$type<ColumnMapping>(),
    summary: jsonb('summary').$type<Record<string, number>>(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
  },
  (t) => [
    index('roster_imports_customer').on(t.customerId, t.createdAt),
    tenantPolicy('roster_imports', t.customerId),
  ],
);

/** Uploaded rows as parsed (values in header order), staged until the import is applied. */
export const rosterImportRows = pgTable(
  'roster_import_rows',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => rosterImports.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    rowNumber: integer('row_number').notNull(),
    values: jsonb('values').$type<string[]>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.rowNumber] }),
    tenantPolicy('roster_import_rows', t.customerId),
  ],
);

export const EMAIL_STATUSES = ['sent', 'outbox', 'failed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** Every email sent for a tenant. With no SMTP configured the body is kept here: that is the local outbox. */
export const emailMessages = pgTable(
  'email_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    kind: varchar('kind', { length: 40 }).notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body'),
    status: text('status').$type<EmailStatus>().notNull(),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [index('email_messages_customer').on(t.customerId, t.createdAt), tenantPolicy('email_messages', t.customerId)],
);

/** Who did what, when, from where: every admin and operator action. Append-only like the consent ledger. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    actorUserId: text('actor_user_id').notNull(),
    actorEmail: text('actor_email').notNull(),
    actorRole: text('actor_role').$type<UserRole>().notNull(),
    action: varchar('action', { length: 60 }).notNull(),
    target: text('target'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_customer_time').on(t.customerId, t.occurredAt), tenantPolicy('audit_log', t.customerId)],
);

export type PostCheckKey = (typeof POST_CHECKS)[number]['key'];
export const POST_CHECK_STATUSES = ['scheduled', 'passed', 'failed', 'waiting_connectors'] as const;
export type PostCheckStatus = (typeof POST_CHECK_STATUSES)[number];

/** Created when the session closes, evaluated when due. */
export const postOnboardingChecks = pgTable(
  'post_onboarding_checks',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    check: varchar('check', { length: 40 }).$type<PostCheckKey>().notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: text('status').$type<PostCheckStatus>().notNull().default('scheduled'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.check] }),
    index('post_onboarding_checks_due').on(t.status, t.dueAt),
    tenantPolicy('post_onboarding_checks', t.customerId),
  ],
);

/* ------------------------------------------------------------------------------------------------------------ */
/* Communications store, ingestion keys, Signal sessions (issue 4)                                               */
/* ------------------------------------------------------------------------------------------------------------ */

/** PostgreSQL text-search configuration name (our `panops_*` configurations wrap a stemmer with unaccent). */
const regconfig = customType<{ data: string }>({ dataType: () => 'regconfig' });
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export type Participant = { name?: string; email?: string; handle?: string; role?: 'from' | 'to' | 'cc' | 'speaker' };

/**
 * One email, chat message, meeting-transcript segment or SMS/call transcript. A row exists only while the
 * employee's consent for its channel stands: `consent_event_id` is the grant that authorised storing it, and a
 * withdraw deletes the rows in the same transaction (ADR 0006). The `embedding` column is added by migration only
 * where pgvector is installed, so it is not part of this type; the retrieval service reaches it with raw SQL.
 */
export const communications = pgTable(
  'communications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    employeeId: uuid('employee_id')
      .notNull()
      .references(() => employees.id),
    channel: text('channel').$type<Channel>().notNull(),
    platform: varchar('platform', { length: 40 }).notNull(),
    externalId: varchar('external_id', { length: 300 }).notNull(),
    threadId: varchar('thread_id', { length: 300 }),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    participants: jsonb('participants').$type<Participant[]>().notNull().default([]),
    subject: text('subject'),
    body: text('body').notNull(),
    /** ISO 639-1 of the text, detected at ingestion unless the connector knows it. */
    language: varchar('language', { length: 2 }).notNull(),
    ftsConfig: regconfig('fts_config').notNull(),
    fts: tsvector('fts').notNull(),
    consentEventId: uuid('consent_event_id')
      .notNull()
      .references(() => consentEvents.id),
    ingestedAt: timestamp('ingested_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('communications_external').on(t.customerId, t.platform, t.externalId),
    // INCLUDE (employee_id, channel) added by migration 0012 (drizzle-kit cannot declare it): the dashboard's counts
    // run index-only.
    index('communications_customer_time').on(t.customerId, t.occurredAt),
    // Purge on withdraw, and the dashboard's per-person activity.
    index('communications_employee_channel').on(t.customerId, t.employeeId, t.channel),
    index('communications_fts').using('gin', t.fts),
    tenantPolicy('communications', t.customerId),
  ],
);

/** Proof of deletion without content: what a withdraw removed, shown on the employee's receipt. */
export const communicationPurges = pgTable(
  'communication_purges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    employeeId: uuid('employee_id')
      .notNull()
      .references(() => employees.id),
    channel: text('channel').$type<Channel>().notNull(),
    consentEventId: uuid('consent_event_id')
      .notNull()
      .references(() => consentEvents.id),
    removedCount: integer('removed_count').notNull(),
    purgedAt: timestamp('purged_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('communication_purges_event').on(t.consentEventId),
    index('communication_purges_employee').on(t.customerId, t.employeeId),
    tenantPolicy('communication_purges', t.customerId),
  ],
);

/** Per-customer ingestion keys. Only the SHA-256 of the secret is kept; the secret is shown once. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    label: varchar('label', { length: 100 }).notNull(),
    /** The first characters of the key, shown in lists so people can tell keys apart. */
    prefix: varchar('prefix', { length: 20 }).notNull(),
    keyHash: varchar('key_hash', { length: 64 }).notNull(),
    createdByUserId: text('created_by_user_id').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_keys_hash').on(t.keyHash),
    index('api_keys_customer').on(t.customerId, t.createdAt),
    tenantPolicy('api_keys', t.customerId),
  ],
);

/**
 * Failed ingestion authentications. Not a tenant table: a wrong key names no customer. Insert-only for the app;
 * holds no secret (only the key's shape-checked prefix).
 */
export const apiAuthFailures = pgTable(
  'api_auth_failures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    ipAddress: varchar('ip_address', { length: 64 }),
    userAgent: varchar('user_agent', { length: 512 }),
    keyPrefix: varchar('key_prefix', { length: 20 }),
    reason: varchar('reason', { length: 40 }).notNull(),
  },
  (t) => [
    index('api_auth_failures_time').on(t.occurredAt),
    // Forced RLS like every other table: the app may add rows and never read them back.
    pgPolicy('api_auth_failures_insert_only', { as: 'permissive', for: 'insert', to: 'public', withCheck: sql`true` }),
  ],
);

/** A Signal conversation of one user. Turns are written one by one as they complete (spec §6.6). */
export const signalSessions = pgTable(
  'signal_sessions',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    userId: text('user_id').notNull(),
    title: varchar('title', { length: 200 }).notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('signal_sessions_user').on(t.customerId, t.userId, t.updatedAt),
    tenantPolicy('signal_sessions', t.customerId),
  ],
);

export const SIGNAL_TURN_STATUSES = ['complete', 'incomplete', 'failed'] as const;
export type SignalTurnStatus = (typeof SIGNAL_TURN_STATUSES)[number];
export const SIGNAL_MODES = ['llm', 'extractive'] as const;
export type SignalMode = (typeof SIGNAL_MODES)[number];
export type SignalScope = { channels?: Channel[]; from?: string; to?: string; departments?: string[] };

export const signalTurns = pgTable(
  'signal_turns',
  {
    id: uuid('id').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => signalSessions.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    turnIndex: integer('turn_index').notNull(),
    query: text('query').notNull(),
    response: text('response').notNull(),
    retrievedRecordIds: uuid('retrieved_record_ids').array().notNull(),
    scope: jsonb('scope').$type<SignalScope>().notNull().default({}),
    modelUsed: varchar('model_used', { length: 200 }).notNull(),
    mode: text('mode').$type<SignalMode>().notNull(),
    status: text('status').$type<SignalTurnStatus>().notNull(),
    /** Why a turn is incomplete or failed (an error code, never a message from the model). */
    errorCode: varchar('error_code', { length: 60 }),
    language: varchar('language', { length: 2 }).notNull(),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('signal_turns_session_index').on(t.sessionId, t.turnIndex),
    index('signal_turns_customer_time').on(t.customerId, t.createdAt),
    tenantPolicy('signal_turns', t.customerId),
  ],
);
