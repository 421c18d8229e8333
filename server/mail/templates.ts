/**
 * Email texts, localized with i18next from the same locale files as the UI (namespace `emails`), so the parity
 * test covers them too. Rendered in the recipient's language when known.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';
import { DEFAULT_UI_LANGUAGE, isUiLanguage, UI_LANGUAGES, type UiLanguage } from '../../shared/languages.ts';

const localesDir = fileURLToPath(new URL('../../client/i18n/locales', import.meta.url));

export const EMAIL_KINDS = ['invite', 'password_reset', 'sign_in_unlock', 'enrollment_link', 'checklist'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/**
 * Namespaces the server writes from: the email texts, the onboarding runbook texts the checklist email lists, and
 * the Archive's headings (with the shared channel names) for a session exported as markdown, and the error messages
 * of HTTP answers (the same `errors.<code>` texts the apps show).
 */
const NAMESPACES = ['emails', 'onboarding', 'archive', 'common', 'portal'] as const;
let instance: ReturnType<typeof i18next.createInstance> | undefined;

function load() {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    initAsync: false,
    lng: DEFAULT_UI_LANGUAGE,
    fallbackLng: DEFAULT_UI_LANGUAGE,
    supportedLngs: [...UI_LANGUAGES],
    ns: [...NAMESPACES],
    defaultNS: 'emails',
    interpolation: { escapeValue: false },
    resources: Object.fromEntries(
      UI_LANGUAGES.map((lng) => [
        lng,
        Object.fromEntries(
          NAMESPACES.map((ns) => [ns, JSON.parse(readFileSync(`${localesDir}/${lng}/${ns}.json`, 'utf8')) as Record<string, unknown>]),
        ),
      ]),
    ),
  });
  instance = created;
  return created;
}

/** The email language for `language`: a UI language, else the default. */
export const emailLanguage = (language: string | null | undefined): UiLanguage =>
  language && isUiLanguage(language) ? language : DEFAULT_UI_LANGUAGE;

/** Runbook texts (namespace `onboarding`) in an email's language, for emails that list them. */
export function onboardingTexts(language: string | null | undefined): TFunction<'onboarding'> {
  return load().getFixedT(emailLanguage(language), 'onboarding');
}

/** Texts of the Archive namespace (the markdown export) in `language`, else the default language. */
export function archiveTexts(language: string | null | undefined): TFunction<['archive', 'common']> {
  return load().getFixedT(emailLanguage(language), ['archive', 'common']);
}

export type RenderedEmail = { subject: string; text: string };

/** `vars` fill the {{placeholders}} of `<kind>.subject` and `<kind>.body`. */
export function renderEmail(kind: EmailKind, language: string | null | undefined, vars: Record<string, string>): RenderedEmail {
  const t: TFunction<'emails'> = load().getFixedT(null, 'emails');
  const lng = emailLanguage(language);
  return {
    subject: t(`${kind}.subject`, { ...vars, lng }),
    text: t(`${kind}.body`, { ...vars, lng }),
  };
}

/** The message of an error code in `language` (common texts first, then the portal's), for HTTP error bodies. */
export function errorMessage(code: string, language: string | null | undefined): string {
  const t = load().getFixedT(emailLanguage(language), ['common', 'portal']);
  return t([`common:errors.${code}`, `portal:errors.${code}`, 'common:errors.INTERNAL'] as unknown as 'common:errors.INTERNAL');
}
