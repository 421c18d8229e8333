/**
 * "Every string everywhere": walks the input schema of every tRPC procedure (from the router itself) and of the
 * plain routes, finds every position that takes a string, and checks that the schema at that position refuses
 * U+0000 and the other refused characters. A plain string must refuse them with `validation.characters`, i.e. be
 * built with zLine / zText (shared/schemas/common.ts); a format (uuid, email, ISO date) must refuse them at all. A
 * new bare z.string() input fails this test. The character rule itself is pinned down below, code point by code
 * point.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { V } from '../../shared/errors.ts';
import { hasOnlyAllowedCharacters, showControlCharacters, zLine, zText } from '../../shared/schemas/common.ts';
import { childrenOf, defOf, PLAIN_ROUTE_INPUTS, procedureInputs } from '../helpers/zod-schema.ts';

type Leaf = { where: string; schema: z.ZodType };

/** Every string-typed position under `schema` (and any position that would take anything at all). */
function walk(schema: z.ZodType, where: string, ancestors: z.ZodType[] = []): { leaves: Leaf[]; opaque: string[] } {
  const out = { leaves: [] as Leaf[], opaque: [] as string[] };
  if (ancestors.includes(schema)) return out; // a recursive (lazy) schema: its positions are walked once
  const type = defOf(schema).type;
  if (type === 'string' || type === 'template_literal') out.leaves.push({ where, schema });
  if (type === 'unknown' || type === 'any' || type === 'custom') out.opaque.push(`${where} (${type})`);
  for (const child of childrenOf(schema)) {
    const found = walk(child.schema, `${where}${child.step}`, [...ancestors, schema]);
    out.leaves.push(...found.leaves);
    out.opaque.push(...found.opaque);
  }
  return out;
}

/** Refused in every string: NUL, the other C0 controls but tab/LF/CR, DEL, unpaired surrogates. */
const HOSTILE = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u001B', '\u001F', '\u007F', '\uD800', '\uDFFF'];
/**
 * Where a refused character can stand. A field that trims drops whitespace at its ends before the rule is applied
 * (U+000B and U+000C are whitespace to String.prototype.trim, like tab and line breaks): what is kept never holds
 * them. Anywhere else, and anywhere for the others, they are refused.
 */
const placements = (bad: string, around: string) => {
  const middle = Math.ceil(around.length / 2);
  const inside = `${around.slice(0, middle) || 'x'}${bad}${around.slice(middle) || 'x'}`;
  return /^\s$/.test(bad) ? [inside] : [bad, `${bad}${around}`, inside, `${around}${bad}`];
};
/** Strings that some position accepts as they are, to show that adding a refused character is what fails. */
const BENIGN = [
  'a',
  'Ann Able',
  'ann@example.com',
  'en',
  'gmail',
  '2026-03-01',
  '2026-03-01T10:00:00Z',
  '2026-03-01T10:00:00.000Z',
  '+1 555 0100',
  'Europe/Paris',
  '9f1c2b7e-3d4a-4b5c-8d6e-7f8091a2b3c4',
  `pk_abcd1234_${'A'.repeat(43)}`,
];

/** A problem at a leaf, or nothing: the leaf refuses the refused characters (plain strings with the right message). */
function problemAt(leaf: Leaf): string | null {
  const { schema } = leaf;
  for (const bad of HOSTILE) {
    for (const value of placements(bad, 'x')) {
      if (schema.safeParse(value).success) return `accepts ${JSON.stringify(value)}`;
    }
  }
  // A format (uuid, email, datetime, …) cannot hold these characters; a plain string must say why it refuses them.
  if (typeof defOf(schema).format === 'string') return null;
  const benign = BENIGN.find((b) => schema.safeParse(b).success);
  if (benign === undefined) return `accepts none of the benign samples: add one it accepts to BENIGN`;
  for (const bad of HOSTILE) {
    for (const value of placements(bad, benign).filter((v) => v !== bad)) {
      const parsed = schema.safeParse(value);
      if (parsed.success) return `accepts ${JSON.stringify(value)}`;
      if (!parsed.error.issues.some((i) => i.message === V.characters)) {
        return `refuses ${JSON.stringify(value)} without ${V.characters} (not built with zLine / zText?)`;
      }
    }
  }
  return null;
}

const procedures = procedureInputs();
const walked = [
  ...procedures.map((p) => ({ name: p.path, found: walk(p.schema, `${p.path}:`) })),
  ...Object.entries(PLAIN_ROUTE_INPUTS).map(([name, schema]) => ({ name, found: walk(schema, `${name}:`) })),
];
const leaves = walked.flatMap((w) => w.found.leaves);

