/**
 * Chinese text to features. Intl.Segmenter (ICU, built into Node) gives words, but its dictionary
 * splits many domain terms into single characters (油烟 → 油/烟, 燃气 → 燃/气). Character bigrams
 * inside each run of Han characters restore those terms without a domain dictionary, and single Han
 * characters add evidence for short texts; measured on the held-out set, all three together beat each alone.
 */
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const han = /\p{Script=Han}+/gu;

/** Word-like segments, lower-cased; punctuation and spaces dropped. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment.toLowerCase());
  return out;
}

/** Overlapping pairs of Han characters (物业费 → 物业, 业费). */
export function hanBigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(han) ?? []) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/** Single Han characters. */
export const hanChars = (text: string): string[] => (text.match(han) ?? []).flatMap((run) => [...run]);

/** The classifier's features: segmented words, Han bigrams and Han characters (prefixed so they never collide). */
export const features = (text: string): string[] => [
  ...words(text).map((w) => `w:${w}`),
  ...hanBigrams(text).map((b) => `b:${b}`),
  ...hanChars(text).map((c) => `c:${c}`),
];
