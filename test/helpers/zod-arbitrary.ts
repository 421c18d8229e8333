/**
 * Hostile inputs for property-based fuzzing (fast-check 4), shaped by a zod 4 schema: the schema's keys, arrays,
 * enums and literals, mostly where they belong, but with hostile leaves — strings with NUL and other C0/C1 controls,
 * bidi overrides, lone surrogates, 100,000 characters, emoji; numbers that are huge, negative, fractional or -0 —
 * and, at random positions, a value of the wrong type, a structure nested 2,000 levels deep, and extra keys such as
 * "__proto__", "constructor" and "prototype" (as own properties: nothing is polluted). `garbage()` is the same
 * without a schema. Every value survives JSON.stringify and JSON.parse, so it can be sent over HTTP as is.
 *
 *   fc.assert(fc.asyncProperty(hostileInputFor(procedure.schema), async (input) => { … }), { numRuns: 2000 });
 */
import fc from 'fast-check';
import type { z } from 'zod';
import { bagOf, defOf } from './zod-schema.ts';

/** How long a "huge" string is, and how deep a "deep" structure goes. */
export const HUGE_LENGTH = 100_000;
export const DEEP_NESTING = 2_000;

export type HostileOptions = {
  /** Relative weight, at each position, of a value of the wrong type (the shaped value weighs 20). Default 2. */
  wrongType?: number;
  /** Relative weight, at each position, of a 2,000-level nested structure. Default 1. */
  deepNesting?: number;
  /** How deep recursive (lazy) schemas are followed before a position gets garbage. Default 4. */
  maxDepth?: number;
};

/* ---------------------------------------------------------------------------------------------------------- *
 * Characters and strings
 * ---------------------------------------------------------------------------------------------------------- */

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));
/** Every C0 control (U+0000 included) and DEL. */
export const C0_CONTROLS = [...range(0x00, 0x1f), '\u007F'];
/** The C1 controls, U+0080–U+009F. */
export const C1_CONTROLS = range(0x80, 0x9f);
/** Bidirectional embeddings, overrides, isolates and marks: text that displays other than it reads. */
export const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
/** Zero-width and other invisible characters. */
export const INVISIBLE = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u180E'];
export const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF'];
export const EMOJI = ['😀', '👩‍👩‍👧‍👦', '🏳️‍🌈', '🇯🇵', '👍🏽', '🧑🏿‍🚀', '❤️'];
/** Strings that mean something to some interpreter on the way, or look like something they are not. */
const TRICKY = [
  '',
  ' ',
  "'; drop table employees; --",
  '" or 1=1 --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '=HYPERLINK("http://evil.test")',
  '../../../../etc/passwd',
  '%00',
  '\\u0000',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  'Z̷̢̛a̸͈l̵g̶o̵̧',
  'ｆｕｌｌｗｉｄｔｈ',
  'İstanbul',
  'ǅungla',
  'e\u0301',
  '\u202Egnp.exe',
  '\r\n\r\n',
  '\t',
];

const HOSTILE_CHARACTERS = [...C0_CONTROLS, ...C1_CONTROLS, ...BIDI, ...INVISIBLE, ...LONE_SURROGATES, ...EMOJI];
const hostileCharacter = () => fc.constantFrom(...HOSTILE_CHARACTERS);

/** 100,000-character strings: ASCII, astral (surrogate pairs), NUL, whitespace, combining marks. */
const HUGE_BASES = ['a', '😀', '\u0000', ' ', 'e\u0301', '東'];
const huge = (base: string) => base.repeat(Math.ceil(HUGE_LENGTH / base.length)).slice(0, HUGE_LENGTH).toWellFormed();

/** `text` with each (position, character) inserted. */
function splice(text: string, inserts: [number, string][]): string {
  let out = text;
  for (const [at, char] of inserts) {
    const i = out.length === 0 ? 0 : at % (out.length + 1);
    out = out.slice(0, i) + char + out.slice(i);
  }
  return out;
}

/** A hostile string: ordinary text with hostile characters spliced in, tricky strings, any code points, huge ones. */
export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.string({ unit: 'grapheme', maxLength: 24 }), fc.array(fc.tuple(fc.nat(), hostileCharacter()), { minLength: 1, maxLength: 4 }))
        .map(([text, inserts]) => splice(text, inserts)),
    },
    { weight: 2, arbitrary: fc.array(hostileCharacter(), { minLength: 1, maxLength: 12 }).map((chars) => chars.join('')) },
    { weight: 2, arbitrary: fc.constantFrom(...TRICKY) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...HUGE_BASES), fc.option(fc.tuple(fc.nat(HUGE_LENGTH), hostileCharacter()), { nil: undefined }))
        .map(([base, insert]) => (insert ? splice(huge(base), [insert]) : huge(base))),
    },
  );
}