describe('every string input refuses the refused characters', () => {
  it('walks every procedure of the router and the plain routes', () => {
    expect(procedures.length).toBeGreaterThanOrEqual(60);
    expect(new Set(procedures.map((p) => p.path)).size).toBe(procedures.length);
    expect(procedures.map((p) => p.path)).toEqual(expect.arrayContaining(['enrollment.get', 'apiKeys.create', 'admin.people', 'roster.saveMapping']));
  });

  it('finds the string positions (a sensible number of them, including the ones the issue names)', () => {
    const where = leaves.map((l) => l.where);
    expect(leaves.length).toBeGreaterThanOrEqual(70);
    expect(leaves.filter((l) => defOf(l.schema).format === undefined).length).toBeGreaterThanOrEqual(40);
    for (const expected of [
      'enrollment.get:&0.token',
      'consent.manage:&0.manageToken',
      'apiKeys.create:.label',
      'admin.people:.search',
      'roster.saveMapping:.mapping{key}',
      'enrollment.submit:&0.token',
      'POST /api/v1/ingest (each record):.body',
      'POST /api/v1/ingest (each record):.participants[].name',
      'POST /api/signal/query (body):.scope.departments[]',
      'POST /api/roster/upload (query):.fileName>in',
    ]) {
      expect(where.some((w) => w.startsWith(expected)), expected).toBe(true);
    }
  });

  it('no input position takes just anything (unknown, any, custom)', () => {
    expect(walked.flatMap((w) => w.found.opaque)).toEqual([]);
  });

  it('each string position refuses U+0000 and the other refused characters', () => {
    const problems = leaves.flatMap((leaf) => {
      const problem = problemAt(leaf);
      return problem ? [`${leaf.where}: ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('would notice a new bare z.string() input (the check itself works)', () => {
    const careless = z.object({ ok: zLine().max(10), note: z.string().max(100), code: z.string().regex(/^[a-z]+$/), id: z.uuid() });
    const found = walk(careless, 'careless:').leaves;
    expect(found.map((l) => l.where)).toEqual(['careless:.ok', 'careless:.note', 'careless:.code', 'careless:.id']);
    expect(found.map(problemAt)).toEqual([
      null,
      'accepts "\\u0000"',
      expect.stringMatching(/without validation\.characters/),
      null,
    ]);
  });
});

describe('the character rule (zLine / zText)', () => {
  const codePoints = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
  const refused = (kind: 'line' | 'text', c: string) => !hasOnlyAllowedCharacters(`a${c}b`, kind);

  it('refuses U+0000–U+0008, U+000B, U+000C, U+000E–U+001F and U+007F; one line also tab, LF and CR', () => {
    const controls = [...codePoints(0x00, 0x08), '\u000B', '\u000C', ...codePoints(0x0e, 0x1f), '\u007F'];
    for (const c of controls) {
      expect(refused('line', c), `U+${c.charCodeAt(0).toString(16)}`).toBe(true);
      expect(refused('text', c), `U+${c.charCodeAt(0).toString(16)}`).toBe(true);
    }
    for (const c of ['\t', '\n', '\r']) {
      expect(refused('line', c)).toBe(true);
      expect(refused('text', c)).toBe(false);
    }
    const printable = codePoints(0x20, 0x7e);
    expect(printable.filter((c) => refused('line', c) || refused('text', c))).toEqual([]);
  });

  it('refuses unpaired surrogates and accepts pairs, C1 controls, bidi and zero-width characters, emoji', () => {
    for (const lone of ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDC00\uD800']) {
      expect(refused('line', lone)).toBe(true);
      expect(refused('text', lone)).toBe(true);
    }
    for (const fine of ['😀', '👩‍👩‍👧‍👦', '🇯🇵', '\u0085', '\u009F', '\u00A0', '\u200B', '\u202E', '\u2066', '\u2028', '\uFEFF', '\uFFFD', 'é', '東京', 'مرحبا']) {
      expect(refused('line', fine), JSON.stringify(fine)).toBe(false);
    }
  });

  it('trims first when asked, then checks what is kept; keeps limits and messages chained after it', () => {
    const name = zLine({ trim: true }).min(1, { error: V.required }).max(5, { error: V.tooLong });
    expect(name.parse('  Ann\n')).toBe('Ann');
    // Whitespace at the ends is trimmed away (U+000B and U+000C included), so what is kept never holds it.
    expect(name.parse('\u000BAnn\u000C')).toBe('Ann');
    expect(name.safeParse('A\nn').error?.issues.map((i) => i.message)).toEqual([V.characters]);
    expect(name.safeParse('\u0000').error?.issues.map((i) => i.message)).toEqual([V.characters]);
    expect(name.safeParse('   ').error?.issues.map((i) => i.message)).toEqual([V.required]);
    expect(name.safeParse('abcdef\u0000').error?.issues.map((i) => i.message)).toEqual([V.characters, V.tooLong]);
    expect(zLine().parse(' kept ')).toBe(' kept ');
    expect(zText().parse('Dear team,\r\n\tthanks\n')).toBe('Dear team,\r\n\tthanks\n');
    expect(zLine({ error: V.required }).safeParse(42).error?.issues.map((i) => i.message)).toEqual([V.required]);
  });

  it('shows a refused value with control pictures', () => {
    expect(showControlCharacters('a\u0000b\u001A\u007F\n\uD800')).toBe('a\u2400b\u241A\u2421\u240A\uFFFD');
    expect(showControlCharacters('plain 東京')).toBe('plain 東京');
  });
});
