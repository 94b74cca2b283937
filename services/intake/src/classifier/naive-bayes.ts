/**
 * Multinomial naive Bayes with Laplace smoothing. Written out rather than taken from a library: it is a
 * few lines of arithmetic, and the libraries that offer it (e.g. `natural`) bring their own English
 * tokenizers and stemmers, serialise models as JSON blobs and return unnormalised scores, whereas intake
 * needs its own Chinese features and a probability it can show the agent as a confidence.
 */
export interface NaiveBayesModel<L extends string> {
  labels: L[];
  /** log P(label) */
  logPrior: Map<L, number>;
  /** count of each feature per label */
  counts: Map<L, Map<string, number>>;
  /** total feature count per label */
  totals: Map<L, number>;
  vocabulary: Set<string>;
}

export interface Example<L extends string> {
  features: string[];
  label: L;
}

export function trainNaiveBayes<L extends string>(examples: readonly Example<L>[]): NaiveBayesModel<L> {
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const counts = new Map<L, Map<string, number>>(labels.map((l) => [l, new Map()]));
  const totals = new Map<L, number>(labels.map((l) => [l, 0]));
  const docs = new Map<L, number>(labels.map((l) => [l, 0]));
  const vocabulary = new Set<string>();
  for (const { features, label } of examples) {
    docs.set(label, docs.get(label)! + 1);
    const bag = counts.get(label)!;
    for (const f of features) {
      vocabulary.add(f);
      bag.set(f, (bag.get(f) ?? 0) + 1);
    }
    totals.set(label, totals.get(label)! + features.length);
  }
  const logPrior = new Map(labels.map((l) => [l, Math.log(docs.get(l)! / examples.length)]));
  return { labels, logPrior, counts, totals, vocabulary };
}

/** Every label with its posterior probability, most likely first. Unknown features carry no evidence. */
export function predictNaiveBayes<L extends string>(
  model: NaiveBayesModel<L>,
  features: readonly string[],
): { label: L; probability: number }[] {
  const known = features.filter((f) => model.vocabulary.has(f));
  const v = model.vocabulary.size;
  const scores = model.labels.map((label) => {
    const bag = model.counts.get(label)!;
    const denominator = Math.log(model.totals.get(label)! + v);
    let score = model.logPrior.get(label)!;
    for (const f of known) score += Math.log((bag.get(f) ?? 0) + 1) - denominator;
    return { label, score };
  });
  // Softmax over log scores, shifted by the maximum so exp() cannot underflow to all zeros.
  const max = Math.max(...scores.map((s) => s.score));
  const exps = scores.map((s) => ({ label: s.label, e: Math.exp(s.score - max) }));
  const sum = exps.reduce((a, s) => a + s.e, 0);
  return exps.map((s) => ({ label: s.label, probability: s.e / sum })).sort((a, b) => b.probability - a.probability);
}
