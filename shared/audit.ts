/**
 * Every action the audit log records (server/services/*, the sign-in hooks). The admin panel shows each by its
 * label in the `portal` namespace (`audit.actions.<action>`), never the code; recordAudit takes only these, so a new
 * action cannot reach the log without a label (the i18n parity test then asks for it in every language).
 */
export const AUDIT_ACTIONS = [
  'customer.created',
  'customer.opened',
  'customer.updated',
  'user.invited',
  'user.signed_in',
  'user.sign_in_unlock_requested',
  'user.sign_in_unlock_confirmed',
  'checklist.session_date_set',
  'checklist.item_updated',
  'checklist.emailed',
  'session.started',
  'session.step_marked',
  'session.step_unmarked',
  'session.closed',
  'roster.uploaded',
  'roster.mapping_saved',
  'roster.applied',
  'roster.discarded',
  'links.generated',
  'links.distributed',
  'links.exported',
  'links.qr_sheet',
  'links.resent',
  'checks.check_in_recorded',
  'correction.accepted',
  'correction.rejected',
  'apikeys.create',
  'apikeys.revoke',
  'archive.export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const known: ReadonlySet<string> = new Set(AUDIT_ACTIONS);
export const isAuditAction = (action: string): action is AuditAction => known.has(action);
