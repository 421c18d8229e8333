import { ACCESS, type Capability } from '../../shared/access.ts';
import type { TUserRole } from '../../shared/schemas/portal.ts';

/** Navigation; each item is shown to the roles the role matrix (shared/access.ts) gives its capability. */
export type NavItem = { to: string; label: string; roles: readonly TUserRole[]; needsCustomer: boolean };

const item = (to: string, label: string, capability: Capability, needsCustomer = true): NavItem => ({
  to,
  label,
  roles: ACCESS[capability],
  needsCustomer,
});

/** Labels are keys of the `portal` namespace. */
export const NAV: NavItem[] = [
  item('/portal', 'nav.customers', 'customers', false),
  item('/portal/setup', 'nav.setup', 'onboarding'),
  item('/portal/checklist', 'nav.checklist', 'onboarding'),
  item('/portal/session', 'nav.session', 'onboarding'),
  item('/portal/roster', 'nav.roster', 'onboarding'),
  item('/portal/links', 'nav.links', 'onboarding'),
  item('/portal/outbox', 'nav.outbox', 'onboarding'),
  item('/signal', 'nav.signal', 'signal'),
  item('/archive', 'nav.archive', 'archive'),
  item('/admin', 'nav.enrollment', 'adminPanel'),
  item('/admin/people', 'nav.people', 'adminPanel'),
  item('/admin/corrections', 'nav.corrections', 'adminPanel'),
  item('/admin/checks', 'nav.checks', 'adminPanel'),
  item('/admin/audit', 'nav.audit', 'adminPanel'),
  item('/admin/api-keys', 'nav.apiKeys', 'apiKeys'),
];
