import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NOTICE_TEMPLATES } from '../../server/notices/index.ts';
import { UI_LANGUAGES } from '../../shared/languages.ts';

const localesDir = fileURLToPath(new URL('../../client/i18n/locales', import.meta.url));
const REFERENCE = 'en';

const localeDirs = readdirSync(localesDir).filter((name) => statSync(`${localesDir}/${name}`).isDirectory());
const namespaces = readdirSync(`${localesDir}/${REFERENCE}`)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length));

/** Flattens nested objects to dotted keys. Leaves that are not strings are kept as-is so the test can reject them. */
function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

function load(lng: string, ns: string): Map<string, unknown> {
  return flatten(JSON.parse(readFileSync(`${localesDir}/${lng}/${ns}.json`, 'utf8')));
}

const placeholders = (text: string) => new Set([...text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!));

/**
 * i18next picks `key_<category>` by Intl.PluralRules, so a plural key (English has `key_other`) must exist in each
 * language in exactly the categories that language's rules produce: Arabic zero…other, Japanese and Chinese other.
 */
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const pluralCategories = (lng: string) => new Intl.PluralRules(lng).resolvedOptions().pluralCategories as string[];
const pluralBases = (keys: Iterable<string>) =>
  new Set([...keys].filter((k) => k.endsWith('_other')).map((k) => k.slice(0, -'_other'.length)));
const pluralBaseOf = (key: string, bases: Set<string>) => {
  const base = key.replace(PLURAL_SUFFIX, '');
  return base !== key && bases.has(base) ? base : undefined;
};

/** The keys a language must have: English's, with each plural key in the language's own categories. */
function expectedKeys(reference: Map<string, unknown>, lng: string): string[] {
  const bases = pluralBases(reference.keys());
  const keys = [...reference.keys()].filter((k) => !pluralBaseOf(k, bases));
  for (const base of bases) for (const category of pluralCategories(lng)) keys.push(`${base}_${category}`);
  return keys.sort();
}

/** The count placeholder ({{count}} or {{count, number}}): a plural form may leave it out and spell the number. */
const isCount = (placeholder: string) => /^count\s*(,|$)/.test(placeholder);

describe('i18n locale files', () => {
  it('the reference locale has namespaces and every locale found is a UI language', () => {
    expect(namespaces.length).toBeGreaterThan(0);
    expect(localeDirs).toContain(REFERENCE);
    for (const lng of localeDirs) expect(UI_LANGUAGES as readonly string[], `locale dir ${lng}`).toContain(lng);
  });

  it('every UI language has a locale directory', () => {
    for (const lng of UI_LANGUAGES) expect(localeDirs, `client/i18n/locales/${lng}`).toContain(lng);
  });

  for (const ns of namespaces) {
    const reference = load(REFERENCE, ns);
    const bases = pluralBases(reference.keys());

    it(`${REFERENCE}/${ns}.json: every value is a non-empty string`, () => {
      expect(reference.size).toBeGreaterThan(0);
      for (const [key, value] of reference) {
        expect(typeof value, `${REFERENCE}/${ns}:${key}`).toBe('string');
        expect((value as string).trim(), `${REFERENCE}/${ns}:${key}`).not.toBe('');
      }
    });

    it(`${REFERENCE}/${ns}.json: plural keys have exactly the English categories and a count`, () => {
      const stray = [...reference.keys()].filter((k) => PLURAL_SUFFIX.test(k) && !pluralBaseOf(k, bases));
      expect(stray, 'plural forms without key_other').toEqual([]);
      expect([...reference.keys()].sort()).toEqual(expectedKeys(reference, REFERENCE));
      for (const base of bases) {
        const other = reference.get(`${base}_other`) as string;
        expect([...placeholders(other)].some(isCount), `${ns}:${base}_other has no {{count}}`).toBe(true);
      }
    });

    for (const lng of localeDirs.filter((l) => l !== REFERENCE)) {
      describe(`${lng}/${ns}.json`, () => {
        const file = `${localesDir}/${lng}/${ns}.json`;

        it('exists', () => {
          expect(existsSync(file), file).toBe(true);
        });

        it('has exactly the English keys (plural keys in its own plural categories)', () => {
          const keys = [...load(lng, ns).keys()].sort();
          const expected = expectedKeys(reference, lng);
          const missing = expected.filter((k) => !keys.includes(k));
          const extra = keys.filter((k) => !expected.includes(k));
          expect({ missing, extra }).toEqual({ missing: [], extra: [] });
        });

        it('has no empty or non-string values', () => {
          for (const [key, value] of load(lng, ns)) {
            expect(typeof value, `${lng}/${ns}:${key}`).toBe('string');
            expect((value as string).trim(), `${lng}/${ns}:${key}`).not.toBe('');
          }
        });

        it('uses the same {{placeholders}} as English in every value', () => {
          for (const [key, value] of load(lng, ns)) {
            const base = pluralBaseOf(key, bases);
            const english = reference.get(base ? `${base}_other` : key);
            if (typeof value !== 'string' || typeof english !== 'string') continue; // reported by the tests above
            const want = [...placeholders(english)].sort();
            let got = [...placeholders(value)].sort();
            // Only a plural form other than `other` may leave the number out ("une ligne"); it may not change it.
            if (base && !key.endsWith('_other') && !got.some(isCount)) got = [...got, ...want.filter(isCount)].sort();
            expect(got, `${lng}/${ns}:${key}`).toEqual(want);
          }
        });
      });
    }
  }
});

describe('consent notice templates', () => {
  for (const lng of UI_LANGUAGES) {
    it(`${lng}: has a template with {{customer}} and {{ceo}} and no other placeholder`, () => {
      const template = NOTICE_TEMPLATES[lng];
      expect(template, lng).toBeDefined();
      expect(template.title.trim()).not.toBe('');
      expect(template.body.trim()).not.toBe('');
      const text = `${template.title}\n${template.body}`;
      expect(text).toContain('{{customer}}');
      expect(text).toContain('{{ceo}}');
      const stripped = text.replaceAll('{{customer}}', '').replaceAll('{{ceo}}', '');
      expect(stripped, `${lng} has an unknown placeholder`).not.toContain('{{');
      expect(stripped).not.toContain('}}');
    });
  }

  it('has no template for a language outside the UI languages', () => {
    expect(Object.keys(NOTICE_TEMPLATES).sort()).toEqual([...UI_LANGUAGES].sort());
  });
});
