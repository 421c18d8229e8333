/**
 * Email texts, localized with i18next from the same locale files as the UI (namespace `emails`), so the parity
 * test covers them too. Rendered in the recipient's language when known.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';
import { DEFAULT_UI_LANGUAGE, isUiLanguage, UI_LANGUAGES, type UiLanguage } from '../../shared/languages.ts';

const localesDir = fileURLToPath(new URL('../../client/i18n/locales', import.meta.url));

export const EMAIL_KINDS = ['invite', 'password_reset', 'enrollment_link', 'checklist'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

let translate: TFunction<'emails'> | undefined;

function load(): TFunction<'emails'> {
  if (translate) return translate;
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: DEFAULT_UI_LANGUAGE,
    fallbackLng: DEFAULT_UI_LANGUAGE,
    supportedLngs: [...UI_LANGUAGES],
    ns: ['emails'],
    defaultNS: 'emails',
    interpolation: { escapeValue: false },
    resources: Object.fromEntries(
      UI_LANGUAGES.map((lng) => [
        lng,
        { emails: JSON.parse(readFileSync(`${localesDir}/${lng}/emails.json`, 'utf8')) as Record<string, unknown> },
      ]),
    ),
  });
  translate = instance.getFixedT(null, 'emails');
  return translate;
}

export type RenderedEmail = { subject: string; text: string };

/** `vars` fill the {{placeholders}} of `<kind>.subject` and `<kind>.body`. */
export function renderEmail(kind: EmailKind, language: string | null | undefined, vars: Record<string, string>): RenderedEmail {
  const t = load();
  const lng: UiLanguage = language && isUiLanguage(language) ? language : DEFAULT_UI_LANGUAGE;
  return {
    subject: t(`${kind}.subject`, { ...vars, lng }),
    text: t(`${kind}.body`, { ...vars, lng }),
  };
}
