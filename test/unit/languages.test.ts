import { describe, expect, it } from 'vitest';
import { portalLanguage } from '../../client/portal/language.ts';
import {
  DEFAULT_UI_LANGUAGE,
  ISO_639_1,
  isIso6391,
  isUiLanguage,
  pickUiLanguage,
  UI_LANGUAGES,
  uiLanguageName,
} from '../../shared/languages.ts';

describe('pickUiLanguage', () => {
  it('matches a regional tag on its base language', () => {
    expect(pickUiLanguage(['fr-CA', 'en'])).toBe('fr');
  });

  it('skips unsupported languages and takes the first supported one', () => {
    expect(pickUiLanguage(['ko-KR', 'de'])).toBe('de');
  });

  it('falls back to English with no preferences', () => {
    expect(pickUiLanguage([])).toBe('en');
    expect(DEFAULT_UI_LANGUAGE).toBe('en');
  });

  it('falls back to English when nothing is supported', () => {
    expect(pickUiLanguage(['ko-KR', 'sv', ''])).toBe('en');
  });

  it('matches regional and script variants of the newer languages', () => {
    expect(pickUiLanguage(['pt-BR'])).toBe('pt');
    expect(pickUiLanguage(['zh-Hans-CN'])).toBe('zh');
    expect(pickUiLanguage(['ja-JP', 'en'])).toBe('ja');
  });

  it('is case-insensitive', () => {
    expect(pickUiLanguage(['AR'])).toBe('ar');
    expect(pickUiLanguage(['ES-mx'])).toBe('es');
  });
});

describe('UI languages', () => {
  it('are the ten product languages, each named in its own language and script', () => {
    expect([...UI_LANGUAGES].sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'it', 'ja', 'nl', 'pt', 'zh']);
    expect(UI_LANGUAGES.map(uiLanguageName)).toEqual([
      'English', 'Español', 'Français', 'Deutsch', 'Português', 'Italiano', 'Nederlands', '日本語', '简体中文', 'العربية',
    ]);
  });
});

describe('portalLanguage', () => {
  const ceo = (outputLanguage: string | null, language: string | null = null) => ({ role: 'ceo', language, outputLanguage });

  it("a customer's people get the customer's output language when the UI speaks it, else English", () => {
    expect(portalLanguage(ceo('ja'), null)).toBe('ja');
    expect(portalLanguage({ role: 'admin', language: null, outputLanguage: 'ar' }, null)).toBe('ar');
    expect(portalLanguage(ceo('ko'), null)).toBe('en');
    expect(portalLanguage(ceo(null), null)).toBe('en');
  });

  it("the user's own choice wins: the account's first, then this device's", () => {
    expect(portalLanguage(ceo('ja', 'fr'), 'de')).toBe('fr');
    expect(portalLanguage(ceo('ja'), 'de')).toBe('de');
    expect(portalLanguage(ceo('ja', 'xx'), 'zz')).toBe('ja');
  });

  it('operators keep their device language unless they chose one', () => {
    expect(portalLanguage({ role: 'operator', language: null, outputLanguage: 'ja' }, null)).toBeNull();
    expect(portalLanguage({ role: 'operator', language: null, outputLanguage: 'ja' }, 'nl')).toBe('nl');
    expect(portalLanguage({ role: 'operator', language: 'it', outputLanguage: 'ja' }, 'nl')).toBe('it');
  });
});

describe('ISO 639-1', () => {
  it('recognises two-letter codes', () => {
    for (const code of ['en', 'zh', 'ar']) expect(isIso6391(code), code).toBe(true);
  });

  it('rejects three-letter, unassigned, upper-case and empty codes', () => {
    for (const code of ['eng', 'xx', 'EN', '']) expect(isIso6391(code), JSON.stringify(code)).toBe(false);
  });

  it('the list has no duplicates, at least 180 entries, all lower-case two-letter', () => {
    expect(new Set(ISO_639_1).size).toBe(ISO_639_1.length);
    expect(ISO_639_1.length).toBeGreaterThanOrEqual(180);
    for (const code of ISO_639_1) expect(code).toMatch(/^[a-z]{2}$/);
  });

  it('every UI language is an ISO 639-1 code', () => {
    for (const lng of UI_LANGUAGES) {
      expect(isIso6391(lng), lng).toBe(true);
      expect(isUiLanguage(lng)).toBe(true);
    }
    expect(isUiLanguage('ko')).toBe(false);
  });
});
