/**
 * The onboarding session's running clock: planned vs elapsed per step and overall. Pure, so the client can tick it
 * every second from the times the server stores (startedAt, closedAt, when each step was done).
 */
import { SESSION_TOTAL_MINUTES } from './onboarding.ts';

export type ClockStepInput = { step: number; minutes: number; doneAt: string | null };
export type ClockStepState = 'done' | 'current' | 'upcoming' | 'not_done';

export type ClockStep = {
  step: number;
  plannedMs: number;
  /** Planned start, from the session start. */
  plannedOffsetMs: number;
  elapsedMs: number;
  state: ClockStepState;
  /** Done before the clock started (the customer account, for instance). */
  beforeStart: boolean;
  over: boolean;
};

export type Clock = {
  started: boolean;
  running: boolean;
  elapsedMs: number;
  plannedMs: number;
  over: boolean;
  steps: ClockStep[];
};

const MINUTE_MS = 60_000;

/**
 * Time goes to one step at a time: the first step in order not yet done is the one being worked on, and it runs
 * from when it became that step until it is done or the session closes. A step done out of order (marked while an
 * earlier one still runs, or done by the system before its turn) takes none of the running step's time, and once
 * done nothing accrues to it. So the steps' elapsed times add up to the session's.
 */
export function sessionClock(
  steps: readonly ClockStepInput[],
  startedAt: string | null,
  closedAt: string | null,
  nowMs: number,
  totalMinutes: number = SESSION_TOTAL_MINUTES,
): Clock {
  // The session's plan includes a buffer beyond the steps' own minutes.
  const plannedMs = Math.max(totalMinutes, steps.reduce((sum, s) => sum + s.minutes, 0)) * MINUTE_MS;
  const start = startedAt ? Date.parse(startedAt) : null;
  const end = Math.max(closedAt ? Date.parse(closedAt) : nowMs, start ?? 0);
  const doneAt = steps.map((s) => (s.doneAt ? Date.parse(s.doneAt) : null));
  const elapsed = steps.map(() => 0);
  let current = -1;
  if (start !== null) {
    // Walk the session from start to end, cut at every moment a step was done in between.
    const cuts = [...new Set(doneAt.filter((t): t is number => t !== null && t > start && t < end))].sort((a, b) => a - b);
    let from = start;
    for (const to of [...cuts, end]) {
      current = doneAt.findIndex((t) => t === null || t > from);
      if (current >= 0) elapsed[current]! += to - from;
      from = to;
    }
    current = doneAt.findIndex((t) => t === null || t > end);
  }
  let plannedOffsetMs = 0;
  const out: ClockStep[] = steps.map((s, i) => {
    const planned = s.minutes * MINUTE_MS;
    const done = doneAt[i] !== null && (start === null || doneAt[i]! <= end);
    const state: ClockStepState = done
      ? 'done'
      : start === null
        ? 'upcoming'
        : closedAt
          ? 'not_done'
          : i === current
            ? 'current'
            : 'upcoming';
    const step = {
      step: s.step,
      plannedMs: planned,
      plannedOffsetMs,
      elapsedMs: elapsed[i]!,
      state,
      beforeStart: doneAt[i] !== null && start !== null && doneAt[i]! <= start,
      over: elapsed[i]! > planned,
    };
    plannedOffsetMs += planned;
    return step;
  });
  const elapsedMs = start === null ? 0 : end - start;
  return {
    started: start !== null,
    running: start !== null && !closedAt,
    elapsedMs,
    plannedMs,
    over: elapsedMs > plannedMs,
    steps: out,
  };
}

/** `m:ss`, minutes past 59 included (a session is planned in minutes: "61:30 of 60:00"); the sign is the caller's. */
export function formatClock(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
