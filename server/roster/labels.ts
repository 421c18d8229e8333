/**
 * Column names and error texts for the "errors as CSV" download, from the portal's own `roster` locale files so
 * the download reads like the screen (and the i18n parity test covers it).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_UI_LANGUAGE, type UiLanguage } from '../../shared/languages.ts';
import type { RosterFieldKey, RowErrorCode } from '../../shared/roster.ts';

const localesDir = fileURLToPath(new URL('../../client/i18n/locales', import.meta.url));

type RosterLocale = {
  fields: Record<RosterFieldKey, string>;
  rowErrors: Record<RowErrorCode, string>;
  errorsCsv: { row: string; field: string; problem: string; value: string; firstRow: string };
};

const cache = new Map<UiLanguage, RosterLocale>();
function locale(language: UiLanguage): RosterLocale {
  let found = cache.get(language);
  if (!found) {
    found = JSON.parse(readFileSync(`${localesDir}/${language}/roster.json`, 'utf8')) as RosterLocale;
    cache.set(language, found);
  }
  return found;
}

export function csvLabels(language: UiLanguage = DEFAULT_UI_LANGUAGE) {
  const l = locale(language);
  const c = l.errorsCsv;
  return {
    columns: [c.row, c.field, c.problem, c.value, c.firstRow] as [string, string, string, string, string],
    field: (f: RosterFieldKey) => l.fields[f],
    code: (code: RowErrorCode) => l.rowErrors[code],
  };
}
