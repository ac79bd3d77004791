import type { FeatureCuts } from './quantile-cuts.js';

/**
 * Where each feature's bins sit in a gradient histogram: feature f has bin-count + 2 slots from
 * `offsets[f]` (the last two catch values above the last cut and missing values, so histogram loops
 * need no branch); slot s holds the gradient sum at `2 * s` and the hessian sum at `2 * s + 1`.
 * `offsets[cols]` is the slot count.
 */
export function histogramOffsets(cuts: FeatureCuts): Int32Array {
  const cols = cuts.offsets.length - 1;
  const offsets = new Int32Array(cols + 1);
  for (let f = 0; f < cols; f++) offsets[f + 1] = offsets[f]! + (cuts.offsets[f + 1]! - cuts.offsets[f]!) + 2;
  return offsets;
}
