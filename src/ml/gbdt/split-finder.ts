import type { FeatureCuts } from './quantile-cuts.js';
import { nodeGain, type SplitParams } from './split-math.js';

/** The best split of a node, or none. */
export interface Split {
  /** The loss reduction (XGBoost's loss_chg). */
  gain: number;
  feature: number;
  /** Bins 0..bin go left; -1 means only missing values go left. */
  bin: number;
  defaultLeft: boolean;
  /** `x < threshold` goes left (a float32 value). */
  threshold: number;
  leftG: number;
  leftH: number;
  rightG: number;
  rightH: number;
}

const RT_EPS = 1e-6;

/**
 * Finds the best split of a node from its gradient histogram (`hist[2 * slot]` = gradient sum,
 * `hist[2 * slot + 1]` = hessian sum, feature f's bins from slot `slotOffsets[f]`: `cuts.offsets`
 * unless given, e.g. `histogramOffsets`), as XGBoost's hist evaluator:
 * for each feature, a forward scan with missing values going right, then, when the node has missing
 * values, a backward scan with them going left; a candidate replaces the best only when strictly
 * better, so ties keep the lower feature and the right default. Returns undefined when no split
 * gains more than `gamma` (and a tiny epsilon) with both children heavy enough.
 */
export function findBestSplit(
  hist: Float64Array,
  cuts: FeatureCuts,
  features: ArrayLike<number>,
  g: number,
  h: number,
  p: SplitParams,
  slotOffsets: Int32Array = cuts.offsets,
): Split | undefined {
  const parentGain = nodeGain(g, h, p);
  const mcw = p.minChildWeight;
  const lambda = p.lambda;
  // Without alpha and max_delta_step, nodeGain is G² / (H + lambda): computed inline (same operations, same result).
  const plain = p.alpha === 0 && p.maxDeltaStep === 0;
  const gainOf = (sg: number, sh: number): number => (plain ? (sh < mcw || sh <= 0 ? 0 : (sg * sg) / (sh + lambda)) : nodeGain(sg, sh, p));
  let bestGain = -Infinity;
  let bestFeature = -1;
  let bestBin = 0;
  let bestDefaultLeft = false;
  let bestG = 0;
  let bestH = 0;
  for (let i = 0; i < features.length; i++) {
    const f = features[i]!;
    const nb = cuts.offsets[f + 1]! - cuts.offsets[f]!;
    const slot = slotOffsets[f]!;
    // Forward: left = bins 0..b, missing right. The last bin's candidate (every bin left) exists only
    // when the node has missing values, which the sums through the last bin tell.
    let lg = 0;
    let lh = 0;
    for (let b = 0; b < nb; b++) {
      lg += hist[2 * (slot + b)]!;
      lh += hist[2 * (slot + b) + 1]!;
      if (b === nb - 1 && !(h - lh > 1e-9 * Math.max(1, h))) break;
      const rh = h - lh;
      if (lh < mcw || rh < mcw) continue;
      const gain = gainOf(lg, lh) + gainOf(g - lg, rh) - parentGain;
      if (gain > bestGain) {
        bestGain = gain;
        bestFeature = f;
        bestBin = b;
        bestDefaultLeft = false;
        bestG = lg;
        bestH = lh;
      }
    }
    const hasMissing = h - lh > 1e-9 * Math.max(1, h);
    if (!hasMissing) continue;
    // Backward: right = bins b+1..nb-1, missing left (b = -1: only the missing values go left).
    let rg = 0;
    let rh = 0;
    for (let b = nb - 1; b >= 0; b--) {
      rg += hist[2 * (slot + b)]!;
      rh += hist[2 * (slot + b) + 1]!;
      const leftG = g - rg;
      const leftH = h - rh;
      if (leftH < mcw || h - leftH < mcw) continue;
      const gain = gainOf(leftG, leftH) + gainOf(g - leftG, h - leftH) - parentGain;
      if (gain > bestGain) {
        bestGain = gain;
        bestFeature = f;
        bestBin = b - 1;
        bestDefaultLeft = true;
        bestG = leftG;
        bestH = leftH;
      }
    }
  }
  if (bestFeature < 0 || !(bestGain > RT_EPS) || bestGain < p.gamma) return undefined;
  const threshold = bestBin < 0 ? cuts.minValues[bestFeature]! : cuts.values[cuts.offsets[bestFeature]! + bestBin]!;
  return {
    gain: bestGain,
    feature: bestFeature,
    bin: bestBin,
    defaultLeft: bestDefaultLeft,
    threshold,
    leftG: bestG,
    leftH: bestH,
    rightG: g - bestG,
    rightH: h - bestH,
  };
}
