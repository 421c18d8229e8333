import { describe, expect, it } from 'vitest';
import { allLinkFacts, statusOfFacts, suppressedGroups } from '../../server/services/admin.ts';
import { PERSON_LINK_STATUSES } from '../../server/services/enrollment-links.ts';

const hidden = (respondents: number[]) => [...suppressedGroups(respondents, 5)].sort((a, b) => a - b);

describe('small-group suppression of channel figures', () => {
  it('hides nothing when every group has at least 5 respondents', () => {
    expect(hidden([5, 9, 12])).toEqual([]);
  });

  it('hides a lone small group together with the next smallest, so the total minus the rest reveals nothing', () => {
    expect(hidden([20, 3, 7, 9])).toEqual([1, 2]);
  });

  it('keeps hiding until the hidden groups together cover 5 respondents', () => {
    expect(hidden([1, 2, 5, 30])).toEqual([0, 1, 2]);
    expect(hidden([2, 3, 40])).toEqual([0, 1]);
  });

  it('hides everything when the small groups cannot be covered otherwise', () => {
    expect(hidden([1, 6])).toEqual([0, 1]);
    expect(hidden([4])).toEqual([0]);
  });

  it('picks the smallest complement, ties by position', () => {
    expect(hidden([0, 8, 6, 6])).toEqual([0, 2]);
  });
});

describe('link status from grouped facts', () => {
  const now = new Date('2026-03-02T09:00:00Z');
  it('every status is reachable and responded always wins', () => {
    const statuses = new Set(allLinkFacts().map((f) => statusOfFacts(f, now)));
    expect([...statuses].sort()).toEqual([...PERSON_LINK_STATUSES].sort());
    expect(allLinkFacts().filter((f) => f.responded).every((f) => statusOfFacts(f, now) === 'responded')).toBe(true);
  });

  it('an unused link past its expiry is expired even when opened', () => {
    expect(statusOfFacts({ responded: false, link: 'active', expired: true, opened: true, sent: true }, now)).toBe('expired');
    expect(statusOfFacts({ responded: false, link: 'active', expired: false, opened: true, sent: true }, now)).toBe('opened');
    expect(statusOfFacts({ responded: false, link: 'superseded', expired: false, opened: true, sent: true }, now)).toBe('not_sent');
  });
});
