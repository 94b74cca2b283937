import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { complaintTypes, urgencies } from '@hotline/shared';

/** One labelled complaint sentence of the shipped training set. */
export const labelledExample = z.object({
  text: z.string().min(1),
  categoryId: z.string().min(1),
  type: z.enum(complaintTypes),
  urgency: z.enum(urgencies),
});
export type LabelledExample = z.infer<typeof labelledExample>;

/** The set shipped with the project (src/classifier/data/labelled.jsonl); resolved from src and from dist alike. */
export const labelledSetPath = path.join(__dirname, '../../src/classifier/data/labelled.jsonl');

export function readLabelledSet(file = labelledSetPath): LabelledExample[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = labelledExample.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
      return parsed.data;
    });
}

/** mulberry32: a tiny seeded generator, so the held-out split is the same on every machine and run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits stratified by top-level category: each category gives `heldOut` of its examples to the test
 * part, so a small category is never missing from either side.
 */
export function splitLabelledSet<T extends { categoryId: string }>(
  examples: readonly T[],
  seed: number,
  heldOut = 0.2,
): { train: T[]; test: T[] } {
  const random = seeded(seed);
  const byTop = new Map<string, T[]>();
  for (const e of examples) {
    const top = e.categoryId.split('.')[0]!;
    byTop.set(top, [...(byTop.get(top) ?? []), e]);
  }
  const train: T[] = [];
  const test: T[] = [];
  for (const group of [...byTop.keys()].sort().map((k) => byTop.get(k)!)) {
    const shuffled = [...group];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const cut = Math.round(shuffled.length * heldOut);
    test.push(...shuffled.slice(0, cut));
    train.push(...shuffled.slice(cut));
  }
  return { train, test };
}

/** The seed of the reported split; changing it changes the reported accuracy, so it is fixed. */
export const SPLIT_SEED = 12345;
