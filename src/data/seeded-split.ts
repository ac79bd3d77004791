import type { Random } from '../core/random.js';

/** Row indices of each split, in shuffled order. */
export interface SplitIndices {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
  readonly test: Uint32Array;
}

/** The sample's proportions: 80% train, the rest validation, of which 5% is held out as test. */
export const SPLIT_FRACTIONS = { train: 0.8, testOfValidation: 0.05 } as const;

/**
 * Shuffles `n` row indices with `random` (Fisher–Yates) and cuts them: the first round(0.8 n) rows
 * train, the rest validation, whose last round(5%) rows become the test set.
 */
export function seededSplit(n: number, random: Random): SplitIndices {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const nTrain = Math.round(n * SPLIT_FRACTIONS.train);
  const nRest = n - nTrain;
  const nTest = Math.round(nRest * SPLIT_FRACTIONS.testOfValidation);
  return {
    train: order.subarray(0, nTrain),
    validation: order.subarray(nTrain, n - nTest),
    test: order.subarray(n - nTest, n),
  };
}
