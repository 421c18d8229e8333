/**
 * Sign-in throttling without account lockout (ADR 0012), as a better-auth plugin:
 *   - a device cookie (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): after a successful sign-in,
 *     a signed, httpOnly cookie names the account and a random nonce; a browser that presents it for the account
 *     being signed in is trusted for that account;
 *   - progressive delays per key (throttle.ts): trusted attempts count against (account, device nonce); untrusted
 *     ones against (account, client address) and (account, every untrusted browser). An attacker without the
 *     password can slow down untrusted browsers, never the owner's own;
 *   - "Email me an unlock link": a single-use link, valid 1 hour, that makes the browser opening it trusted for the
 *     account (the password is still required).
 * Every counter is a row of auth_sign_in_throttle, so all server processes share them. Attempts are claimed before
 * the password is checked (a waiting key gets 429 without a check, so it is no oracle) and a success gives its own
 * claim back.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { BetterAuthPlugin } from 'better-auth';
import { APIError, createAuthEndpoint, createAuthMiddleware, getIP } from 'better-auth/api';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import * as z from 'zod';
import { log, serializeError } from '../app/logger.ts';
import type { Db } from '../db/client.ts';
import { authSignInThrottle, type SignInThrottleScope } from '../db/schema.ts';
import { DECAY_SECONDS, decide, liveState, THROTTLE_RULES, type KeyState } from './throttle.ts';

/** The better-auth paths of the unlock flow (under /api/auth). */
export const UNLOCK_REQUEST_PATH = '/sign-in-unlock/request';
export const UNLOCK_CONFIRM_PATH = '/sign-in-unlock/confirm';
/** The portal page an unlock email links to; the token travels in the fragment, which never reaches a server log. */
export const UNLOCK_PAGE_PATH = '/unlock';
export const UNLOCK_TOKEN_SECONDS = 60 * 60;
/** A device cookie lives this long and is renewed (with a new nonce) by every successful sign-in. */
export const DEVICE_COOKIE_SECONDS = 180 * 24 * 60 * 60;
const UNLOCK_IDENTIFIER_PREFIX = 'sign-in-unlock:';
/** Stale rows are swept at most this often per process (an index range scan on last_attempt_at). */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** better-auth's user record (with PanOps' additional fields: role, customerId, language). */
export type UnlockUser = { id: string; email: string; name: string };
export type UnlockEvent = 'user.sign_in_unlock_requested' | 'user.sign_in_unlock_confirmed';
export type ClientMeta = { ipAddress: string | null; userAgent: string | null };

export type SignInProtectionOptions = {
  authDb: Db;
  now: () => Date;
  /** The public origin (PUBLIC_URL) the unlock link points to. */
  baseUrl: string;
  /** Sends the unlock email to the login's address (in its language; kept in the tenant's outbox). */
  sendUnlockEmail: (user: UnlockUser, url: string) => Promise<void>;
  /** The audit trail of the login's customer. */
  onEvent?: (user: UnlockUser, event: UnlockEvent, meta: ClientMeta) => Promise<void>;
};

/** The account a throttle key belongs to: the email as typed, trimmed and lower-cased, whether or not it has a login. */
export const accountKey = (email: unknown) => (typeof email === 'string' ? email.trim().toLowerCase() : '');
const isEmail = (email: string) => email.length <= 320 && z.email().safeParse(email).success;

type Key = { scope: SignInThrottleScope; subject: string };
type Claim = { account: string; keys: Key[]; untrusted?: { mine: number; previous: KeyState | undefined } };

/** The answer while a key waits: 429 with Retry-After, and what the client needs to say so. */
function delayedError(scope: SignInThrottleScope, seconds: number) {
  const body =
    scope === 'unlock'
      ? { code: 'UNLOCK_DELAYED', message: `An unlock link was sent recently. Ask again in ${seconds} seconds.` }
      : {
          code: 'SIGN_IN_DELAYED',
          message: `Too many sign-in attempts. Try again in ${seconds} seconds.`,
          // Which counter waits: this browser's own, or the account's for every browser it does not trust.
          scope: scope === 'untrusted' ? 'account' : 'browser',
        };
  return new APIError('TOO_MANY_REQUESTS', { ...body, retryAfter: seconds }, { 'Retry-After': String(seconds) });
}

function background(task: () => Promise<void>, what: string) {
  void task().catch((error: unknown) => log.error({ err: serializeError(error) }, what));
}

