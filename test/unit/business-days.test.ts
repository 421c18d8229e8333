import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  checklistSendWindow,
  isBusinessDay,
  isIsoDate,
  sendStatus,
} from '../../shared/business-days.ts';

describe('business days', () => {
  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(isIsoDate('01/12/2026')).toBe(false);
    expect(() => addBusinessDays('2026-02-30', 1)).toThrow(RangeError);
  });

  it('knows weekends', () => {
    expect(isBusinessDay('2026-11-20')).toBe(true); // Friday
    expect(isBusinessDay('2026-11-21')).toBe(false); // Saturday
    expect(isBusinessDay('2026-11-22')).toBe(false); // Sunday
    expect(isBusinessDay('2026-11-23')).toBe(true); // Monday
  });

  it('skips Saturdays and Sundays in both directions', () => {
    expect(addBusinessDays('2026-11-20', 1)).toBe('2026-11-23'); // Fri + 1 → Mon
    expect(addBusinessDays('2026-11-23', -1)).toBe('2026-11-20'); // Mon − 1 → Fri
    expect(addBusinessDays('2026-11-21', -1)).toBe('2026-11-20'); // Sat − 1 → Fri
    expect(addBusinessDays('2026-11-22', 1)).toBe('2026-11-23'); // Sun + 1 → Mon
    expect(addBusinessDays('2026-11-18', -5)).toBe('2026-11-11'); // Wed − 5 → Wed a week earlier
    expect(addBusinessDays('2026-11-18', 0)).toBe('2026-11-18');
    expect(addBusinessDays('2026-11-18', 10)).toBe('2026-12-02');
  });

  it('crosses month and year ends, and leap days', () => {
    expect(addBusinessDays('2026-12-01', -5)).toBe('2026-11-24'); // Tue → Tue across November's end
    expect(addBusinessDays('2027-01-04', -7)).toBe('2026-12-24'); // Mon → Thu across the new year
    expect(addBusinessDays('2028-03-01', -1)).toBe('2028-02-29'); // Wed → Tue 29 Feb (leap year)
    expect(addBusinessDays('2026-03-02', -1)).toBe('2026-02-27'); // Mon → Fri, no 29 Feb in 2026
  });

  it('gives the send window of a session on a Monday: Thursday to Monday of the week before', () => {
    // Monday 30 November 2026: 5 business days back is Monday 23, 7 back is Thursday 19.
    expect(checklistSendWindow('2026-11-30')).toEqual({ earliest: '2026-11-19', latest: '2026-11-23' });
  });

  it('gives the send window of a mid-week session across a month end', () => {
    // Wednesday 3 March 2027: 5 back is Wednesday 24 Feb, 7 back is Monday 22 Feb.
    expect(checklistSendWindow('2027-03-03')).toEqual({ earliest: '2027-02-22', latest: '2027-02-24' });
  });

  it('gives the send window of a Friday session without weekend days inside the count', () => {
    // Friday 4 December 2026: 5 back is Friday 27 Nov, 7 back is Wednesday 25 Nov.
    expect(checklistSendWindow('2026-12-04')).toEqual({ earliest: '2026-11-25', latest: '2026-11-27' });
  });

  it('tells whether the checklist is early, due or late', () => {
    const w = checklistSendWindow('2026-11-30');
    expect(sendStatus(null, '2026-11-01', false)).toBe('unscheduled');
    expect(sendStatus(w, '2026-11-18', false)).toBe('early');
    expect(sendStatus(w, '2026-11-19', false)).toBe('due');
    expect(sendStatus(w, '2026-11-23', false)).toBe('due');
    expect(sendStatus(w, '2026-11-24', false)).toBe('late');
    expect(sendStatus(w, '2026-11-24', true)).toBe('sent');
  });
});
