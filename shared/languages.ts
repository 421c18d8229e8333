// The ISO 639-1 list lives in its own module so the employee app, which needs only the UI languages, does not
// carry it; re-exported here for existing importers.
export { ISO_639_1, isIso6391, type Iso6391 } from './iso-639-1.ts';

/** Languages the product UI and the consent notice are translated into (pt: European; zh: Simplified). */
export const UI_LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'ja', 'zh', 'ar'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/**
 * A UI language's name in that language ("Deutsch", "日本語"), the same whatever the UI language, so a reader finds
 * their own. From Intl rather than a table or the locale files: nothing to translate, nothing to ship.
 */
export function uiLanguageName(lng: UiLanguage): string {
  const name = new Intl.DisplayNames([lng], { type: 'language' }).of(lng === 'zh' ? 'zh-Hans' : lng) ?? lng;
  return name.charAt(0).toLocaleUpperCase(lng) + name.slice(1);
}
export const DEFAULT_UI_LANGUAGE: UiLanguage = 'en';

const uiLanguageSet: ReadonlySet<string> = new Set(UI_LANGUAGES);
export function isUiLanguage(code: string): code is UiLanguage {
  return uiLanguageSet.has(code);
}

/** Picks the first supported UI language from a browser preference list ("fr-CA" matches "fr"). */
export function pickUiLanguage(preferences: readonly string[]): UiLanguage {
  for (const tag of preferences) {
    const base = tag.toLowerCase().split('-')[0] ?? '';
    if (isUiLanguage(base)) return base;
  }
  return DEFAULT_UI_LANGUAGE;
}
