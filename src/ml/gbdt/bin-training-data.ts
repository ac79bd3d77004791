import { transposeBins, type BinnedMatrix } from './binned-matrix.js';
import { cutsOfSorted, type FeatureCuts } from './quantile-cuts.js';
import { floatBitsToKeys, radixBuffers, sortFloat32WithRows } from './sort-float32-with-rows.js';

/**
 * Computes the cuts (as `computeCuts`) and bins the training data (as `binMatrix`) in one pass per
 * feature: each column is radix-sorted once with its row numbers, the cuts are read off the sorted
 * values and the bins assigned walking the sorted order (no search per value).
 */
export function binTrainingData(data: Float64Array, rows: number, cols: number, maxBin: number): { cuts: FeatureCuts; matrix: BinnedMatrix } {
  const buf = radixBuffers(rows);
  const sorted = new Float32Array(rows);
  const wide = new Uint16Array(rows * cols);
  const perFeature: number[][] = [];
  const minValues = new Float64Array(cols);
  const missing = new Int32Array(cols);
  let maxCode = 0;
  for (let f = 0; f < cols; f++) {
    let n = 0;
    const rowIds = buf.rows;
    const base = f * rows;
    // Gather the column as float32 (through a view of the spare key buffer), then turn the bits into keys.
    const asFloat = new Float32Array(buf.keysTmp.buffer, buf.keysTmp.byteOffset, rows);
    for (let r = 0; r < rows; r++) {
      const v = data[r * cols + f]!;
      if (v !== v) continue; // NaN: missing
      asFloat[n] = v;
      rowIds[n++] = r;
    }
    floatBitsToKeys(buf.keysTmp, buf.keys, n);
    sortFloat32WithRows(buf, n, sorted);
    const cuts = cutsOfSorted(sorted.subarray(0, n), maxBin);
    perFeature.push(cuts);
    minValues[f] = n > 0 ? sorted[0]! : NaN;
    const nb = cuts.length;
    const order = buf.rows;
    let b = 0;
    let cut = cuts[0]!;
    for (let i = 0; i < n; i++) {
      const v = sorted[i]!;
      while (cut <= v) cut = cuts[++b] ?? Infinity;
      wide[base + order[i]!] = b;
    }
    missing[f] = nb + 1;
    if (n < rows) {
      for (let r = 0; r < rows; r++) if (Number.isNaN(data[r * cols + f]!)) wide[base + r] = nb + 1;
    }
    maxCode = Math.max(maxCode, n < rows ? nb + 1 : nb - 1);
  }
  const offsets = new Int32Array(cols + 1);
  for (let f = 0; f < cols; f++) offsets[f + 1] = offsets[f]! + perFeature[f]!.length;
  const values = new Float64Array(offsets[cols]!);
  perFeature.forEach((c, f) => values.set(c, offsets[f]!));
  const bins = maxCode <= 255 ? new Uint8Array(wide) : wide;
  return { cuts: { values, offsets, minValues }, matrix: { rows, cols, bins, byRow: transposeBins(bins, rows, cols), missing } };
}
