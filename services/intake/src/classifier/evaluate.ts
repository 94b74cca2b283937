import { evaluateClassifier, trainClassifier } from './classifier';
import { readLabelledSet, splitLabelledSet, SPLIT_SEED } from './dataset';

/** Prints the classifier's accuracy on the held-out part of the shipped set (npm run classifier:accuracy). */
const { train, test } = splitLabelledSet(readLabelledSet(), SPLIT_SEED);
const result = evaluateClassifier(trainClassifier(train), test);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
process.stdout.write(
  [
    `trained on ${train.length}, held out ${result.examples} (seed ${SPLIT_SEED})`,
    `category, top level: ${pct(result.topLevelCategory)}`,
    `category, exact:     ${pct(result.exactCategory)}`,
    `type:                ${pct(result.type)}`,
    `urgency:             ${pct(result.urgency)}`,
  ].join('\n') + '\n',
);
