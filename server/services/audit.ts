/** The append-only audit log: every admin and operator action — who, what, when, from where. */
import { desc } from 'drizzle-orm';
import type { AuditAction } from '../../shared/audit.ts';
import type { SessionUser } from '../auth/auth.ts';
import type { RequestMeta } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';

export type Actor = { user: SessionUser; meta: RequestMeta };

/** Written in the action's own transaction, so an action and its audit entry land (or fail) together. */
export async function recordAudit(
  tx: Tx,
  customerId: string,
  actor: Actor,
  action: AuditAction,
  target: string | null = null,
  details: Record<string, unknown> = {},
) {
  await tx.insert(auditLog).values({
    customerId,
    actorUserId: actor.user.id,
    actorEmail: actor.user.email,
    actorRole: actor.user.role,
    action,
    target,
    details,
    ipAddress: actor.meta.ipAddress,
    userAgent: actor.meta.userAgent,
  });
}

export async function listAudit(tx: Tx, limit: number) {
  const rows = await tx.select().from(auditLog).orderBy(desc(auditLog.occurredAt), desc(auditLog.id)).limit(limit);
  return rows.map((r) => ({
    id: r.id,
    actorEmail: r.actorEmail,
    actorRole: r.actorRole,
    action: r.action,
    target: r.target,
    details: r.details,
    ipAddress: r.ipAddress,
    userAgent: r.userAgent,
    occurredAt: r.occurredAt.toISOString(),
  }));
}
