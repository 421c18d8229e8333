import { describe, expect, it } from 'vitest';
import { SESSION_STEPS } from '../../shared/onboarding.ts';
import { formatClock, sessionClock, type ClockStepInput } from '../../shared/session-clock.ts';

const START = '2026-11-30T09:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();
const steps = (done: Record<number, string | null> = {}): ClockStepInput[] =>
  SESSION_STEPS.map((s) => ({ step: s.step, minutes: s.minutes, doneAt: done[s.step] ?? null }));

describe('session clock', () => {
  it('plans 60 minutes and stands still before the start', () => {
    const c = sessionClock(steps({ 1: at(-60) }), null, null, Date.parse(at(5)));
    expect(c.plannedMs).toBe(60 * 60_000);
    expect(c.started).toBe(false);
    expect(c.elapsedMs).toBe(0);
    expect(c.steps.map((s) => s.state)).toEqual(['done', ...Array(7).fill('upcoming')]);
    expect(c.steps.map((s) => s.plannedOffsetMs / 60_000)).toEqual([0, 2, 12, 22, 30, 38, 43, 48]);
  });

  it('counts the first open step as current, and a step done before the start as taking no time', () => {
    const c = sessionClock(steps({ 1: at(-60) }), START, null, Date.parse(at(3.5)));
    expect(c.running).toBe(true);
    expect(c.elapsedMs).toBe(3.5 * 60_000);
    expect(c.steps[0]).toMatchObject({ state: 'done', elapsedMs: 0, beforeStart: true });
    expect(c.steps[1]).toMatchObject({ state: 'current', elapsedMs: 3.5 * 60_000, over: false });
    expect(c.steps[2]).toMatchObject({ state: 'upcoming', elapsedMs: 0 });
  });

  it('measures each done step from the end of the one before, and flags steps over plan', () => {
    const c = sessionClock(steps({ 1: at(-60), 2: at(12), 3: at(20) }), START, null, Date.parse(at(25)));
    expect(c.steps[1]).toMatchObject({ state: 'done', elapsedMs: 12 * 60_000, over: true });
    expect(c.steps[2]).toMatchObject({ state: 'done', elapsedMs: 8 * 60_000, over: false });
    expect(c.steps[3]).toMatchObject({ state: 'current', elapsedMs: 5 * 60_000 });
  });

  it('stops at closing: the clock reads closing time and open steps are not done', () => {
    const c = sessionClock(steps({ 1: at(-60), 2: at(10), 8: at(70) }), START, at(70), Date.parse(at(500)));
    expect(c.running).toBe(false);
    expect(c.elapsedMs).toBe(70 * 60_000);
    expect(c.over).toBe(true);
    // Step 3 was being worked on from 10 minutes until the close, and never done; closing itself took no time.
    expect(c.steps[2]).toMatchObject({ state: 'not_done', elapsedMs: 60 * 60_000 });
    expect(c.steps[7]).toMatchObject({ state: 'done', elapsedMs: 0 });
  });

  it('gives a step marked done while another runs none of its time, and nothing accrues to it afterwards', () => {
    const done = { 1: at(-60), 4: at(5) };
    for (const minutes of [6, 20, 40]) {
      const c = sessionClock(steps(done), START, null, Date.parse(at(minutes)));
      expect(c.steps[3], `at ${minutes} min`).toMatchObject({ state: 'done', elapsedMs: 0, over: false });
      expect(c.steps[1], `at ${minutes} min`).toMatchObject({ state: 'current', elapsedMs: minutes * 60_000 });
    }
  });

  it('moves on to the next open step when the running one is done, skipping steps done out of order', () => {
    const c = sessionClock(steps({ 1: at(-60), 3: at(5), 2: at(10) }), START, null, Date.parse(at(25)));
    expect(c.steps.slice(1, 4).map((s) => [s.state, s.elapsedMs / 60_000])).toEqual([
      ['done', 10],
      ['done', 0],
      ['current', 15],
    ]);
  });

  it('adds the steps up to the session: every minute belongs to exactly one step', () => {
    const done = { 1: at(-60), 2: at(9), 5: at(12), 3: at(21), 6: at(-5), 4: at(30), 7: at(33) };
    for (const [closedAt, now] of [[null, 50], [at(55), 90]] as const) {
      const c = sessionClock(steps(closedAt ? { ...done, 8: closedAt } : done), START, closedAt, Date.parse(at(now)));
      expect(c.steps.reduce((sum, s) => sum + s.elapsedMs, 0)).toBe(c.elapsedMs);
    }
    // Steps 4 and 6 done while step 2 still runs.
    const early = sessionClock(steps({ 1: at(-60), 4: at(5), 6: at(8) }), START, null, Date.parse(at(20)));
    expect(early.steps.reduce((sum, s) => sum + s.elapsedMs, 0)).toBe(early.elapsedMs);
  });

  it('formats durations', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(65_999)).toBe('1:05');
    expect(formatClock(60 * 60_000)).toBe('60:00');
    expect(formatClock(61 * 60_000 + 30_500)).toBe('61:30');
  });
});
