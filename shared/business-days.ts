/**
 * Calendar dates as `YYYY-MM-DD` strings and business-day arithmetic on them (Saturdays and Sundays are not
 * business days; public holidays are not modelled). Dates carry no time zone: arithmetic runs on UTC midnights so a
 * daylight-saving change can never shift a day.
 */
import { CHECKLIST_LEAD_BUSINESS_DAYS } from './onboarding.ts';

export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Whether `value` is a real calendar date written as YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function toUtc(date: IsoDate): Date {
  if (!isIsoDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  return new Date(`${date}T00:00:00Z`);
}

const fromUtc = (d: Date): IsoDate => d.toISOString().slice(0, 10);

/** The calendar date (in UTC) of an instant. */
export const isoDateOf = (instant: Date): IsoDate => fromUtc(instant);

/** The UTC midnight that stands for a calendar date where a timestamp is stored. */
export const instantOfIsoDate = (date: IsoDate): Date => toUtc(date);

export function isBusinessDay(date: IsoDate): boolean {
  const day = toUtc(date).getUTCDay();
  return day !== 0 && day !== 6;
}

/**
 * Moves `days` business days from `date` (negative: backwards). Counting starts from the day after (or before)
 * `date`, so the start itself may be a weekend: one business day before a Saturday or a Monday is the Friday.
 */
export function addBusinessDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`Not a whole number of days: ${days}`);
  const step = days < 0 ? -1 : 1;
  let cursor = toUtc(date).getTime();
  for (let left = Math.abs(days); left > 0; ) {
    cursor += step * DAY_MS;
    const weekday = new Date(cursor).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return fromUtc(new Date(cursor));
}

export type SendWindow = { earliest: IsoDate; latest: IsoDate };

/** When the pre-onboarding checklist goes out: between 7 and 5 business days before the session (seed 000). */
export function checklistSendWindow(sessionDate: IsoDate): SendWindow {
  return {
    earliest: addBusinessDays(sessionDate, -CHECKLIST_LEAD_BUSINESS_DAYS.earliest),
    latest: addBusinessDays(sessionDate, -CHECKLIST_LEAD_BUSINESS_DAYS.latest),
  };
}

export const SEND_STATUSES = ['unscheduled', 'sent', 'early', 'due', 'late'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/** Where `today` falls against the send window; once the checklist has been sent that is all that matters. */
export function sendStatus(window: SendWindow | null, today: IsoDate, sent: boolean): SendStatus {
  if (sent) return 'sent';
  if (!window) return 'unscheduled';
  // ISO dates compare correctly as strings.
  if (today < window.earliest) return 'early';
  if (today <= window.latest) return 'due';
  return 'late';
}
