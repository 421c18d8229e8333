/**
 * i18next with lazily loaded namespaces: each language's JSON becomes its own chunk, fetched when first needed.
 * The document's lang and dir follow the active language, so Arabic lays out right-to-left.
 */
import i18next from 'i18next';
import resourcesToBackend from 'i18next-resources-to-backend';
import { initReactI18next } from 'react-i18next';
import { DEFAULT_UI_LANGUAGE, isUiLanguage, pickUiLanguage, UI_LANGUAGES, type UiLanguage } from '../../shared/languages.ts';

const STORAGE_KEY = 'panops.language';

type LocaleLoader = () => Promise<unknown>;
/**
 * Loaders by path. The employee app knows only its own namespaces, so its bundle does not carry the map of every
 * portal locale file; the portal registers the rest when it boots (registerLocaleLoaders).
 */
const localeLoaders = new Map<string, LocaleLoader>();

/** Takes `import.meta.glob` results over locale files; keys become "<lng>/<ns>". */
export function registerLocaleLoaders(globbed: Record<string, LocaleLoader>) {
  for (const [path, load] of Object.entries(globbed)) {
    const key = /locales\/([a-z]{2}\/[a-z-]+)\.json$/.exec(path)?.[1];
    if (key) localeLoaders.set(key, load);
  }
}
registerLocaleLoaders(import.meta.glob('./locales/*/{common,enroll,manage}.json'));

function loadLocale(lng: string, ns: string) {
  const load = localeLoaders.get(`${lng}/${ns}`);
  return load ? load() : Promise.reject(new Error(`no locale file ${lng}/${ns}`));
}

/** The language chosen on this device, if any. */
export function storedLanguage(): UiLanguage | null {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored && isUiLanguage(stored) ? stored : null;
}

function initialLanguage(): UiLanguage {
  return storedLanguage() ?? pickUiLanguage(navigator.languages ?? [navigator.language]);
}

function applyDocumentLanguage(lng: string) {
  document.documentElement.lang = lng;
  document.documentElement.dir = i18next.dir(lng);
}

export async function initI18n() {
  i18next.on('languageChanged', applyDocumentLanguage);
  await i18next
    .use(initReactI18next)
    .use(resourcesToBackend(loadLocale))
    .init({
      lng: initialLanguage(),
      fallbackLng: DEFAULT_UI_LANGUAGE,
      supportedLngs: [...UI_LANGUAGES],
      ns: ['common'],
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      react: { useSuspense: true },
    });
}

export function currentLanguage(): UiLanguage {
  const lng = i18next.resolvedLanguage ?? i18next.language;
  return isUiLanguage(lng) ? lng : DEFAULT_UI_LANGUAGE;
}

export async function changeLanguage(lng: UiLanguage, opts: { remember?: boolean } = {}) {
  if (opts.remember ?? true) localStorage.setItem(STORAGE_KEY, lng);
  await i18next.changeLanguage(lng);
}
