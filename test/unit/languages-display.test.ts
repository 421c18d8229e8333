/**
 * The output-language list: every ISO 639-1 language by its native name and its name in the UI language, never a
 * bare code — also in a browser whose Intl has a trimmed CLDR (Chromium has no name for aa, ab, ae, av, … at all) —
 * and searchable by either name or by the code.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  loadLanguageNames,
  matchesLanguage,
  outputLanguageLabel,
  outputLanguageOptions,
  type LanguageOption,
} from '../../client/lib/languages-display.ts';
import { ISO_639_1 } from '../../shared/iso-639-1.ts';
import { UI_LANGUAGES } from '../../shared/languages.ts';

/** An Intl.DisplayNames that knows no names, as a browser's trimmed CLDR does for many languages. */
class NamelessDisplayNames {
  of(): undefined {
    return undefined;
  }
  resolvedOptions() {
    return { locale: 'en-US', style: 'long', type: 'language', fallback: 'none' };
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
});

function withoutIntlNames() {
  vi.stubGlobal('Intl', { ...Object.fromEntries(Object.getOwnPropertyNames(Intl).map((k) => [k, (Intl as never)[k]])), DisplayNames: NamelessDisplayNames });
}

const byCode = (options: LanguageOption[]) => new Map(options.map((o) => [o.code, o]));

describe('output language list', () => {
  for (const trimmed of [false, true]) {
    it(`names all ${ISO_639_1.length} languages natively and in each UI language${trimmed ? ' without Intl names' : ''}`, async () => {
      for (const ui of UI_LANGUAGES) {
        const table = await loadLanguageNames(ui);
        if (trimmed) withoutIntlNames();
        const options = outputLanguageOptions(ui, table);
        vi.unstubAllGlobals();
        expect(options.map((o) => o.code).sort()).toEqual([...ISO_639_1].sort());
        for (const o of options) {
          expect(o.native, `${ui}: native name of ${o.code}`).not.toBe(o.code);
          expect(o.name, `${ui}: name of ${o.code}`).toBeTruthy();
          expect(o.name, `${ui}: name of ${o.code}`).not.toBe(o.code);
          expect(o.label).toContain(`(${o.code})`);
          expect(o.label).not.toBe(`${o.code} (${o.code})`);
        }
      }
    });
  }

  it('shows the rare languages a browser cannot name by their native name and the UI language name', async () => {
    withoutIntlNames();
    const en = byCode(outputLanguageOptions('en', await loadLanguageNames('en')));
    expect(en.get('aa')).toMatchObject({ native: 'Afaraf', name: 'Afar', label: 'Afaraf — Afar (aa)' });
    expect(en.get('ab')!.name).toBe('Abkhazian');
    expect(en.get('av')!.native).toBe('авар мацӀ');
    const ja = byCode(outputLanguageOptions('ja', await loadLanguageNames('ja')));
    expect(ja.get('aa')!.name).toBe('アファール語');
    expect(outputLanguageLabel('cu')).toBe('ѩзыкъ словѣньскъ (cu)');
  });

  it('uses Intl (CLDR) where the runtime has the name', async () => {
    const fr = byCode(outputLanguageOptions('fr', await loadLanguageNames('fr')));
    expect(fr.get('ja')).toMatchObject({ native: '日本語', name: 'japonais', label: '日本語 — japonais (ja)' });
    expect(fr.get('fr')!.label).toBe('français (fr)');
    expect(outputLanguageLabel('ar')).toBe('العربية (ar)');
  });

  it('finds a language by its code, its native name or its name in the UI language, ignoring case and accents', async () => {
    const options = outputLanguageOptions('fr', await loadLanguageNames('fr'));
    const find = (q: string) => options.filter((o) => matchesLanguage(o, q)).map((o) => o.code);
    expect(find('ja')).toContain('ja');
    expect(find('日本')).toEqual(['ja']);
    expect(find('japonais')).toEqual(['ja']);
    expect(find('FRANCAIS')).toContain('fr');
    expect(find('Deutsch')).toEqual(['de']);
    expect(find('allemand')).toEqual(['de']);
    expect(find('  ')).toHaveLength(ISO_639_1.length);
    expect(find('zzzz')).toEqual([]);
  });

  it('sorts the list by the names people read in their UI language', async () => {
    const names = outputLanguageOptions('en', await loadLanguageNames('en')).map((o) => o.name);
    expect(names.slice(0, 3)).toEqual(['Abkhazian', 'Afar', 'Afrikaans']);
  });
});