/** Finite numbers a schema did not expect: huge, negative, fractional, -0, past 2^53, tiny. */
export function hostileNumber(): fc.Arbitrary<number> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        -0,
        -1,
        0.5,
        -0.5,
        0.1 + 0.2,
        1e308,
        -1e308,
        Number.MAX_VALUE,
        5e-324,
        2 ** 53 + 2,
        -(2 ** 53) - 2,
        2 ** 31,
        -(2 ** 31) - 1,
        1e21,
      ),
    },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.integer() },
  );
}

/* ---------------------------------------------------------------------------------------------------------- *
 * Structures
 * ---------------------------------------------------------------------------------------------------------- */

/** An own, enumerable property — also for "__proto__", where plain assignment would set the prototype instead. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
function objectFrom(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) setOwn(out, key, value);
  return out;
}

/** Keys an object should not have: the prototype's, and hostile strings. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then'];
const extraKey = () =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) }, { weight: 1, arbitrary: hostileString().filter((k) => k.length < 1000) });

/** A small value of any JSON type, for the leaves of deep and wide structures (never a huge string). */
const smallValue = () =>
  fc.oneof(fc.constant(null), fc.boolean(), hostileNumber(), fc.constantFrom(...TRICKY), fc.constant([]), fc.constant({}));

/** `leaf` inside DEEP_NESTING (or a little more) arrays or objects. Built iteratively: no recursion to overflow. */
export function deepNesting(): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom('array', 'object', 'mixed'), fc.integer({ min: DEEP_NESTING, max: DEEP_NESTING + 50 }), smallValue(), fc.constantFrom('a', '__proto__', 'value'))
    .map(([kind, depth, leaf, key]) => {
      let value: unknown = leaf;
      for (let i = 0; i < depth; i++) {
        const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
        value = asArray ? [value] : objectFrom([[key, value]]);
      }
      return value;
    });
}

/** Wrong for most positions: every JSON type, including structures. */
const wrongType = () =>
  fc.oneof(
    fc.constant(null),
    fc.boolean(),
    hostileNumber(),
    hostileString(),
    fc.array(smallValue(), { maxLength: 3 }),
    fc.array(fc.tuple(extraKey(), smallValue()), { maxLength: 3 }).map(objectFrom),
  );

/** Fully random JSON-ish values: any type, hostile strings and numbers, hostile keys, sometimes 2,000 levels deep. */
export function garbage(): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      hostileNumber(),
      hostileString(),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.array(fc.tuple(fc.oneof(extraKey(), fc.string({ maxLength: 8 })), tie('value')), { maxLength: 4 }).map(objectFrom),
    ),
  }));
  return fc.oneof({ weight: 12, arbitrary: value }, { weight: 1, arbitrary: deepNesting() });
}

/* ---------------------------------------------------------------------------------------------------------- *
 * Shaped by a schema
 * ---------------------------------------------------------------------------------------------------------- */

const OMIT = Symbol('omit');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A value the string schema might accept, so that some inputs get past validation with hostile-but-allowed text. */
function plausibleString(schema: z.ZodType): fc.Arbitrary<string> {
  const bag = bagOf(schema);
  switch (bag.format ?? defOf(schema).format) {
    case 'uuid':
    case 'guid':
      return fc.uuid({ version: 4 });
    case 'email':
      return fc.emailAddress();
    case 'datetime':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    default: {
      const min = Math.min(num(bag.minimum) ?? 0, 50);
      const max = Math.max(min, Math.min(num(bag.maximum) ?? 40, 60));
      // Allowed everywhere and still awkward: emoji, bidi and invisible characters, other scripts.
      return fc.string({ unit: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), fc.constantFrom(...EMOJI, ...BIDI, ...INVISIBLE)), minLength: min, maxLength: max });
    }
  }
}

function plausibleNumber(schema: z.ZodType): fc.Arbitrary<number> {
  const bag = bagOf(schema);
  const min = Math.max(num(bag.minimum) ?? -1000, -1e6);
  const max = Math.min(num(bag.maximum) ?? 1000, 1e6);
  return fc.integer({ min: Math.ceil(min), max: Math.max(Math.ceil(min), Math.floor(max)) });
}

type Ctx = Required<HostileOptions> & { depth: number };

/** What a position holds: usually the shaped value, sometimes a wrong type or a deep structure. */
function position(shaped: fc.Arbitrary<unknown>, ctx: Ctx): fc.Arbitrary<unknown> {
  const options: { weight: number; arbitrary: fc.Arbitrary<unknown> }[] = [{ weight: 20, arbitrary: shaped }];
  if (ctx.wrongType > 0) options.push({ weight: ctx.wrongType, arbitrary: wrongType() });
  if (ctx.deepNesting > 0) options.push({ weight: ctx.deepNesting, arbitrary: deepNesting() });
  return fc.oneof(...options);
}

