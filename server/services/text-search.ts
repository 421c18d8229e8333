/**
 * Language handling for the communications store, shared by ingestion (documents) and retrieval (queries) so both
 * sides agree: which text-search configuration a language uses, and how Japanese and Chinese are cut into words.
 */

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
 * Frequent function words of the languages most mail and chat is written in. They decide most texts in a few
 * microseconds; eld (~100 µs a text on this machine) is consulted only when they do not, which is what keeps
 * detection off the critical path of a 10,000 records/s ingest.
 */
const STOPWORDS: Record<string, string[]> = {
  en: ['the', 'and', 'is', 'are', 'we', 'to', 'of', 'for', 'on', 'this', 'that', 'with', 'you', 'have', 'be', 'will', 'it', 'our', 'can', 'by', 'was', 'not', 'at', 'from', 'they', 'need', 'please', 'after', 'before'],
  es: ['el', 'la', 'los', 'las', 'de', 'que', 'y', 'en', 'un', 'una', 'es', 'por', 'con', 'para', 'del', 'se', 'no', 'al', 'lo', 'nos', 'está', 'pero', 'como', 'antes', 'hay', 'tenemos', 'necesitamos'],
  fr: ['le', 'la', 'les', 'de', 'des', 'et', 'est', 'un', 'une', 'du', 'en', 'que', 'pour', 'pas', 'sur', 'nous', 'vous', 'avec', 'il', 'ne', 'au', 'dans', 'sont', 'mais', 'avant', 'ce', 'cette'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'zu', 'den', 'mit', 'von', 'wir', 'für', 'auf', 'im', 'es', 'sich', 'des', 'dem', 'bis', 'noch', 'bitte', 'hat', 'sind', 'wird', 'vor'],
  pt: ['o', 'os', 'de', 'que', 'e', 'do', 'da', 'em', 'um', 'uma', 'para', 'com', 'não', 'no', 'na', 'por', 'mais', 'se', 'dos', 'das', 'foi', 'está', 'nós', 'você', 'temos', 'precisamos'],
  it: ['il', 'di', 'che', 'e', 'la', 'per', 'un', 'una', 'non', 'sono', 'del', 'della', 'con', 'è', 'gli', 'le', 'si', 'da', 'nel', 'alla', 'abbiamo', 'questo', 'ma', 'anche', 'prima'],
  nl: ['de', 'het', 'een', 'en', 'van', 'is', 'dat', 'op', 'te', 'niet', 'voor', 'met', 'zijn', 'wij', 'we', 'ook', 'er', 'aan', 'maar', 'nog', 'naar', 'hebben', 'deze', 'wordt'],
};
const STOPWORD_LANGS = Object.keys(STOPWORDS);
const STOPWORD_INDEX = new Map<string, number[]>();
STOPWORD_LANGS.forEach((lang, i) => {
  for (const w of STOPWORDS[lang]!) STOPWORD_INDEX.set(w, [...(STOPWORD_INDEX.get(w) ?? []), i]);
});
const WORD = /[\p{L}']+/gu;
const KANA = /[\u3040-\u30ff]/;
const HAN = /[\u4e00-\u9fff]/;
const ARABIC = /[\u0600-\u06ff]/;

/**
 * The function-word vote: a language with ≥ `minHits` hits and `ratio` times the runner-up's, or null when that is
 * not clear.
 */
function stopwordVote(text: string, minHits = 3, ratio = 2): string | null {
  const hits = new Array<number>(STOPWORD_LANGS.length).fill(0);
  let words = 0;
  for (const m of text.toLowerCase().matchAll(WORD)) {
    const langs = STOPWORD_INDEX.get(m[0]);
    if (langs) for (const l of langs) hits[l]!++;
    if (++words >= 60) break;
  }
  let best = 0;
  let second = 0;
  let bestIndex = -1;
  hits.forEach((h, i) => {
    if (h > best) {
      second = best;
      best = h;
      bestIndex = i;
    } else if (h > second) second = h;
  });
  return best >= minHits && best >= ratio * second && best > second ? STOPWORD_LANGS[bestIndex]! : null;
}

/**
 * The language of a short question, from its function words alone ("Is the launch still on track?" has three
 * English ones), or null. Never loads eld: a question is too short for it to be reliable anyway, and the Signal
 * path should not pay its memory.
 */
export function questionLanguage(question: string): string | null {
  if (KANA.test(question)) return 'ja';
  if (HAN.test(question)) return 'zh';
  if (ARABIC.test(question)) return 'ar';
  return stopwordVote(question, 1, 1);
}

type Eld = Awaited<typeof import('eld/small')>['eld'];
let eldLoading: Promise<Eld> | undefined;
/**
 * eld's n-gram tables cost ~165 MB of memory once loaded, so they load the first time the fast path above cannot
 * decide — a process that never ingests undecided text (most of them) never pays for them.
 */
const loadEld = () => (eldLoading ??= import('eld/small').then((m) => m.eld));

/**
 * ISO 639-1 of a text, or `fallback` when it cannot be told (short chat lines such as "ok, on it" carry too
 * little signal). Kana means Japanese, Han without kana Chinese, Arabic script Arabic; then the function-word
 * vote; then eld (small n-gram database) when it is confident.
 */
export async function detectLanguage(text: string, fallback: string): Promise<string> {
  const sample = text.length > DETECT_CHARS ? text.slice(0, DETECT_CHARS) : text;
  if (KANA.test(sample)) return 'ja';
  if (HAN.test(sample)) return 'zh';
  if (ARABIC.test(sample)) return 'ar';
  const voted = stopwordVote(sample);
  if (voted) return voted;
  const result = (await loadEld()).detect(sample);
  return result.language && result.isReliable() ? result.language : fallback;
}
