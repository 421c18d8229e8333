/**
 * Who may do what: the one role matrix. Every signed-in tRPC procedure names one of these capabilities (and its
 * procedure meta records it), the plain routes take their roles from here, the portal's navigation and route guards
 * too, and README's "Who may do what" table is checked against it (test/unit/access-matrix.test.ts). Employees are
 * not in it: they act through their enrollment or manage secret, never a login.
 */
import type { TUserRole } from './schemas/portal.ts';

export const ACCESS = {
  /** List and create customers, and choose the one to work on (the onboarding team works across customers). */
  customers: ['operator'],
  /** Customer setup, pre-onboarding checklist, roster import, enrollment links and their emails, the outbox. */
  onboarding: ['operator', 'admin'],
  /** Run the onboarding session: start it, mark steps, close it (the customer admin follows it read-only). */
  sessionControl: ['operator'],
  /** Read the admin panel: enrollment progress, people's link status (never choices), corrections, checks, audit. */
  adminPanel: ['operator', 'admin', 'ceo'],
  /** Decide identity corrections (changes the roster). */
  corrections: ['operator', 'admin'],
  /**
   * Create and revoke the ingestion API keys. Not the CEO: a key can write communications into the tenant, an
   * integration and IT concern; the CEO reads what consented employees' channels produce (ADR 0011).
   */
  apiKeys: ['operator', 'admin'],
  /** Ask Signal and read its home figures. */
  signal: ['ceo'],
  /** Read and export the CEO's own past Signal sessions. */
  archive: ['ceo'],
  /** Their own account: UI language. */
  account: ['operator', 'admin', 'ceo'],
} as const satisfies Record<string, readonly TUserRole[]>;

export type Capability = keyof typeof ACCESS;
export const CAPABILITIES = Object.keys(ACCESS) as Capability[];

export const allows = (capability: Capability, role: TUserRole): boolean =>
  (ACCESS[capability] as readonly TUserRole[]).includes(role);
