/**
 * The hostile-input generator itself (test/helpers/zod-arbitrary.ts): its values survive JSON, are shaped like the
 * schema, and reach every hostile case it promises. zod must also take each of them without throwing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ZEnrollmentSubmitInput } from '../../shared/schemas/enrollment.ts';
import { ZIngestRecord } from '../../shared/schemas/ingest.ts';
import { ZSaveMappingInput } from '../../shared/schemas/roster.ts';
import { ZManageUpdateInput } from '../../shared/schemas/consent.ts';
import {
  BIDI,
  C0_CONTROLS,
  C1_CONTROLS,
  DEEP_NESTING,
  EMOJI,
  garbage,
  HUGE_LENGTH,
  hostileInputFor,
  LONE_SURROGATES,
} from '../helpers/zod-arbitrary.ts';
import { PLAIN_ROUTE_INPUTS, procedureInputs } from '../helpers/zod-schema.ts';

const SEED = 20260301;

/** What a value holds, found without recursion (some values are 2,000 levels deep). */
function survey(values: unknown[]) {
  const found = { strings: [] as string[], numbers: [] as number[], ownKeys: new Set<string>(), maxDepth: 0, nonJsonTypes: 0 };
  for (const root of values) {
    const stack: [unknown, number][] = [[root, 0]];
    while (stack.length > 0) {
      const [value, depth] = stack.pop()!;
      found.maxDepth = Math.max(found.maxDepth, depth);
      if (typeof value === 'string') found.strings.push(value);
      else if (typeof value === 'number') found.numbers.push(value);
      else if (Array.isArray(value)) {
        // Long arrays repeat one small value: look at a few.
        for (const item of value.slice(0, 50)) stack.push([item, depth + 1]);
      } else if (value !== null && typeof value === 'object') {
        for (const key of Object.keys(value)) {
          found.ownKeys.add(key);
          stack.push([(value as Record<string, unknown>)[key], depth + 1]);
        }
      } else if (value !== undefined && typeof value !== 'boolean' && value !== null) found.nonJsonTypes++;
    }
  }
  return found;
}

const jsonRoundTrip = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
};

