import type { FeatureImportance } from './training-report.js';
import type { Tree } from './types.js';

/** XGBoost's importance types over the split nodes of `trees`, sorted by total gain (largest first). */
export function featureImportance(trees: readonly Tree[], featureNames: readonly string[]): FeatureImportance[] {
  const n = featureNames.length;
  const weight = new Float64Array(n);
  const gain = new Float64Array(n);
  const cover = new Float64Array(n);
  for (const t of trees) {
    for (let i = 0; i < t.leftChildren.length; i++) {
      if (t.leftChildren[i] === -1) continue;
      const f = t.splitIndices[i]!;
      weight[f]!++;
      gain[f]! += t.lossChanges[i]!;
      cover[f]! += t.sumHessian[i]!;
    }
  }
  return featureNames
    .map((feature, f) => ({
      feature,
      weight: weight[f]!,
      gain: weight[f]! > 0 ? gain[f]! / weight[f]! : 0,
      cover: weight[f]! > 0 ? cover[f]! / weight[f]! : 0,
      total_gain: gain[f]!,
      total_cover: cover[f]!,
    }))
    .filter((i) => i.weight > 0)
    .sort((a, b) => b.total_gain - a.total_gain);
}
