import type { FeatureArray } from '../matrix-reader.js';
import { binOf, type FeatureCuts } from './quantile-cuts.js';

/**
 * A data set quantised to bin indices, twice: column-major (feature f, row r at `bins[f * rows + r]`,
 * for partitioning and tree walks, which read one feature per row) and row-major (`byRow[r * cols + f]`,
 * for histograms, which read every feature of a row).
 */
export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Uint8 when every bin index present (missing markers included) fits in a byte, else Uint16. */
  readonly bins: Uint8Array | Uint16Array;
  /** The same bins row-major, same type. */
  readonly byRow: Uint8Array | Uint16Array;
  /**
   * Per feature, the bin index that marks a missing value: its bin count + 1 (bin count itself is a
   * value above the last cut, which no training value is).
   */
  readonly missing: Int32Array;
}

/** Per feature, the missing marker: bin count + 1. */
export function missingBins(cuts: FeatureCuts): Int32Array {
  const cols = cuts.offsets.length - 1;
  return Int32Array.from({ length: cols }, (_, f) => cuts.offsets[f + 1]! - cuts.offsets[f]! + 1);
}

/** Uint8 storage of `wide` when its largest value fits in a byte; `wide` itself otherwise. */
export function narrowBins(wide: Uint16Array): Uint8Array | Uint16Array {
  let max = 0;
  for (let i = 0; i < wide.length; i++) if (wide[i]! > max) max = wide[i]!;
  return max <= 255 ? new Uint8Array(wide) : wide;
}

/**
 * Quantises row-major `data` with `cuts`. Values above the last cut get the bin count (they go right
 * of every split); missing values the bin count + 1.
 */
export function binMatrix(data: FeatureArray, rows: number, cols: number, cuts: FeatureCuts): BinnedMatrix {
  const missing = missingBins(cuts);
  const wide = new Uint16Array(rows * cols);
  for (let f = 0; f < cols; f++) {
    const begin = cuts.offsets[f]!;
    const end = cuts.offsets[f + 1]!;
    const base = f * rows;
    const m = missing[f]!;
    for (let r = 0; r < rows; r++) {
      const v = data[r * cols + f]!;
      wide[base + r] = Number.isNaN(v) ? m : binOf(cuts.values, begin, end, v);
    }
  }
  const bins = narrowBins(wide);
  return { rows, cols, bins, byRow: transposeBins(bins, rows, cols), missing };
}

/** Row-major copy of column-major `bins`. */
export function transposeBins(bins: Uint8Array | Uint16Array, rows: number, cols: number): Uint8Array | Uint16Array {
  const out = bins instanceof Uint8Array ? new Uint8Array(bins.length) : new Uint16Array(bins.length);
  for (let f = 0; f < cols; f++) {
    const base = f * rows;
    for (let r = 0; r < rows; r++) out[r * cols + f] = bins[base + r]!;
  }
  return out;
}
