import { binOf, type FeatureCuts } from './quantile-cuts.js';

/** A data set quantised to bin indices, column-major (feature f, row r at `bins[f * rows + r]`). */
export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Uint8 when every bin index (and the missing marker) fits in a byte, else Uint16. */
  readonly bins: Uint8Array | Uint16Array;
  /** The bin index that marks a missing value. */
  readonly missing: number;
}

/** Quantises row-major `data` with `cuts`. Values above the last cut get the bin count (they go right of every split). */
export function binMatrix(data: Float64Array, rows: number, cols: number, cuts: FeatureCuts): BinnedMatrix {
  let maxBins = 0;
  for (let f = 0; f < cols; f++) maxBins = Math.max(maxBins, cuts.offsets[f + 1]! - cuts.offsets[f]!);
  const small = maxBins + 1 < 255;
  const bins = small ? new Uint8Array(rows * cols) : new Uint16Array(rows * cols);
  const missing = small ? 255 : 65535;
  for (let f = 0; f < cols; f++) {
    const begin = cuts.offsets[f]!;
    const end = cuts.offsets[f + 1]!;
    const base = f * rows;
    for (let r = 0; r < rows; r++) {
      const v = data[r * cols + f]!;
      bins[base + r] = Number.isNaN(v) ? missing : binOf(cuts.values, begin, end, v);
    }
  }
  return { rows, cols, bins, missing };
}
