import { hanBigrams, words } from '../classifier/tokenize';

/**
 * The token column searched for Chinese full text: PostgreSQL's parsers do not segment Chinese, so the
 * text is segmented here (Intl.Segmenter words plus Han bigrams) and stored space-joined, to be indexed
 * with the 'simple' configuration, which keeps each token as written.
 */
export function searchTokens(...texts: Array<string | null | undefined>): string {
  const text = texts.filter(Boolean).join(' ');
  return [...new Set([...words(text), ...hanBigrams(text)])].join(' ');
}

/**
 * The tokens a search must all match. Han runs are matched by their bigrams, which every stored text
 * carries whatever the segmenter did with it; a single Han character is matched as a word.
 */
export function queryTokens(query: string): string[] {
  const bigrams = hanBigrams(query);
  const coveredByBigrams = (w: string) => /^\p{Script=Han}+$/u.test(w) && [...w].length > 1;
  const rest = words(query).filter((w) => !coveredByBigrams(w) && !(bigrams.length > 0 && /^\p{Script=Han}$/u.test(w)));
  return [...new Set([...bigrams, ...rest])].map((t) => t.replace(/[&|!():*'\\]/g, '')).filter(Boolean);
}

/** Jaccard similarity of two texts' Han bigram sets, 0–1: robust to word order and segmentation. */
export function bigramJaccard(a: string, b: string): number {
  const x = new Set(hanBigrams(a));
  const y = new Set(hanBigrams(b));
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / (x.size + y.size - shared);
}
