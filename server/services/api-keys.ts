/**
 * Per-customer ingestion keys: created with a label, shown once, stored as SHA-256 only, revocable. Resolving a key
 * to its customer happens before any tenant is known, through the SECURITY DEFINER function resolve_api_key().
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { API_KEY_PATTERN, type TApiKey, type TCreateApiKeyOutput } from '../../shared/schemas/api-keys.ts';
import { rowsOf, type DbHandle, type Tx } from '../db/client.ts';
import { apiKeys, auditLog } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { recordAudit, type Actor } from './audit.ts';

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new secret and its public prefix. 32 random bytes carry the security; the prefix only names the key. */
export function newApiKey(): { secret: string; prefix: string } {
  const bytes = randomBytes(8);
  const id = [...bytes].map((b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join('');
  const prefix = `pk_${id}`;
  return { secret: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

/** The prefix of something that looks like one of our keys, for the failure log; never any secret part. */
export function apiKeyPrefixOf(candidate: string): string | null {
  const match = API_KEY_PATTERN.exec(candidate);
  return match ? `pk_${match[1]}` : null;
}

const CREATE_ACTION = 'apikeys.create';

export async function listApiKeys(tx: Tx): Promise<TApiKey[]> {
  const rows = await tx
    .select({ key: apiKeys, createdBy: auditLog.actorEmail })
    .from(apiKeys)
    .leftJoin(auditLog, and(eq(auditLog.action, CREATE_ACTION), eq(auditLog.target, sql`${apiKeys.id}::text`)))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(({ key, createdBy }) => ({
    id: key.id,
    label: key.label,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    createdBy: createdBy ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  }));
}

export async function createApiKey(
  tx: Tx,
  customerId: string,
  actor: Actor,
  input: { label: string },
  now: Date,
): Promise<TCreateApiKeyOutput> {
  const { secret, prefix } = newApiKey();
  const [row] = await tx
    .insert(apiKeys)
    .values({ customerId, label: input.label, prefix, keyHash: hashApiKey(secret), createdByUserId: actor.user.id, createdAt: now })
    .returning();
  await recordAudit(tx, customerId, actor, CREATE_ACTION, row!.id, { label: input.label, prefix });
  return {
    secret,
    key: {
      id: row!.id,
      label: row!.label,
      prefix,
      createdAt: row!.createdAt.toISOString(),
      createdBy: actor.user.email,
      lastUsedAt: null,
      revokedAt: null,
    },
  };
}

/** Revoking twice is harmless: the first revocation time stays. */
export async function revokeApiKey(tx: Tx, customerId: string, actor: Actor, id: string, now: Date): Promise<void> {
  const [key] = await tx.select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, id));
  if (!key) throw new AppError('NOT_FOUND');
  if (key.revokedAt) return;
  await tx.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  await recordAudit(tx, customerId, actor, 'apikeys.revoke', id, {});
}

export type ResolvedKey = { customerId: string; apiKeyId: string };

/**
 * A presented key → its customer, through the one SECURITY DEFINER function (before any tenant is known). Unknown
 * and revoked keys both give null.
 */
export async function resolveApiKey(handle: DbHandle, secret: string): Promise<ResolvedKey | null> {
  const [row] = rowsOf<{ customer_id: string; api_key_id: string }>(
    await handle.db.execute(sql`select customer_id, api_key_id from resolve_api_key(${hashApiKey(secret)})`),
  );
  return row ? { customerId: row.customer_id, apiKeyId: row.api_key_id } : null;
}

/** Still valid inside the tenant transaction that uses it (a revocation may land while a body is being read). */
export async function apiKeyActive(tx: Tx, apiKeyId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, apiKeyId), isNull(apiKeys.revokedAt)));
  return row !== undefined;
}

const TOUCH_INTERVAL_MS = 60_000;
const touched = new Map<string, number>();

/**
 * Records that a key was used, at most once a minute per key and process: a busy connector must not turn every
 * batch into an extra write on one hot row. The condition in SQL keeps several processes from repeating it too.
 */
export async function touchApiKey(tx: Tx, apiKeyId: string, now: Date): Promise<void> {
  const last = touched.get(apiKeyId);
  if (last !== undefined && now.getTime() - last < TOUCH_INTERVAL_MS) return;
  touched.set(apiKeyId, now.getTime());
  await tx
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiKeys.id, apiKeyId),
        sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < ${new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString()}::timestamptz)`,
      ),
    );
}