function shapedFor(schema: z.ZodType, ctx: Ctx): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const inner = (child: unknown) => arbitraryFor(child as z.ZodType, ctx);
  switch (def.type) {
    case 'string':
    case 'template_literal':
      return fc.oneof({ weight: 3, arbitrary: hostileString() }, { weight: 1, arbitrary: plausibleString(schema) });
    case 'number':
      return fc.oneof({ weight: 2, arbitrary: hostileNumber() }, { weight: 1, arbitrary: plausibleNumber(schema) });
    case 'bigint':
      return hostileNumber();
    case 'boolean':
      return fc.boolean();
    case 'enum': {
      const values = Object.values(def.entries as Record<string, string | number>);
      return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: hostileString() });
    }
    case 'literal': {
      const values = def.values as unknown[];
      return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: wrongType() });
    }
    case 'null':
      return fc.constant(null);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const keys = Object.keys(shape);
      // Each key present most of the time; a few extra keys now and then.
      const fields = keys.map((key) => fc.option(inner(shape[key]), { freq: 12, nil: OMIT }));
      const extras = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(extraKey(), smallValue()), { minLength: 1, maxLength: 3 }) });
      return fc.tuple(fc.tuple(...fields), extras).map(([values, extra]) =>
        objectFrom([
          ...keys.flatMap((key, i) => (values[i] === OMIT || values[i] === undefined ? [] : [[key, values[i]] as const])),
          ...extra,
        ]),
      );
    }
    case 'array':
    case 'set':
      return fc.oneof(
        { weight: 10, arbitrary: fc.array(inner(def.type === 'array' ? def.element : def.valueType), { maxLength: 4 }) },
        // Far too many, of something small (never thousands of huge strings).
        { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1_000, max: 12_000 }), smallValue()).map(([n, v]) => Array.from({ length: n }, () => v)) },
      );
    case 'tuple': {
      const items = (def.items as z.ZodType[]).map(inner);
      const rest = def.rest ? fc.array(inner(def.rest), { maxLength: 3 }) : fc.constant([]);
      return fc.tuple(fc.tuple(...items), rest).map(([head, tail]) => [...head, ...tail]);
    }
    case 'record':
    case 'map': {
      const key = shapedFor(def.keyType as z.ZodType, ctx).map((k) => String(k));
      const entry = fc.tuple(fc.oneof({ weight: 4, arbitrary: key }, { weight: 1, arbitrary: extraKey() }), inner(def.valueType));
      return fc.array(entry, { maxLength: 4 }).map(objectFrom);
    }
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map(inner));
    case 'intersection':
      return fc.tuple(inner(def.left), inner(def.right)).map(([left, right]) => {
        const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
        if (!isObject(left) || !isObject(right)) return left;
        return objectFrom([...Object.entries(left), ...Object.entries(right)]);
      });
    case 'pipe':
      return shapedFor(def.in as z.ZodType, ctx);
    case 'optional':
      return fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: shapedFor(def.innerType as z.ZodType, ctx) });
    case 'nullable':
      return fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: shapedFor(def.innerType as z.ZodType, ctx) });
    case 'default':
    case 'prefault':
      return fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: shapedFor(def.innerType as z.ZodType, ctx) });
    case 'nonoptional':
    case 'readonly':
    case 'catch':
    case 'success':
    case 'promise':
      return shapedFor(def.innerType as z.ZodType, ctx);
    case 'lazy':
      return ctx.depth >= ctx.maxDepth ? garbage() : arbitraryFor((def.getter as () => z.ZodType)(), { ...ctx, depth: ctx.depth + 1 });
    default:
      // unknown, any, custom, transform, date, …: anything at all.
      return garbage();
  }
}

function arbitraryFor(schema: z.ZodType, ctx: Ctx): fc.Arbitrary<unknown> {
  return position(shapedFor(schema, ctx), ctx);
}

/**
 * Values shaped like `schema` (its keys, arrays, enums, literals) with hostile leaves, wrong types and deep
 * structures at random positions, and extra prototype-named keys. Every value survives JSON.stringify + JSON.parse.
 */
export function hostileInputFor(schema: z.ZodType, options: HostileOptions = {}): fc.Arbitrary<unknown> {
  return arbitraryFor(schema, { wrongType: options.wrongType ?? 2, deepNesting: options.deepNesting ?? 1, maxDepth: options.maxDepth ?? 4, depth: 0 });
}
