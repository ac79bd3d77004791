/**
 * Histogram cut points per feature, as XGBoost's `hist` method uses them: values are compared in
 * float32; bin b of feature f holds the values v with cuts[b-1] <= v < cuts[b] (bin 0 starts at the
 * feature's minimum), so a split "bins <= b go left" is the threshold `x < cuts[b]`.
 */
export interface FeatureCuts {
  /** Cut values of every feature, concatenated (float32 values stored as doubles). */
  readonly values: Float64Array;
  /** Feature f's cuts are values[offsets[f] .. offsets[f+1]); its bin count is the same length. */
  readonly offsets: Int32Array;
  /** Each feature's smallest value (the lower edge of bin 0), NaN when the feature is all missing. */
  readonly minValues: Float64Array;
}

/**
 * Computes up to `maxBin` bins per feature from row-major `data` (NaN = missing). With at most `maxBin`
 * distinct values every value gets its own bin; otherwise the cuts are the values at evenly spaced ranks.
 */
export function computeCuts(data: Float64Array, rows: number, cols: number, maxBin: number): FeatureCuts {
  const perFeature: number[][] = [];
  const minValues = new Float64Array(cols);
  const column = new Float32Array(rows);
  for (let f = 0; f < cols; f++) {
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const v = data[r * cols + f]!;
      if (!Number.isNaN(v)) column[n++] = v;
    }
    const sorted = column.subarray(0, n).sort();
    perFeature.push(cutsOfSorted(sorted, maxBin));
    minValues[f] = n > 0 ? sorted[0]! : NaN;
  }
  const offsets = new Int32Array(cols + 1);
  for (let f = 0; f < cols; f++) offsets[f + 1] = offsets[f]! + perFeature[f]!.length;
  const values = new Float64Array(offsets[cols]!);
  perFeature.forEach((cuts, f) => values.set(cuts, offsets[f]!));
  return { values, offsets, minValues };
}

/** Cut values for one feature's sorted float32 values. */
export function cutsOfSorted(sorted: Float32Array, maxBin: number): number[] {
  const n = sorted.length;
  if (n === 0) return [Math.fround(1e-5)];
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  const cuts: number[] = [];
  let distinct = 1;
  for (let i = 1; i < n && distinct <= maxBin; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= maxBin) {
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) cuts.push(sorted[i]!);
  } else {
    for (let b = 1; b < maxBin; b++) {
      const v = sorted[Math.floor((b * n) / maxBin)]!;
      if (v > min && (cuts.length === 0 || v > cuts[cuts.length - 1]!)) cuts.push(v);
    }
  }
  // The last cut is far above the maximum, as XGBoost's: every training value is below it.
  cuts.push(Math.fround(max + (Math.abs(max) + 1e-5)));
  return cuts;
}

/** The bin of `value` among a feature's cuts: the first cut greater than the float32 value (its count when none). */
export function binOf(values: Float64Array, begin: number, end: number, value: number): number {
  const v = Math.fround(value);
  let lo = begin;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! > v) hi = mid;
    else lo = mid + 1;
  }
  return lo - begin;
}
