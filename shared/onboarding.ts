/**
 * The onboarding runbook of seed 000 as data: the six pre-onboarding checklist items, the eight session steps and
 * the post-onboarding checks. Texts are i18n keys in the `onboarding` namespace (`checklist.<key>.*`,
 * `steps.<n>.*`, `postChecks.<key>.*`, `issues.<key>.*`).
 */

export const CHECKLIST_ITEMS = [
  { key: 'azure_conditional_access', platform: 'Microsoft 365', who: 'Global Admin', fix: 'conditional_access' },
  { key: 'google_app_approval', platform: 'Google Workspace', who: 'Super Admin', fix: null },
  { key: 'zoom_app_approval', platform: 'Zoom', who: 'Zoom Admin', fix: null },
  { key: 'cloud_recording', platform: 'Teams / Zoom / Google Meet', who: 'IT Admin', fix: 'zoom_cloud_recording' },
  { key: 'admin_roles', platform: 'All', who: 'Admin', fix: 'global_admin_unavailable' },
  { key: 'employee_roster', platform: 'All', who: 'Admin', fix: null },
] as const;
export type ChecklistItemKey = (typeof CHECKLIST_ITEMS)[number]['key'];
export const CHECKLIST_KEYS = CHECKLIST_ITEMS.map((i) => i.key) as [ChecklistItemKey, ...ChecklistItemKey[]];

/** Where a checklist item stands; the session is ready only when every item is confirmed. */
export const CHECKLIST_ITEM_STATUSES = ['pending', 'confirmed', 'blocked'] as const;
export type ChecklistItemStatus = (typeof CHECKLIST_ITEM_STATUSES)[number];

/** Rows of the seed's "Common Onboarding Issues & Resolutions" table. */
export const COMMON_ISSUES = [
  'conditional_access',
  'zoom_cloud_recording',
  'global_admin_unavailable',
  'openphone_api_key',
] as const;
export type CommonIssueKey = (typeof COMMON_ISSUES)[number];

/** The checklist goes out 5–7 business days before the session. */
export const CHECKLIST_LEAD_BUSINESS_DAYS = { earliest: 7, latest: 5 } as const;

export type StepCondition = 'customer_created' | 'connectors' | 'links_generated' | 'ceo_login' | null;

/** Session steps with planned minutes; `auto` names the condition that marks a step done by itself. */
export const SESSION_STEPS = [
  { step: 1, minutes: 2, auto: 'customer_created' },
  { step: 2, minutes: 10, auto: 'connectors' },
  { step: 3, minutes: 10, auto: 'connectors' },
  { step: 4, minutes: 8, auto: 'connectors' },
  { step: 5, minutes: 8, auto: 'connectors' },
  { step: 6, minutes: 5, auto: 'links_generated' },
  { step: 7, minutes: 5, auto: 'ceo_login' },
  { step: 8, minutes: 5, auto: null },
] as const satisfies ReadonlyArray<{ step: number; minutes: number; auto: StepCondition }>;

/** The whole session is planned at 60 minutes: the steps add up to 53, step 8 is "5 min + buffer". */
export const SESSION_TOTAL_MINUTES = 60;

/** Checks after the session closes: offset from closing, and whether they need connectors to say anything. */
export const POST_CHECKS = [
  { key: 'first_sync_running', afterMinutes: 30, needsConnectors: true },
  { key: 'first_sync_completed', afterMinutes: 4 * 60, needsConnectors: true },
  { key: 'admin_check_in', afterMinutes: 24 * 60, needsConnectors: false },
  { key: 'enrollment_48h', afterMinutes: 48 * 60, needsConnectors: false },
] as const;

/** Enrollment target of the runbook: 80 % within 48 hours of the session. */
export const ENROLLMENT_TARGET = { share: 0.8, hours: 48 } as const;

/**
 * Enrollment as of one moment, judged against the target: the one rule the admin card, the chart and the +48 h
 * check share. The target is judged on this figure at session close + 48 h, never on a later count.
 */
export function judgeEnrollment(responded: number, total: number) {
  const share = total === 0 ? 0 : responded / total;
  return { responded, total, share, met: total > 0 && share >= ENROLLMENT_TARGET.share };
}

/** Admins see per-channel consent figures only for groups at least this large (non-negotiable 3). */
export const MIN_GROUP_SIZE = 5;
