import { transposeBins, type BinnedMatrix } from './binned-matrix.js';
import { cutsOfSorted, type FeatureCuts } from './quantile-cuts.js';
import { radixBuffers, sortFloat32WithRows } from './sort-float32-with-rows.js';

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
  // One sequential pass turns the row-major doubles into float32 columns (read as bits below).
  const columns = transposeToFloat32(data, rows, cols);
  const columnBits = new Uint32Array(columns.buffer);
  let maxCode = 0;
  for (let f = 0; f < cols; f++) {
    const base = f * rows;
    const n = columnKeys(columnBits, base, rows, buf.keys, buf.rows);
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
      for (let r = 0; r < rows; r++) if (Number.isNaN(columns[base + r]!)) wide[base + r] = nb + 1;
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

/** Column-major float32 copy of row-major `data`. */
function transposeToFloat32(data: Float64Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const at = r * cols;
    for (let f = 0; f < cols; f++) out[f * rows + r] = data[at + f]!;
  }
  return out;
}

/**
 * Sort keys (see `sortKey`) of the non-NaN float32 values whose bits are `bits[base..base + rows)`,
 * with their row numbers; returns how many.
 */
function columnKeys(bits: Uint32Array, base: number, rows: number, keys: Uint32Array, rowIds: Uint32Array): number {
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const b = bits[base + r]!;
    if ((b & 0x7fffffff) > 0x7f800000) continue; // NaN: missing
    keys[n] = (b & 0x80000000 ? ~b : b ^ 0x80000000) >>> 0;
    rowIds[n++] = r;
  }
  return n;
}
