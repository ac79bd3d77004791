import type { BinnedMatrix } from './binned-matrix.js';

/** One histogram to build: the rows `rowIndex[begin..end)` into `out` (zeroed first). */
export interface HistogramTask {
  readonly begin: number;
  readonly end: number;
  readonly out: Float64Array;
}

/**
 * Builds gradient histograms (`out[2 * (offsets[f] + bin)]` += grad, `+1` += hess) over the given
 * features. Implementations: `SerialHistogramBuilder` (in this thread) and a worker-thread one.
 */
export interface HistogramBuilder {
  /** Arrays for gradients, hessians and row order that the builder can read (shared memory for workers). */
  createBuffers(rows: number): { gpair: Float64Array; rowIndex: Uint32Array };
  /** A zeroed histogram of `length` doubles that the builder can write to. */
  createHistogram(length: number): Float64Array;
  /** Sets the gradients and the row order for the tree about to grow (shared with the builder). */
  beginTree(gpair: Float64Array, rowIndex: Uint32Array): void;
  build(tasks: readonly HistogramTask[], features: Int32Array): Promise<void> | void;
  close(): Promise<void> | void;
}

/** Builds histograms in the calling thread. */
export class SerialHistogramBuilder implements HistogramBuilder {
  private gpair: Float64Array = new Float64Array(0);
  private rowIndex: Uint32Array = new Uint32Array(0);

  constructor(
    private readonly matrix: BinnedMatrix,
    private readonly offsets: Int32Array,
  ) {}

  createBuffers(rows: number): { gpair: Float64Array; rowIndex: Uint32Array } {
    return { gpair: new Float64Array(2 * rows), rowIndex: new Uint32Array(rows) };
  }

  createHistogram(length: number): Float64Array {
    return new Float64Array(length);
  }

  beginTree(gpair: Float64Array, rowIndex: Uint32Array): void {
    this.gpair = gpair;
    this.rowIndex = rowIndex;
  }

  build(tasks: readonly HistogramTask[], features: Int32Array): void {
    for (const task of tasks) {
      task.out.fill(0);
      for (let i = 0; i < features.length; i++) buildFeature(this.matrix, this.offsets, features[i]!, this.gpair, this.rowIndex, task.begin, task.end, task.out);
    }
  }

  close(): void {}
}

/** Accumulates one feature's histogram for rows `rowIndex[begin..end)`. The hot loop: no allocation. */
export function buildFeature(
  matrix: BinnedMatrix,
  offsets: Int32Array,
  f: number,
  gpair: Float64Array,
  rowIndex: Uint32Array,
  begin: number,
  end: number,
  out: Float64Array,
): void {
  const bins = matrix.bins;
  const base = f * matrix.rows;
  const off = 2 * offsets[f]!;
  const missing = matrix.missing;
  for (let i = begin; i < end; i++) {
    const r = rowIndex[i]!;
    const b = bins[base + r]!;
    if (b === missing) continue;
    const k = off + 2 * b;
    out[k]! += gpair[2 * r]!;
    out[k + 1]! += gpair[2 * r + 1]!;
  }
}
