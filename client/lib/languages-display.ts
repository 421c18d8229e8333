import { ISO_639_1 } from '../../shared/languages.ts';

/** ISO 639-1 codes with their native names (Intl), sorted by code; the code is shown too for unknown names. */
export function outputLanguageOptions(): { code: string; label: string }[] {
  return ISO_639_1.map((code) => {
    let native: string | undefined;
    try {
      native = new Intl.DisplayNames([code], { type: 'language' }).of(code);
    } catch {
      native = undefined;
    }
    return { code, label: native && native !== code ? `${native} (${code})` : code };
  });
}
