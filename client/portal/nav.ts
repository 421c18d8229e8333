import type { TUserRole } from '../../shared/schemas/portal.ts';

/** Navigation per role; labels are keys of the `portal` namespace. */
export type NavItem = { to: string; label: string; roles: TUserRole[]; needsCustomer: boolean };

export const NAV: NavItem[] = [
  { to: '/portal', label: 'nav.customers', roles: ['operator'], needsCustomer: false },
  { to: '/portal/setup', label: 'nav.setup', roles: ['operator', 'admin'], needsCustomer: true },
  { to: '/portal/checklist', label: 'nav.checklist', roles: ['operator', 'admin'], needsCustomer: true },
  { to: '/portal/session', label: 'nav.session', roles: ['operator', 'admin'], needsCustomer: true },
  { to: '/portal/roster', label: 'nav.roster', roles: ['operator', 'admin'], needsCustomer: true },
  { to: '/portal/links', label: 'nav.links', roles: ['operator', 'admin'], needsCustomer: true },
  { to: '/portal/outbox', label: 'nav.outbox', roles: ['operator', 'admin'], needsCustomer: true },
  { to: '/signal', label: 'nav.signal', roles: ['ceo'], needsCustomer: true },
  { to: '/archive', label: 'nav.archive', roles: ['ceo'], needsCustomer: true },
  { to: '/admin', label: 'nav.enrollment', roles: ['operator', 'admin', 'ceo'], needsCustomer: true },
  { to: '/admin/people', label: 'nav.people', roles: ['operator', 'admin', 'ceo'], needsCustomer: true },
  { to: '/admin/corrections', label: 'nav.corrections', roles: ['operator', 'admin', 'ceo'], needsCustomer: true },
  { to: '/admin/checks', label: 'nav.checks', roles: ['operator', 'admin', 'ceo'], needsCustomer: true },
  { to: '/admin/audit', label: 'nav.audit', roles: ['operator', 'admin', 'ceo'], needsCustomer: true },
  { to: '/admin/api-keys', label: 'nav.apiKeys', roles: ['operator', 'admin', 'ceo'], needsCustomer: true },
];
