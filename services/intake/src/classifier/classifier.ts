import type { complaintTypes, urgencies } from '@hotline/shared';
import { features } from './tokenize';
import { predictNaiveBayes, trainNaiveBayes, type NaiveBayesModel } from './naive-bayes';
import { detectEmergency, type EmergencyRuleId } from './emergency';
import type { LabelledExample } from './dataset';

type ComplaintType = (typeof complaintTypes)[number];
type Urgency = (typeof urgencies)[number];

export interface Scored<T extends string> {
  value: T;
  /** Posterior probability, 0–1. */
  confidence: number;
}

/** What intake suggests for a complaint's text; the agent confirms or overrides each part. */
export interface ClassificationSuggestion {
  category: Scored<string>;
  /** The next most likely top-level categories, most likely first. */
  alternatives: Scored<string>[];
  type: Scored<ComplaintType>;
  urgency: Scored<Urgency>;
  /** Set when an emergency rule forced URGENT (confidence 1). */
  emergency: EmergencyRuleId | null;
}

export interface ComplaintClassifier {
  suggest(text: string): ClassificationSuggestion;
}

const top = (categoryId: string) => categoryId.split('.')[0]!;

/**
 * Naive Bayes models over the same features. The category is chosen in two steps: the top level first
 * (its model pools every sub-category's examples, which measured clearly better than picking among all
 * leaves at once), then the sub-category among that top level's own labels. When no sub-category is
 * more likely than not, the top level itself is suggested: a sure coarse answer beats a guessed fine one.
 */
export function trainClassifier(examples: readonly LabelledExample[]): ComplaintClassifier {
  const featured = examples.map((e) => ({ e, f: features(e.text) }));
  const topLevel = trainNaiveBayes(featured.map(({ e, f }) => ({ features: f, label: top(e.categoryId) })));
  const withinTop = new Map<string, NaiveBayesModel<string>>();
  for (const t of topLevel.labels)
    withinTop.set(
      t,
      trainNaiveBayes(featured.filter(({ e }) => top(e.categoryId) === t).map(({ e, f }) => ({ features: f, label: e.categoryId }))),
    );
  const type = trainNaiveBayes<ComplaintType>(featured.map(({ e, f }) => ({ features: f, label: e.type })));
  const urgency = trainNaiveBayes<Urgency>(featured.map(({ e, f }) => ({ features: f, label: e.urgency })));
  const best = <T extends string>(ranked: { label: T; probability: number }[]): Scored<T> => ({
    value: ranked[0]!.label,
    confidence: ranked[0]!.probability,
  });
  return {
    suggest(text) {
      const f = features(text);
      const tops = predictNaiveBayes(topLevel, f);
      const chosen = tops[0]!;
      const leaf = predictNaiveBayes(withinTop.get(chosen.label)!, f)[0]!;
      const category =
        leaf.probability > 0.5
          ? { value: leaf.label, confidence: chosen.probability * leaf.probability }
          : { value: chosen.label, confidence: chosen.probability };
      const emergency = detectEmergency(text);
      return {
        category,
        alternatives: tops.slice(1, 4).map((c) => ({ value: c.label, confidence: c.probability })),
        type: best(predictNaiveBayes(type, f)),
        urgency: emergency ? { value: 'URGENT', confidence: 1 } : best(predictNaiveBayes(urgency, f)),
        emergency,
      };
    },
  };
}

/** Accuracy on examples the classifier did not see: exact category, top-level category, type, urgency. */
export function evaluateClassifier(classifier: ComplaintClassifier, test: readonly LabelledExample[]) {
  let exact = 0;
  let topLevel = 0;
  let type = 0;
  let urgency = 0;
  for (const e of test) {
    const s = classifier.suggest(e.text);
    if (s.category.value === e.categoryId) exact++;
    if (top(s.category.value) === top(e.categoryId)) topLevel++;
    if (s.type.value === e.type) type++;
    if (s.urgency.value === e.urgency) urgency++;
  }
  const n = test.length;
  return { examples: n, topLevelCategory: topLevel / n, exactCategory: exact / n, type: type / n, urgency: urgency / n };
}
