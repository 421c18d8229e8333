import { ISO_639_1 } from '../../shared/iso-639-1.ts';

/** An ISO 639-1 code as its native name (Intl) with the code, e.g. "日本語 (ja)"; just the code when Intl has no name. */
export function outputLanguageLabel(code: string): string {
  let native: string | undefined;
  try {
    native = new Intl.DisplayNames([code], { type: 'language' }).of(code);
  } catch {
    native = undefined;
  }
  return native && native !== code ? `${native} (${code})` : code;
}

/** ISO 639-1 codes with their native names, sorted by code. */
export function outputLanguageOptions(): { code: string; label: string }[] {
  return ISO_639_1.map((code) => ({ code, label: outputLanguageLabel(code) }));
}
