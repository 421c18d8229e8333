import { DEFAULT_UI_LANGUAGE, isUiLanguage, type UiLanguage } from '../../shared/languages.ts';

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
