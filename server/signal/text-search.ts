/** TEMPORARY until the ingest branch's communications store is merged: its configuration list and segmentation. */
export const FTS_CONFIGS = [
  'panops_en', 'panops_es', 'panops_fr', 'panops_de', 'panops_pt', 'panops_it', 'panops_nl', 'panops_ar', 'panops_simple',
] as const;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

export function segmentForSearch(text: string): string {
  if (!CJK.test(text)) return text;
  const locale = /[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text) ? 'ja' : 'zh';
  const segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
  return [...segmenter.segment(text)].filter((s) => s.isWordLike).map((s) => s.segment).join(' ');
}
