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
 * Steps are worked in order: a step starts when the one before it was done (or when the session started) and ends
 * when it is done. The first step not yet done is the current one and keeps counting until the session closes.
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
  let plannedOffsetMs = 0;
  const start = startedAt ? Date.parse(startedAt) : null;
  const end = closedAt ? Date.parse(closedAt) : nowMs;
  let cursor = start;
  let currentFound = false;
  const out: ClockStep[] = [];
  for (const s of steps) {
    const planned = s.minutes * MINUTE_MS;
    const doneAt = s.doneAt ? Date.parse(s.doneAt) : null;
    let elapsedMs = 0;
    let state: ClockStepState;
    if (doneAt !== null) {
      state = 'done';
      if (cursor !== null) {
        const finished = Math.min(Math.max(doneAt, cursor), Math.max(end, cursor));
        elapsedMs = finished - cursor;
        cursor = finished;
      }
    } else if (cursor === null) {
      state = 'upcoming';
    } else if (closedAt) {
      state = 'not_done';
    } else if (!currentFound) {
      state = 'current';
      currentFound = true;
      elapsedMs = Math.max(0, end - cursor);
    } else {
      state = 'upcoming';
    }
    out.push({
      step: s.step,
      plannedMs: planned,
      plannedOffsetMs,
      elapsedMs,
      state,
      beforeStart: doneAt !== null && start !== null && doneAt <= start,
      over: elapsedMs > planned,
    });
    plannedOffsetMs += planned;
  }
  const elapsedMs = start === null ? 0 : Math.max(0, end - start);
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
