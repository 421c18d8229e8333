/**
 * The sign-in throttle's policy, as pure functions (ADR 0012). Each key — (account, client address),
 * (account, every untrusted browser), (account, device cookie), (account, unlock emails) — counts attempts. The
 * first `free` attempts go through at once; after that a key must wait `delayAfter(rule, attempts)` before its next
 * attempt is even checked. There is no hard lock: the wait is bounded by `capSeconds`, and a key left alone for
 * DECAY_SECONDS starts again from zero. The database side (one row per key, shared by every server process) is in
 * sign-in-protection.ts.
 */
import type { SignInThrottleScope } from '../db/schema.ts';

export type ThrottleRule = {
  /** Attempts that go through without any wait. */
  free: number;
  /** The wait after the `free`-th attempt; it doubles with each further attempt... */
  baseSeconds: number;
  /** ...up to this. */
  capSeconds: number;
};

const MINUTE = 60;

/** The numbers of ADR 0012. */
export const THROTTLE_RULES = {
  /** One untrusted browser's address, per account: the owner's typos, or one attacker's address. */
  client: { free: 5, baseSeconds: MINUTE, capSeconds: 15 * MINUTE },
  /** Every browser without the account's device cookie together: bounds an attacker who rotates addresses. */
  untrusted: { free: 10, baseSeconds: MINUTE, capSeconds: 60 * MINUTE },
  /** One trusted browser (device cookie), per account: a stolen device cookie is still slow. */
  device: { free: 5, baseSeconds: MINUTE, capSeconds: 60 * MINUTE },
  /** Unlock emails requested for one account (whoever asks): bounds the email an attacker can trigger. */
  unlock: { free: 3, baseSeconds: 10 * MINUTE, capSeconds: 60 * MINUTE },
} as const satisfies Record<SignInThrottleScope, ThrottleRule>;

/** A key with no attempt for this long is forgotten: occasional typos over months never add up. */
export const DECAY_SECONDS = 24 * 60 * MINUTE;

/** Seconds a key waits after its `attempts`-th counted attempt: 0 while free, then base·2^(attempts−free), capped. */
export function delayAfter(rule: ThrottleRule, attempts: number): number {
  if (attempts < rule.free) return 0;
  return Math.min(rule.capSeconds, rule.baseSeconds * 2 ** (attempts - rule.free));
}

export type KeyState = { attempts: number; lastAttemptAt: Date; nextAttemptAt: Date | null };

/** The state that still counts at `now`: a key quiet for DECAY_SECONDS is as good as new. */
export function liveState(state: KeyState | undefined, now: Date): KeyState | undefined {
  if (!state) return undefined;
  return now.getTime() - state.lastAttemptAt.getTime() >= DECAY_SECONDS * 1000 ? undefined : state;
}

export type ThrottleKey<S extends string = SignInThrottleScope> = { scope: S; rule: ThrottleRule; state: KeyState | undefined };

export type ThrottleDecision<S extends string = SignInThrottleScope> =
  | { allowed: true; next: Array<{ scope: S; state: KeyState }> }
  | { allowed: false; retryAfterSeconds: number; scope: S };

/**
 * One attempt over a set of keys, all or nothing: refused (nothing counted) while any key is waiting, with the
 * longest wait; otherwise every key counts the attempt and gets its next wait.
 */
export function decide<S extends string>(keys: Array<ThrottleKey<S>>, now: Date): ThrottleDecision<S> {
  let worst: { scope: S; until: number } | undefined;
  for (const key of keys) {
    const until = liveState(key.state, now)?.nextAttemptAt?.getTime();
    if (until !== undefined && until > now.getTime() && (!worst || until > worst.until)) worst = { scope: key.scope, until };
  }
  if (worst) return { allowed: false, scope: worst.scope, retryAfterSeconds: Math.ceil((worst.until - now.getTime()) / 1000) };
  return {
    allowed: true,
    next: keys.map((key) => {
      const attempts = (liveState(key.state, now)?.attempts ?? 0) + 1;
      const wait = delayAfter(key.rule, attempts);
      return {
        scope: key.scope,
        state: { attempts, lastAttemptAt: now, nextAttemptAt: wait > 0 ? new Date(now.getTime() + wait * 1000) : null },
      };
    }),
  };
}

/**
 * The most attempts that get checked within `seconds` by an attacker who retries the moment each wait ends, with
 * every attempt failing, when each attempt counts against all `rules` (one address: client + untrusted) or a
 * single one (a new address each time: untrusted only). The ADR's numbers come from here.
 */
export function maxCheckedAttempts(rules: ThrottleRule[], seconds: number): number {
  const keys = rules.map((rule) => ({ rule, attempts: 0, next: 0 }));
  let checked = 0;
  for (;;) {
    const at = Math.max(...keys.map((k) => k.next));
    if (at >= seconds) return checked;
    checked++;
    for (const key of keys) {
      key.attempts++;
      key.next = at + delayAfter(key.rule, key.attempts);
    }
  }
}
