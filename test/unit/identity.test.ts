import { describe, expect, it } from 'vitest';
import type { IdentitySnapshot } from '../../server/db/schema.ts';
import { diffIdentity } from '../../server/services/enrollment.ts';
import type { TIdentity } from '../../shared/schemas/enrollment.ts';

const directory: IdentitySnapshot = {
  email: 'Ana.Lopez@Example.com',
  displayName: 'Ana López',
  platformIds: { slack: '@ana', phone: '+44 20 7946 0000' },
};

/** What the employee confirms, starting from the roster unchanged. */
const confirmed = (overrides: Partial<TIdentity> = {}): TIdentity => ({
  email: directory.email,
  displayName: directory.displayName,
  platformIds: { ...directory.platformIds },
  ...overrides,
});

describe('diffIdentity', () => {
  it('no change gives no corrections', () => {
    expect(diffIdentity(directory, confirmed())).toEqual([]);
  });

  it('an email that differs only in case is not a correction', () => {
    expect(diffIdentity(directory, confirmed({ email: 'ana.lopez@example.com' }))).toEqual([]);
    expect(diffIdentity(directory, confirmed({ email: 'ANA.LOPEZ@EXAMPLE.COM' }))).toEqual([]);
  });

  it('a different email is a correction with old and new values', () => {
    expect(diffIdentity(directory, confirmed({ email: 'ana@example.com' }))).toEqual([
      { field: 'email', oldValue: 'Ana.Lopez@Example.com', newValue: 'ana@example.com' },
    ]);
  });

  it('a display name change is a correction with old and new values', () => {
    expect(diffIdentity(directory, confirmed({ displayName: 'Ana María López' }))).toEqual([
      { field: 'displayName', oldValue: 'Ana López', newValue: 'Ana María López' },
    ]);
  });

  it('a platform id that was absent and is now given has oldValue null', () => {
    expect(diffIdentity(directory, confirmed({ platformIds: { ...directory.platformIds, teams: 'ana@corp' } }))).toEqual([
      { field: 'platformIds.teams', oldValue: null, newValue: 'ana@corp' },
    ]);
  });

  it('a platform id cleared to the empty string has newValue ""', () => {
    expect(diffIdentity(directory, confirmed({ platformIds: { ...directory.platformIds, slack: '' } }))).toEqual([
      { field: 'platformIds.slack', oldValue: '@ana', newValue: '' },
    ]);
  });

  it('a platform id removed from the object also reads as cleared', () => {
    expect(diffIdentity(directory, confirmed({ platformIds: { phone: '+44 20 7946 0000' } }))).toEqual([
      { field: 'platformIds.slack', oldValue: '@ana', newValue: '' },
    ]);
  });

  it('a changed platform id is a correction', () => {
    expect(diffIdentity(directory, confirmed({ platformIds: { ...directory.platformIds, slack: '@ana.l' } }))).toEqual([
      { field: 'platformIds.slack', oldValue: '@ana', newValue: '@ana.l' },
    ]);
  });

  it('whitespace-only values are treated as empty on both sides', () => {
    const roster: IdentitySnapshot = { ...directory, platformIds: { ...directory.platformIds, zoom: '   ' } };
    // Roster has whitespace, employee leaves it empty: no change.
    expect(diffIdentity(roster, confirmed({ platformIds: { ...directory.platformIds, zoom: '' } }))).toEqual([]);
    // Roster has whitespace, employee sends whitespace too: no change.
    expect(diffIdentity(roster, confirmed({ platformIds: { ...directory.platformIds, zoom: ' \t ' } }))).toEqual([]);
    // Roster has whitespace, employee fills it in: the old value is null, not the whitespace.
    expect(diffIdentity(roster, confirmed({ platformIds: { ...directory.platformIds, zoom: 'ana.zoom' } }))).toEqual([
      { field: 'platformIds.zoom', oldValue: null, newValue: 'ana.zoom' },
    ]);
    // Roster has a value, employee sends only whitespace: cleared.
    expect(diffIdentity(directory, confirmed({ platformIds: { ...directory.platformIds, slack: '   ' } }))).toEqual([
      { field: 'platformIds.slack', oldValue: '@ana', newValue: '' },
    ]);
  });

  it('surrounding whitespace in the roster value is not a correction', () => {
    const roster: IdentitySnapshot = {
      ...directory,
      displayName: '  Ana López ',
      platformIds: { ...directory.platformIds, slack: ' @ana ' },
    };
    expect(diffIdentity(roster, confirmed())).toEqual([]);
  });

  it('reports every changed field, one correction each', () => {
    const result = diffIdentity(
      directory,
      confirmed({
        email: 'ana@example.com',
        displayName: 'Ana L.',
        platformIds: { slack: '', teams: 'ana@corp', phone: '+44 20 7946 0000' },
      }),
    );
    expect(result.map((c) => c.field).sort()).toEqual(
      ['displayName', 'email', 'platformIds.slack', 'platformIds.teams'].sort(),
    );
  });
});
