import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../server/csv.ts';

describe('CSV export of links', () => {
  it('leaves plain values alone and quotes commas, quotes, line breaks and edge spaces', () => {
    expect(csvField('Ana López')).toBe('Ana López');
    expect(csvField('Smith, John')).toBe('"Smith, John"');
    expect(csvField('Anna "Nan" Lee')).toBe('"Anna ""Nan"" Lee"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded ')).toBe('" padded "');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    for (const danger of ['=1+1', '+1', '-1', '@SUM(A1)']) expect(csvField(danger)).toBe(`'${danger}`);
    expect(csvField('=HYPERLINK("http://x", "y")')).toBe(`"'=HYPERLINK(""http://x"", ""y"")"`);
  });

  it('starts with a UTF-8 BOM, ends rows with CRLF, and reads back exactly', () => {
    const rows = [
      ['name', 'email', 'link'],
      ['山田 太郎', 'taro@example.test', 'https://app.test/enroll/x'],
      ['مريم, "الحسن"', 'm@example.test', 'https://app.test/enroll/y'],
    ];
    const csv = toCsv(rows);
    expect(csv.startsWith('\uFEFFname,email,link\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parse(csv, { bom: true })).toEqual(rows);
  });
});
