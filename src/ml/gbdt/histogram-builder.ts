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
    buildTasks(this.matrix, this.offsets, tasks, features, this.gpair, this.rowIndex);
  }

  close(): void {}
}

/** Builds every task's histogram (zeroed first) in the calling thread. */
export function buildTasks(
  matrix: BinnedMatrix,
  offsets: Int32Array,
  tasks: readonly HistogramTask[],
  features: Int32Array,
  gpair: Float64Array,
  rowIndex: Uint32Array,
): void {
  for (const task of tasks) {
    task.out.fill(0);
    buildFeatures(matrix, offsets, features, 0, 1, gpair, rowIndex, task.begin, task.end, task.out);
  }
}

/**
 * Accumulates the histograms of features `features[first]`, `features[first + step]`, … for rows
 * `rowIndex[begin..end)`. Features are taken four at a time so that each row's index and gradient
 * pair are loaded once per four features (the hot loop: no allocation, monomorphic typed arrays).
 */
export function buildFeatures(
  matrix: BinnedMatrix,
  offsets: Int32Array,
  features: ArrayLike<number>,
  first: number,
  step: number,
  gpair: Float64Array,
  rowIndex: Uint32Array,
  begin: number,
  end: number,
  out: Float64Array,
): void {
  const mine: number[] = [];
  for (let i = first; i < features.length; i += step) mine.push(features[i]!);
  let i = 0;
  for (; i + 4 <= mine.length; i += 4) {
    buildFour(matrix, offsets, mine[i]!, mine[i + 1]!, mine[i + 2]!, mine[i + 3]!, gpair, rowIndex, begin, end, out);
  }
  for (; i < mine.length; i++) buildFeature(matrix, offsets, mine[i]!, gpair, rowIndex, begin, end, out);
}

function buildFour(
  matrix: BinnedMatrix,
  offsets: Int32Array,
  f1: number,
  f2: number,
  f3: number,
  f4: number,
  gpair: Float64Array,
  rowIndex: Uint32Array,
  begin: number,
  end: number,
  out: Float64Array,
): void {
  const bins = matrix.bins;
  const rows = matrix.rows;
  const missing = matrix.missing;
  const m1 = missing[f1]!;
  const m2 = missing[f2]!;
  const m3 = missing[f3]!;
  const m4 = missing[f4]!;
  const b1 = f1 * rows;
  const b2 = f2 * rows;
  const b3 = f3 * rows;
  const b4 = f4 * rows;
  const o1 = 2 * offsets[f1]!;
  const o2 = 2 * offsets[f2]!;
  const o3 = 2 * offsets[f3]!;
  const o4 = 2 * offsets[f4]!;
  for (let i = begin; i < end; i++) {
    const r = rowIndex[i]!;
    const g = gpair[2 * r]!;
    const h = gpair[2 * r + 1]!;
    const x1 = bins[b1 + r]!;
    const x2 = bins[b2 + r]!;
    const x3 = bins[b3 + r]!;
    const x4 = bins[b4 + r]!;
    if (x1 !== m1) {
      const k = o1 + 2 * x1;
      out[k]! += g;
      out[k + 1]! += h;
    }
    if (x2 !== m2) {
      const k = o2 + 2 * x2;
      out[k]! += g;
      out[k + 1]! += h;
    }
    if (x3 !== m3) {
      const k = o3 + 2 * x3;
      out[k]! += g;
      out[k + 1]! += h;
    }
    if (x4 !== m4) {
      const k = o4 + 2 * x4;
      out[k]! += g;
      out[k + 1]! += h;
    }
  }
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
  const missing = matrix.missing[f]!;
  for (let i = begin; i < end; i++) {
    const r = rowIndex[i]!;
    const b = bins[base + r]!;
    if (b === missing) continue;
    const k = off + 2 * b;
    out[k]! += gpair[2 * r]!;
    out[k + 1]! += gpair[2 * r + 1]!;
  }
}