export function signInProtection(opts: SignInProtectionOptions) {
  const { authDb, now } = opts;
  let nextSweepAt = 0;

  /**
   * Counts one attempt against `keys`, all or nothing, unless one of them is still waiting. Serialized per account
   * (a transaction-level advisory lock), so parallel requests cannot all slip through one free slot.
   */
  async function claim(account: string, keys: Key[]) {
    const at = now();
    return authDb.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`panops:sign-in:${account}`}, 0))`);
      const rows = await tx
        .select()
        .from(authSignInThrottle)
        .where(
          and(
            eq(authSignInThrottle.account, account),
            or(...keys.map((k) => and(eq(authSignInThrottle.scope, k.scope), eq(authSignInThrottle.subject, k.subject)))),
          ),
        );
      const stateOf = (k: Key) => rows.find((r) => r.scope === k.scope && r.subject === k.subject);
      const decision = decide(
        keys.map((k) => ({ scope: k.scope, rule: THROTTLE_RULES[k.scope], state: stateOf(k) })),
        at,
      );
      if (!decision.allowed) return decision;
      for (const [i, key] of keys.entries()) {
        const { state } = decision.next[i]!;
        await tx
          .insert(authSignInThrottle)
          .values({ account, ...key, ...state })
          .onConflictDoUpdate({
            target: [authSignInThrottle.account, authSignInThrottle.scope, authSignInThrottle.subject],
            set: state,
          });
        if (state.attempts === THROTTLE_RULES[key.scope].free && (key.scope === 'untrusted' || key.scope === 'device')) {
          // The moment an account's untrusted browsers (or one device cookie) start to wait is worth an operator's
          // attention: usually someone guessing the password.
          log.warn({ event: 'sign_in_throttle.delaying', scope: key.scope, account }, 'sign-in attempts are now delayed');
        }
      }
      if (at.getTime() >= nextSweepAt) {
        nextSweepAt = at.getTime() + SWEEP_INTERVAL_MS;
        const cutoff = new Date(at.getTime() - DECAY_SECONDS * 1000);
        await tx.delete(authSignInThrottle).where(lt(authSignInThrottle.lastAttemptAt, cutoff));
      }
      // What the keys were before this attempt, so that a success can give it back.
      return { ...decision, previous: keys.map((k) => liveState(stateOf(k), at)) };
    });
  }

  /** After a success: this browser's own counter is cleared; the account-wide one only takes back this attempt. */
  async function succeeded(claimed: Claim) {
    await authDb.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`panops:sign-in:${claimed.account}`}, 0))`);
      for (const key of claimed.keys.filter((k) => k.scope !== 'untrusted')) {
        await tx
          .delete(authSignInThrottle)
          .where(
            and(
              eq(authSignInThrottle.account, claimed.account),
              eq(authSignInThrottle.scope, key.scope),
              eq(authSignInThrottle.subject, key.subject),
            ),
          );
      }
      if (!claimed.untrusted) return;
      const { mine, previous } = claimed.untrusted;
      const where = and(
        eq(authSignInThrottle.account, claimed.account),
        eq(authSignInThrottle.scope, 'untrusted'),
        eq(authSignInThrottle.subject, ''),
      );
      // Nobody else attempted since: the key is exactly as before this attempt. Otherwise their waits stand.
      const untouched = sql`${authSignInThrottle.attempts} = ${mine}`;
      const ts = (d: Date | null | undefined) => (d ? sql`${d.toISOString()}::timestamptz` : sql`null`);
      await tx
        .update(authSignInThrottle)
        .set({
          attempts: sql`greatest(${authSignInThrottle.attempts} - 1, 0)`,
          nextAttemptAt: sql`case when ${untouched} then ${ts(previous?.nextAttemptAt)} else ${authSignInThrottle.nextAttemptAt} end`,
          lastAttemptAt: previous
            ? sql`case when ${untouched} then ${ts(previous.lastAttemptAt)} else ${authSignInThrottle.lastAttemptAt} end`
            : authSignInThrottle.lastAttemptAt,
        })
        .where(where);
      await tx.delete(authSignInThrottle).where(and(where, eq(authSignInThrottle.attempts, 0)));
    });
  }

  /** Requests between the before and the after hook of one sign-in. */
  const claims = new WeakMap<object, Claim>();

  /** The device cookie of `account`: its name carries a keyed hash of the account, its signed value the same plus a nonce. */
  const deviceTag = (secret: string, account: string) =>
    createHmac('sha256', secret).update(`panops-device:${account}`).digest('base64url').slice(0, 22);

  type CookieCtx = {
    context: { secret: string; createAuthCookie: (name: string, attrs?: Record<string, unknown>) => { name: string; attributes: Record<string, unknown> } };
    getSignedCookie: (key: string, secret: string) => Promise<string | false | null>;
    setSignedCookie: (key: string, value: string, secret: string, options?: Record<string, unknown>) => Promise<string>;
  };
  const deviceCookie = (ctx: CookieCtx, account: string) => {
    const tag = deviceTag(ctx.context.secret, account);
    return { tag, ...ctx.context.createAuthCookie(`device_${tag}`, { maxAge: DEVICE_COOKIE_SECONDS }) };
  };

  /** The nonce of a valid device cookie for `account`, or null (no cookie, a bad signature, another account's). */
  async function trustedNonce(ctx: CookieCtx, account: string): Promise<string | null> {
    const cookie = deviceCookie(ctx, account);
    const value = await ctx.getSignedCookie(cookie.name, ctx.context.secret);
    if (!value) return null;
    const [tag, nonce] = value.split('.');
    return tag === cookie.tag && nonce && /^[\w-]{16,64}$/.test(nonce) ? nonce : null;
  }

  async function issueDeviceCookie(ctx: CookieCtx, account: string) {
    const cookie = deviceCookie(ctx, account);
    const nonce = randomBytes(18).toString('base64url');
    await ctx.setSignedCookie(cookie.name, `${cookie.tag}.${nonce}`, ctx.context.secret, cookie.attributes);
  }

  const metaOf = (headers: Headers | undefined, clientAddress: string | null): ClientMeta => ({
    ipAddress: clientAddress,
    userAgent: headers?.get('user-agent')?.slice(0, 512) ?? null,
  });

  const requestUnlock = createAuthEndpoint(
    UNLOCK_REQUEST_PATH,
    { method: 'POST', body: z.object({ email: z.string().max(320) }) },
    async (ctx) => {
      const account = accountKey(ctx.body.email);
      if (!isEmail(account)) throw new APIError('BAD_REQUEST', { code: 'INVALID_EMAIL', message: 'Invalid email' });
      // Counted per email whether or not a login has it, so the answer never tells which emails exist.
      const decision = await claim(account, [{ scope: 'unlock', subject: '' }]);
      if (!decision.allowed) throw delayedError('unlock', decision.retryAfterSeconds);
      const meta = metaOf(ctx.headers, ctx.headers ? getIP(ctx.headers, ctx.context.options) : null);
      const internal = ctx.context.internalAdapter;
      // Whether the email has a login or not, the answer is the same and leaves before any email work starts.
      background(async () => {
        const found = await internal.findUserByEmail(account);
        if (!found) return;
        const token = randomBytes(32).toString('base64url');
        await internal.createVerificationValue({
          identifier: `${UNLOCK_IDENTIFIER_PREFIX}${token}`,
          value: found.user.id,
          expiresAt: new Date(now().getTime() + UNLOCK_TOKEN_SECONDS * 1000),
        });
        const user = found.user;
        await opts.sendUnlockEmail(user, `${opts.baseUrl}${UNLOCK_PAGE_PATH}#token=${token}`);
        await opts.onEvent?.(user, 'user.sign_in_unlock_requested', meta);
      }, 'sign-in unlock email failed');
      return ctx.json({ status: true });
    },
  );

  const confirmUnlock = createAuthEndpoint(
    UNLOCK_CONFIRM_PATH,
    { method: 'POST', body: z.object({ token: z.string().min(1).max(200) }) },
    async (ctx) => {
      const internal = ctx.context.internalAdapter;
      // Single use: consuming is atomic, a second request with the same token finds nothing.
      const found = await internal.consumeVerificationValue(`${UNLOCK_IDENTIFIER_PREFIX}${ctx.body.token}`);
      const user = found && found.expiresAt > now() ? await internal.findUserById(found.value) : null;
      if (!user) throw new APIError('BAD_REQUEST', { code: 'INVALID_TOKEN', message: 'Invalid or expired link' });
      await issueDeviceCookie(ctx, accountKey(user.email));
      await opts.onEvent?.(user, 'user.sign_in_unlock_confirmed', metaOf(ctx.headers, ctx.headers ? getIP(ctx.headers, ctx.context.options) : null));
      return ctx.json({ status: true, email: user.email });
    },
  );

  return {
    id: 'panops-sign-in-protection',
    endpoints: { requestSignInUnlock: requestUnlock, confirmSignInUnlock: confirmUnlock },
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === '/sign-in/email',
          handler: createAuthMiddleware(async (ctx) => {
            const account = accountKey((ctx.body as { email?: unknown } | undefined)?.email);
            // better-auth refuses a malformed email before any password check: nothing to count.
            if (!isEmail(account)) return;
            const nonce = await trustedNonce(ctx, account);
            const client = (ctx.headers ? getIP(ctx.headers, ctx.context.options) : null) ?? 'unknown';
            const keys: Key[] = nonce
              ? [{ scope: 'device', subject: nonce }]
              : [
                  { scope: 'client', subject: client },
                  { scope: 'untrusted', subject: '' },
                ];
            const decision = await claim(account, keys);
            if (!decision.allowed) throw delayedError(decision.scope, decision.retryAfterSeconds);
            const i = keys.findIndex((k) => k.scope === 'untrusted');
            const handle = ctx.request ?? ctx.headers;
            if (handle) {
              claims.set(handle, {
                account,
                keys,
                untrusted: i < 0 ? undefined : { mine: decision.next[i]!.state.attempts, previous: decision.previous[i] },
              });
            }
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => ctx.path === '/sign-in/email',
          handler: createAuthMiddleware(async (ctx) => {
            const handle = ctx.request ?? ctx.headers;
            const claimed = handle ? claims.get(handle) : undefined;
            if (!claimed) return;
            claims.delete(handle!);
            // A failure stays counted (it was claimed before the check); only a success changes anything.
            if (ctx.context.returned instanceof APIError || !ctx.context.newSession) return;
            await succeeded(claimed);
            // A new nonce on every success: the browser is (still) trusted for this account, with a counter of
            // its own that someone hammering a copied older cookie does not slow down.
            await issueDeviceCookie(ctx, claimed.account);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
