/** The sign-in throttle's policy (server/auth/throttle.ts): delays, decay, all-or-nothing claims, the ADR's bounds. */
import { describe, expect, it } from 'vitest';
import {
  DECAY_SECONDS,
  decide,
  delayAfter,
  liveState,
  maxCheckedAttempts,
  THROTTLE_RULES,
  type KeyState,
} from '../../server/auth/throttle.ts';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1) + seconds * 1000);

describe('delayAfter', () => {
  it('is free for the first attempts, then doubles from the base up to the cap', () => {
    const rule = { free: 5, baseSeconds: 60, capSeconds: 900 };
    expect([1, 2, 3, 4].map((n) => delayAfter(rule, n))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10, 50].map((n) => delayAfter(rule, n))).toEqual([60, 120, 240, 480, 900, 900, 900]);
  });

  it('never hard-locks: every rule has a finite cap of at most an hour', () => {
    for (const rule of Object.values(THROTTLE_RULES)) {
      expect(delayAfter(rule, 10_000)).toBe(rule.capSeconds);
      expect(rule.capSeconds).toBeLessThanOrEqual(3600);
    }
  });
});

describe('decide', () => {
  const client = THROTTLE_RULES.client;
  const untrusted = THROTTLE_RULES.untrusted;
  const state = (attempts: number, last: number, next: number | null): KeyState => ({
    attempts,
    lastAttemptAt: at(last),
    nextAttemptAt: next === null ? null : at(next),
  });

  it('counts an attempt on every key when none waits', () => {
    const decision = decide(
      [
        { scope: 'client', rule: client, state: state(4, 0, null) },
        { scope: 'untrusted', rule: untrusted, state: undefined },
      ],
      at(10),
    );
    expect(decision).toEqual({
      allowed: true,
      next: [
        { scope: 'client', state: state(5, 10, 70) },
        { scope: 'untrusted', state: state(1, 10, null) },
      ],
    });
  });

  it('refuses while any key waits, with the longest wait, and counts nothing', () => {
    const decision = decide(
      [
        { scope: 'client', rule: client, state: state(5, 0, 60) },
        { scope: 'untrusted', rule: untrusted, state: state(12, 0, 240) },
      ],
      at(30),
    );
    expect(decision).toEqual({ allowed: false, scope: 'untrusted', retryAfterSeconds: 210 });
  });

  it('rounds a partial second of wait up', () => {
    const decision = decide([{ scope: 'client', rule: client, state: state(5, 0, 60) }], new Date(at(59).getTime() + 1));
    expect(decision).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it('forgets a key after a day without attempts', () => {
    const old = state(40, 0, 3600);
    expect(liveState(old, at(DECAY_SECONDS - 1))).toBe(old);
    expect(liveState(old, at(DECAY_SECONDS))).toBeUndefined();
    const decision = decide([{ scope: 'client', rule: client, state: old }], at(DECAY_SECONDS));
    expect(decision).toEqual({ allowed: true, next: [{ scope: 'client', state: state(1, DECAY_SECONDS, null) }] });
  });
});

describe('the bounds written in ADR 0012', () => {
  const { client, untrusted, device, unlock } = THROTTLE_RULES;
  const HOUR = 3600;

  it('one address: 11 password checks in the first hour, 37 in the first day', () => {
    expect(maxCheckedAttempts([client, untrusted], HOUR)).toBe(11);
    expect(maxCheckedAttempts([client, untrusted], 24 * HOUR)).toBe(37);
  });

  it('any number of addresses: 15 in the first hour, 38 in the first day, then 24 a day', () => {
    expect(maxCheckedAttempts([untrusted], HOUR)).toBe(15);
    expect(maxCheckedAttempts([untrusted], 24 * HOUR)).toBe(38);
    expect(maxCheckedAttempts([untrusted], 48 * HOUR) - maxCheckedAttempts([untrusted], 24 * HOUR)).toBe(24);
    expect(maxCheckedAttempts([untrusted], 365 * 24 * HOUR)).toBeLessThan(9000);
  });

  it('a copied device cookie: 10 in the first hour, 33 in the first day', () => {
    expect(maxCheckedAttempts([device], HOUR)).toBe(10);
    expect(maxCheckedAttempts([device], 24 * HOUR)).toBe(33);
  });

  it('unlock emails to one account: at most 28 a day, whoever asks', () => {
    expect(maxCheckedAttempts([unlock], 24 * HOUR)).toBe(28);
  });
});
