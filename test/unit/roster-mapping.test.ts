import { describe, expect, it } from 'vitest';
import { detectDelimiter, readCsv, uniqueHeaders } from '../../server/roster/csv.ts';
import { guessField, mappingStatus, normalizeHeader, suggestMapping } from '../../shared/roster.ts';

describe('header auto-mapping', () => {
  it.each([
    ['Work Email', 'email'],
    ['E-mail Address', 'email'],
    ['Email', 'email'],
    ['  EMAIL  ', 'email'],
    ['email_address', 'email'],
    ['WorkEmail', 'email'],
    ['Full Name', 'name'],
    ['Name', 'name'],
    ['full-name', 'name'],
    ['Dept', 'department'],
    ['Department', 'department'],
    ['Office', 'location'],
    ['Location', 'location'],
    ['Title', 'role'],
    ['Role', 'role'],
    ['Job Title', 'role'],
    ['Slack ID', 'slack'],
    ['Slack', 'slack'],
    ['SlackID', 'slack'],
    ['Mobile', 'phone'],
    ['Phone', 'phone'],
    ['Mobile Phone', 'phone'],
    ['Teams', 'teams'],
    ['Teams Email', 'teams'],
    ['Zoom', 'zoom'],
    ['Département', 'department'],
  ] as const)('%s → %s', (header, field) => {
    expect(guessField(header)).toBe(field);
  });

  it('leaves unknown headers unmapped', () => {
    expect(guessField('Employee ID')).toBeNull();
    expect(guessField('Start date')).toBeNull();
    expect(guessField('')).toBeNull();
  });

  it('normalizes case, accents, punctuation and spacing', () => {
    expect(normalizeHeader('  E-Mail__Addréss ')).toBe('e mail address');
  });

  it('never suggests one field for two columns', () => {
    expect(suggestMapping(['Email', 'Work Email', 'Name'])).toEqual({ Email: 'email', 'Work Email': null, Name: 'name' });
  });

  it('prefers the mapping the customer confirmed last time over the guess', () => {
    const remembered = { Office: null, Site: 'location' as const, Email: 'teams' as const, Gone: 'phone' as const };
    expect(suggestMapping(['Name', 'Email', 'Work Email', 'Office', 'Site'], remembered)).toEqual({
      Name: 'name',
      Email: 'teams',
      'Work Email': 'email',
      Office: null,
      Site: 'location',
    });
  });

  it('marks required fields green, others yellow, and lists missing required fields (red)', () => {
    const status = mappingStatus(['A', 'B', 'C'], { A: 'email', B: 'department', C: null });
    expect(status.columns).toEqual([
      { header: 'A', field: 'email', status: 'ok' },
      { header: 'B', field: 'department', status: 'warn' },
      { header: 'C', field: null, status: 'ignored' },
    ]);
    expect(status.missingRequired).toEqual(['name']);
    expect(status.missingRecommended).toEqual(['location', 'role']);
  });
});

describe('delimiter detection', () => {
  it.each([
    ['Name,Email,Dept\na,b,c', ','],
    ['Name;Email;Dept\na;b;c', ';'],
    ['Name\tEmail\tDept\na\tb\tc', '\t'],
    ['\uFEFFName;Email\n', ';'],
    // Delimiters inside quotes do not count.
    ['"Name, full";"Email, work";Dept\n', ';'],
    ['"a;b;c;d",Email,Dept\n', ','],
    // Only the header line counts, also with CRLF.
    ['Name;Email\r\na,b,c,d,e,f', ';'],
    ['Name\n', ','],
    ['', ','],
  ] as const)('%j → %j', (sample, expected) => {
    expect(detectDelimiter(sample)).toBe(expected);
  });
});

describe('CSV reading', () => {
  const chunks = (text: string, size: number) =>
    (async function* () {
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })();

  it('names blank headers and tells repeated ones apart', () => {
    expect(uniqueHeaders(['Name', '', 'Email', 'Email', ' Name '])).toEqual(['Name', 'Column 2', 'Email', 'Email (2)', 'Name (2)']);
  });

  it('reads multi-byte names split across chunks, and hashes the bytes', async () => {
    const text = '\uFEFFName;Email\r\n"Иванова; Анна";anna@example.com\r\n王芳;wang@example.com\r\n';
    const reader = await readCsv(chunks(text, 3), 1000);
    const rows = [];
    for await (const r of reader.records) rows.push(r);
    expect(reader.headers).toEqual(['Name', 'Email']);
    expect(rows).toEqual([
      { row: 2, values: ['Иванова; Анна', 'anna@example.com'] },
      { row: 3, values: ['王芳', 'wang@example.com'] },
    ]);
    expect(reader.contentHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(reader.bytesRead()).toBe(Buffer.byteLength(text));
  });

  it('stops reading past the limit', async () => {
    const text = `Name,Email\n${'a,b\n'.repeat(100)}`;
    let pulled = 0;
    const source = (async function* () {
      for await (const chunk of chunks(text, 16)) {
        pulled += chunk.length;
        yield chunk;
      }
    })();
    await expect(
      (async () => {
        const reader = await readCsv(source, 100);
        for await (const _ of reader.records);
      })(),
    ).rejects.toThrow('IMPORT_TOO_LARGE');
    expect(pulled).toBeLessThanOrEqual(116);
  });
});
