/** README's "Who may do what" table is the role matrix of shared/access.ts, row for row. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCESS } from '../../shared/access.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function readmeMatrix(): Record<string, string[]> {
  const section = readme.split('## Who may do what')[1]?.split('\n## ')[0] ?? '';
  const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| capability') && !l.startsWith('|---'));
  return Object.fromEntries(
    rows.map((row) => {
      const [capability, operator, admin, ceo] = row.split('|').slice(1).map((c) => c.trim());
      const roles = (['operator', 'admin', 'ceo'] as const).filter((_, i) => [operator, admin, ceo][i] === '✓');
      return [capability!, roles];
    }),
  );
}

describe('the role matrix in README', () => {
  it('lists every capability with exactly the roles the code gives it', () => {
    expect(readmeMatrix()).toEqual(Object.fromEntries(Object.entries(ACCESS).map(([c, roles]) => [c, [...roles]])));
  });
});
