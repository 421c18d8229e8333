/**
 * Language handling for the communications store, shared by ingestion (documents) and retrieval (queries) so both
 * sides agree: which text-search configuration a language uses, and how Japanese and Chinese are cut into words.
 */
import { eld } from 'eld/small';

/** Languages with a stemming configuration (migration 0006: the stemmer after unaccent). */
const STEMMED = new Set(['en', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'ar']);
/** Languages written without spaces between words: segmented before indexing and before querying. */
const SEGMENTED = new Set(['ja', 'zh']);

export type FtsConfig = `panops_${string}`;

/** The text-search configuration for an ISO 639-1 code; anything without a stemmer uses panops_simple. */
export function ftsConfigFor(language: string | null | undefined): FtsConfig {
  return language && STEMMED.has(language) ? `panops_${language}` : 'panops_simple';
}

const segmenters = new Map<string, Intl.Segmenter>();

/**
 * Japanese and Chinese text → its words joined by spaces (Intl.Segmenter), which panops_simple then indexes as
 * separate lexemes; punctuation is dropped. Other languages come back unchanged (their parser splits on spaces).
 */
export function segmentWords(text: string, language: string | null | undefined): string {
  if (!language || !SEGMENTED.has(language)) return text;
  let segmenter = segmenters.get(language);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(language, { granularity: 'word' });
    segmenters.set(language, segmenter);
  }
  const words: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) words.push(s.segment);
  return words.join(' ');
}

/** Enough text to tell the language; detection cost grows with length and the start of a message suffices. */
const DETECT_CHARS = 400;

/**
 * ISO 639-1 of a text (eld, small n-gram database: ~30,000 short texts/s on one core), or `fallback` when the
 * detector is not confident — short chat lines such as "ok, on it" carry too little signal.
 */
export function detectLanguage(text: string, fallback: string): string {
  const result = eld.detect(text.length > DETECT_CHARS ? text.slice(0, DETECT_CHARS) : text);
  return result.language && result.isReliable() ? result.language : fallback;
}
