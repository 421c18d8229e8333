/**
 * The demo's generated communications must hold only plausible figures: they are quoted in the CEO's answers. A
 * rating is out of 10, a pipeline coverage said to be "below our 3x target" is under 3, a share is a percentage
 * a business would report — in every language the generator writes.
 */
import { describe, expect, it } from 'vitest';
import { generateCommunications, type GeneratorPerson } from '../../server/seed/communications-generator.ts';

const LANGUAGES = ['en', 'es', 'fr', 'de', 'ja'] as const;
const DEPARTMENTS = ['Sales', 'Engineering', 'Operations', 'Finance', 'Marketing', 'Support'];
const people: GeneratorPerson[] = LANGUAGES.flatMap((language, i) =>
  DEPARTMENTS.map((department, j) => ({ email: `p${i}-${j}@gen.test`, displayName: `Person ${i}${j}`, department, language })),
);
const texts = [...generateCommunications({ seed: 11, people, count: 40_000, end: new Date('2026-06-01T12:00:00Z') })].map(
  (r) => `${r.subject ?? ''}\n${r.body}`,
);

/** "6,8" (de, fr, es) and "6.8" (en, ja) alike; thousands separators dropped ("2,450 ms", "2.450 ms", "2 450 ms"). */
const NUMBER = String.raw`(\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d+(?:[.,]\d)?)`;
const value = (text: string) =>
  /^\d{1,3}([,.\u00a0\u202f ]\d{3})+$/.test(text) ? Number(text.replace(/\D/g, '')) : Number(text.replace(',', '.'));

/** Every figure a pattern finds, as numbers. */
function figures(pattern: string): number[] {
  const re = new RegExp(pattern.replace('#', NUMBER), 'gu');
  return texts.flatMap((text) => [...text.matchAll(re)].map((m) => value(m[1]!)));
}

describe('communications generator: plausible figures', () => {
  it('rates products out of 10 with a figure of at most 10, in every language', () => {
    const ratings = [
      ...figures(String.raw`rated \S+ # out of 10`),
      ...figures(String.raw`donnent #/10`),
      ...figures(String.raw`mit # von 10`),
      ...figures(String.raw`10点中#点`),
    ];
    expect(ratings.length).toBeGreaterThan(50);
    expect(Math.max(...ratings)).toBeLessThanOrEqual(10);
    expect(Math.min(...ratings)).toBeGreaterThan(0);
  });

  it('keeps a pipeline coverage "below our 3x target" under 3x', () => {
    const coverage = figures(String.raw`(?:coverage is|es de|est de|liegt bei) #x`);
    expect(coverage.length).toBeGreaterThan(50);
    expect(Math.max(...coverage)).toBeLessThan(3);
  });

  it('reports shares, discounts and changes as percentages a business would quote', () => {
    const percentages = figures(String.raw`#\s?%`);
    expect(percentages.length).toBeGreaterThan(500);
    expect(Math.max(...percentages)).toBeLessThanOrEqual(50);
    expect(Math.max(...figures(String.raw`(?:discount|descuento|remise|Rabatt)\D{0,15}#`), ...figures(String.raw`#\s?% (?:Rabatt|discount)`))).toBeLessThanOrEqual(30);
  });

  it('gives durations and amounts their own plausible ranges', () => {
    const delays = [...figures(String.raw`#-day delay`), ...figures(String.raw`retraso de # días`), ...figures(String.raw`Verzögerung von # Tagen`)];
    expect(delays.length).toBeGreaterThan(20);
    expect(Math.max(...delays)).toBeLessThanOrEqual(30);
    const latency = figures(String.raw`p95 went to # ms`);
    expect(latency.length).toBeGreaterThan(20);
    expect(Math.min(...latency)).toBeGreaterThanOrEqual(100);
    const timeToHire = figures(String.raw`Time to hire is now # days`);
    expect(timeToHire.length).toBeGreaterThan(20);
    expect(Math.min(...timeToHire)).toBeGreaterThanOrEqual(20);
    const openRoles = [...figures(String.raw`# (?:open roles|puestos abiertos|postes ouverts|offene Stellen)`), ...figures(String.raw`#名の採用枠`)];
    expect(openRoles.length).toBeGreaterThan(20);
    expect(Math.max(...openRoles)).toBeLessThanOrEqual(15);
  });

  it('leaves no placeholder unfilled', () => {
    expect(texts.filter((t) => /\{\w(:[^}]*)?\}/.test(t))).toEqual([]);
  });
});
