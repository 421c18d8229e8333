/** ISO 639-1 two-letter codes (the deprecated `sh` is left out). */
export const ISO_639_1 = [
  'aa', 'ab', 'ae', 'af', 'ak', 'am', 'an', 'ar', 'as', 'av', 'ay', 'az', 'ba', 'be', 'bg', 'bi', 'bm', 'bn', 'bo',
  'br', 'bs', 'ca', 'ce', 'ch', 'co', 'cr', 'cs', 'cu', 'cv', 'cy', 'da', 'de', 'dv', 'dz', 'ee', 'el', 'en', 'eo',
  'es', 'et', 'eu', 'fa', 'ff', 'fi', 'fj', 'fo', 'fr', 'fy', 'ga', 'gd', 'gl', 'gn', 'gu', 'gv', 'ha', 'he', 'hi',
  'ho', 'hr', 'ht', 'hu', 'hy', 'hz', 'ia', 'id', 'ie', 'ig', 'ii', 'ik', 'io', 'is', 'it', 'iu', 'ja', 'jv', 'ka',
  'kg', 'ki', 'kj', 'kk', 'kl', 'km', 'kn', 'ko', 'kr', 'ks', 'ku', 'kv', 'kw', 'ky', 'la', 'lb', 'lg', 'li', 'ln',
  'lo', 'lt', 'lu', 'lv', 'mg', 'mh', 'mi', 'mk', 'ml', 'mn', 'mr', 'ms', 'mt', 'my', 'na', 'nb', 'nd', 'ne', 'ng',
  'nl', 'nn', 'no', 'nr', 'nv', 'ny', 'oc', 'oj', 'om', 'or', 'os', 'pa', 'pi', 'pl', 'ps', 'pt', 'qu', 'rm', 'rn',
  'ro', 'ru', 'rw', 'sa', 'sc', 'sd', 'se', 'sg', 'si', 'sk', 'sl', 'sm', 'sn', 'so', 'sq', 'sr', 'ss', 'st', 'su',
  'sv', 'sw', 'ta', 'te', 'tg', 'th', 'ti', 'tk', 'tl', 'tn', 'to', 'tr', 'ts', 'tt', 'tw', 'ty', 'ug', 'uk', 'ur',
  'uz', 've', 'vi', 'vo', 'wa', 'wo', 'xh', 'yi', 'yo', 'za', 'zh', 'zu',
] as const;
export type Iso6391 = (typeof ISO_639_1)[number];

const iso6391Set: ReadonlySet<string> = new Set(ISO_639_1);
export function isIso6391(code: string): code is Iso6391 {
  return iso6391Set.has(code);
}

/** Languages the product UI and the consent notice are translated into (pt: European; zh: Simplified). */
export const UI_LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'ja', 'zh', 'ar'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/**
 * Each UI language's name in that language, the same whatever the UI language (a reader finds their own language
 * by its own name). Not in the locale files: these are not translations.
 */
export const UI_LANGUAGE_NAMES: Record<UiLanguage, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
  pt: 'Português',
  it: 'Italiano',
  nl: 'Nederlands',
  ja: '日本語',
  zh: '简体中文',
  ar: 'العربية',
};
export const DEFAULT_UI_LANGUAGE: UiLanguage = 'en';

const uiLanguageSet: ReadonlySet<string> = new Set(UI_LANGUAGES);
export function isUiLanguage(code: string): code is UiLanguage {
  return uiLanguageSet.has(code);
}

/**
 * The portal language of a signed-in user. Their account's language (their own choice, remembered by the server, or
 * the one they were invited in) wins; then a choice made on this device; then, for a customer's own people, the
 * customer's output language when the UI speaks it, else English. Operators work across customers, so without a
 * choice of their own they keep the device's language (null: change nothing).
 */
export function portalLanguage(
  user: { role: string; language: string | null; outputLanguage: string | null },
  deviceChoice: string | null,
): UiLanguage | null {
  for (const choice of [user.language, deviceChoice]) if (choice && isUiLanguage(choice)) return choice;
  if (user.role === 'operator') return null;
  return user.outputLanguage && isUiLanguage(user.outputLanguage) ? user.outputLanguage : DEFAULT_UI_LANGUAGE;
}

/** Picks the first supported UI language from a browser preference list ("fr-CA" matches "fr"). */
export function pickUiLanguage(preferences: readonly string[]): UiLanguage {
  for (const tag of preferences) {
    const base = tag.toLowerCase().split('-')[0] ?? '';
    if (isUiLanguage(base)) return base;
  }
  return DEFAULT_UI_LANGUAGE;
}