describe('hostileInputFor', () => {
  const schemas: [string, z.ZodType][] = [
    ...procedureInputs().map((p): [string, z.ZodType] => [p.path, p.schema]),
    ...Object.entries(PLAIN_ROUTE_INPUTS),
  ];
  const samples = schemas.map(([name, schema]) => ({ name, schema, values: fc.sample(hostileInputFor(schema), { numRuns: 40, seed: SEED }) }));
  const all = samples.flatMap((s) => s.values);
  const found = survey(all);

  it('gives values that survive JSON.stringify and JSON.parse, and that zod takes without throwing', () => {
    for (const { name, schema, values } of samples) {
      for (const value of values) {
        expect(() => jsonRoundTrip(value), name).not.toThrow();
        expect(() => schema.safeParse(value), name).not.toThrow();
        expect(() => schema.safeParse(jsonRoundTrip(value)), name).not.toThrow();
      }
    }
    expect(found.nonJsonTypes).toBe(0);
  });

  it('reaches the hostile strings: NUL and other C0 controls, C1 controls, bidi overrides, lone surrogates, 100k characters, emoji', () => {
    const some = (test: (s: string) => boolean) => found.strings.some(test);
    expect(some((s) => s.includes('\u0000'))).toBe(true);
    expect(some((s) => C0_CONTROLS.slice(1).some((c) => s.includes(c)))).toBe(true);
    expect(some((s) => C1_CONTROLS.some((c) => s.includes(c)))).toBe(true);
    expect(some((s) => BIDI.some((c) => s.includes(c)))).toBe(true);
    expect(some((s) => LONE_SURROGATES.some((c) => s.includes(c)) && !s.isWellFormed())).toBe(true);
    expect(some((s) => s.length >= HUGE_LENGTH)).toBe(true);
    expect(some((s) => EMOJI.some((c) => s.includes(c)))).toBe(true);
  });

  it('reaches the hostile numbers: huge, negative, fractional, -0', () => {
    const some = (test: (n: number) => boolean) => found.numbers.some(test);
    expect(some((n) => Math.abs(n) > Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(some((n) => n < 0)).toBe(true);
    expect(some((n) => !Number.isInteger(n))).toBe(true);
    expect(some((n) => Object.is(n, -0))).toBe(true);
  });

  it('adds "__proto__", "constructor" and "prototype" as own keys, without polluting any prototype', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) expect(found.ownKeys.has(key), key).toBe(true);
    const withProto = all.find((v) => typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__'));
    expect(Object.getPrototypeOf(withProto)).toBe(Object.prototype);
    expect(JSON.stringify(withProto)).toContain('"__proto__"');
    expect(Object.keys(JSON.parse(JSON.stringify(withProto)) as object)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('nests 2,000 levels deep at some positions, and survives JSON at that depth', () => {
    expect(found.maxDepth).toBeGreaterThanOrEqual(DEEP_NESTING);
  });

  it('is shaped like the schema: its keys, enums and arrays, with wrong types at some positions', () => {
    const records = fc.sample(hostileInputFor(ZIngestRecord), { numRuns: 300, seed: SEED });
    const objects = records.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null && !Array.isArray(r));
    expect(objects.length).toBeGreaterThan(240);
    const share = (test: (r: Record<string, unknown>) => boolean) => objects.filter(test).length / objects.length;
    expect(share((r) => 'body' in r && 'external_id' in r && 'author' in r)).toBeGreaterThan(0.6);
    expect(share((r) => ['email', 'messaging', 'video', 'sms_voice'].includes(r.channel as string))).toBeGreaterThan(0.5);
    expect(share((r) => Array.isArray(r.participants))).toBeGreaterThan(0.5);
    expect(share((r) => 'body' in r && typeof r.body !== 'string')).toBeGreaterThan(0);
    expect(records.some((r) => ZIngestRecord.safeParse(r).error?.issues.some((i) => i.code === 'invalid_type'))).toBe(true);

    // Discriminated unions take each branch; records get hostile keys; literals are mostly right.
    const updates = fc.sample(hostileInputFor(ZManageUpdateInput), { numRuns: 200, seed: SEED }) as Record<string, unknown>[];
    const actions = new Set(updates.map((u) => (typeof u === 'object' && u !== null ? u.action : undefined)));
    expect(actions.has('withdraw') && actions.has('grant')).toBe(true);
    const mappings = survey(fc.sample(hostileInputFor(ZSaveMappingInput), { numRuns: 200, seed: SEED }));
    expect(mappings.strings.some((s) => s.includes('\u0000'))).toBe(true);
    const submits = fc.sample(hostileInputFor(ZEnrollmentSubmitInput), { numRuns: 200, seed: SEED }) as Record<string, unknown>[];
    expect(submits.filter((s) => typeof s === 'object' && s !== null && s.acknowledged === true).length).toBeGreaterThan(100);
  });

  it('now and then gives a value that passes validation, with hostile-but-allowed text inside', () => {
    const values = fc.sample(hostileInputFor(z.object({ name: z.string().max(50), tags: z.array(z.enum(['a', 'b'])) })), { numRuns: 300, seed: SEED });
    expect(values.filter((v) => z.object({ name: z.string(), tags: z.array(z.enum(['a', 'b'])) }).safeParse(v).success).length).toBeGreaterThan(20);
  });
});

describe('garbage', () => {
  it('gives JSON-ish values of every type, including hostile strings, prototype keys and deep nesting', () => {
    const values = fc.sample(garbage(), { numRuns: 600, seed: SEED });
    for (const value of values) expect(() => jsonRoundTrip(value)).not.toThrow();
    const types = new Set(values.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)));
    expect([...types].sort()).toEqual(['array', 'boolean', 'null', 'number', 'object', 'string']);
    const found = survey(values);
    expect(found.nonJsonTypes).toBe(0);
    expect(found.strings.some((s) => s.includes('\u0000'))).toBe(true);
    expect(found.ownKeys.has('__proto__')).toBe(true);
    expect(found.maxDepth).toBeGreaterThanOrEqual(DEEP_NESTING);
  });
});
