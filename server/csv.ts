/** Writing CSV for people to open in a spreadsheet: links export, roster error report. */

/** RFC 4180 field; a leading = + - @ is defused so a spreadsheet shows the text instead of running it. */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** UTF-8 BOM + CRLF rows: what Excel and Numbers read correctly, non-Latin names included. */
export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
