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

const placeholders = (text: string) => new Set([...text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]));

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

    it(`${REFERENCE}/${ns}.json: every value is a non-empty string`, () => {
      expect(reference.size).toBeGreaterThan(0);
      for (const [key, value] of reference) {
        expect(typeof value, `${REFERENCE}/${ns}:${key}`).toBe('string');
        expect((value as string).trim(), `${REFERENCE}/${ns}:${key}`).not.toBe('');
      }
    });

    for (const lng of localeDirs.filter((l) => l !== REFERENCE)) {
      describe(`${lng}/${ns}.json`, () => {
        const file = `${localesDir}/${lng}/${ns}.json`;

        it('exists', () => {
          expect(existsSync(file), file).toBe(true);
        });

        it('has exactly the English keys', () => {
          const keys = [...load(lng, ns).keys()].sort();
          const missing = [...reference.keys()].filter((k) => !keys.includes(k));
          const extra = keys.filter((k) => !reference.has(k));
          expect({ missing, extra }).toEqual({ missing: [], extra: [] });
        });

        it('has no empty or non-string values', () => {
          for (const [key, value] of load(lng, ns)) {
            expect(typeof value, `${lng}/${ns}:${key}`).toBe('string');
            expect((value as string).trim(), `${lng}/${ns}:${key}`).not.toBe('');
          }
        });

        it('uses the same {{placeholders}} as English in every value', () => {
          const translated = load(lng, ns);
          for (const [key, english] of reference) {
            const value = translated.get(key);
            if (typeof value !== 'string' || typeof english !== 'string') continue; // reported by the tests above
            expect([...placeholders(value)].sort(), `${lng}/${ns}:${key}`).toEqual([...placeholders(english)].sort());
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
