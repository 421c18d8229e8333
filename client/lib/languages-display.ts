/**
 * ISO 639-1 languages as people know them: each by its native name and by its name in the UI language, searchable
 * by either name or by the code. Names come from Intl.DisplayNames (CLDR) where the runtime has them; browsers ship
 * a trimmed CLDR (Chromium has no name at all for 51 of the 183 codes, and its own-language names only for the
 * locales it carries), so the rest come from two maintained tables: iso-639-1's native names and
 * @cospired/i18n-iso-languages's names in each UI language (loaded for the UI language only).
 */
import ISO6391 from 'iso-639-1';
import { ISO_639_1 } from '../../shared/iso-639-1.ts';
import type { UiLanguage } from '../../shared/languages.ts';

export type LanguageNames = Readonly<Record<string, string>>;
type NamesModule = { default: { languages: LanguageNames } };

const NAME_TABLES: Record<UiLanguage, () => Promise<NamesModule>> = {
  en: () => import('@cospired/i18n-iso-languages/langs/en.json', { with: { type: 'json' } }),
  es: () => import('@cospired/i18n-iso-languages/langs/es.json', { with: { type: 'json' } }),
  fr: () => import('@cospired/i18n-iso-languages/langs/fr.json', { with: { type: 'json' } }),
  de: () => import('@cospired/i18n-iso-languages/langs/de.json', { with: { type: 'json' } }),
  pt: () => import('@cospired/i18n-iso-languages/langs/pt.json', { with: { type: 'json' } }),
  it: () => import('@cospired/i18n-iso-languages/langs/it.json', { with: { type: 'json' } }),
  nl: () => import('@cospired/i18n-iso-languages/langs/nl.json', { with: { type: 'json' } }),
  ja: () => import('@cospired/i18n-iso-languages/langs/ja.json', { with: { type: 'json' } }),
  zh: () => import('@cospired/i18n-iso-languages/langs/zh.json', { with: { type: 'json' } }),
  ar: () => import('@cospired/i18n-iso-languages/langs/ar.json', { with: { type: 'json' } }),
};

/** The table of names in `uiLanguage` for the codes the runtime's Intl cannot name. */
export async function loadLanguageNames(uiLanguage: UiLanguage): Promise<LanguageNames> {
  return (await NAME_TABLES[uiLanguage]()).default.languages;
}

/** Intl's name, or undefined where it has none (it would otherwise answer with the bare code). */
function intlName(locale: string, code: string): string | undefined {
  try {
    const name = new Intl.DisplayNames([locale], { type: 'language', fallback: 'none' }).of(code);
    return name && name !== code ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The language's name in itself: Intl's when the runtime carries that locale (else it names it in another language). */
export function nativeLanguageName(code: string): string {
  try {
    const names = new Intl.DisplayNames([code], { type: 'language', fallback: 'none' });
    if (new Intl.Locale(names.resolvedOptions().locale).language === code) {
      const name = names.of(code);
      if (name && name !== code) return name;
    }
  } catch {
    // an invalid tag: the table below, or the code
  }
  return ISO6391.getNativeName(code) || code;
}

/** The language's name in the UI language: Intl's, else the loaded table's (English's, if given instead). */
export function languageNameIn(uiLanguage: string, code: string, table: LanguageNames | undefined): string | undefined {
  return intlName(uiLanguage, code) ?? table?.[code];
}

/** A customer's output language as shown in lists: its native name and its code, e.g. "日本語 (ja)". */
export function outputLanguageLabel(code: string): string {
  const native = nativeLanguageName(code);
  return native === code ? code : `${native} (${code})`;
}

export type LanguageOption = {
  code: string;
  native: string;
  /** In the UI language; undefined only while its table loads. */
  name: string | undefined;
  /** "日本語 — Japanese (ja)"; the native name alone when both are the same ("English (en)" in English). */
  label: string;
};

/** Every ISO 639-1 language, sorted by its name in the UI language (native name while the table loads). */
export function outputLanguageOptions(uiLanguage: string, table?: LanguageNames): LanguageOption[] {
  const options = ISO_639_1.map((code) => {
    const native = nativeLanguageName(code);
    const name = languageNameIn(uiLanguage, code, table);
    const both = name && name.toLocaleLowerCase(uiLanguage) !== native.toLocaleLowerCase(uiLanguage);
    return { code, native, name, label: `${both ? `${native} — ${name}` : native} (${code})` };
  });
  const collator = new Intl.Collator(uiLanguage);
  return options.sort((a, b) => collator.compare(a.name ?? a.native, b.name ?? b.native));
}

/** Case and accents folded, so "francais" finds "Français" and "ESP" finds "español". */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('en');

/** Whether an option answers a search: its code, or a part of its native or UI-language name. */
export function matchesLanguage(option: LanguageOption, query: string): boolean {
  const q = fold(query.trim());
  if (q === '') return true;
  if (option.code === q) return true;
  return [option.native, option.name ?? ''].some((name) => fold(name).includes(q));
}
