import type { BinnedMatrix } from './binned-matrix.js';
import { HistogramKernels } from './histogram-kernel.js';
import { histogramOffsets } from './histogram-layout.js';
import type { FeatureCuts } from './quantile-cuts.js';

/** One histogram to build: the rows `rowIndex[begin..end)` into `out` (zeroed first). */
export interface HistogramTask {
  readonly begin: number;
  readonly end: number;
  readonly out: Float64Array;
}

/**
 * Builds gradient histograms over the given features, laid out by `histogramOffsets` (slot s of a
 * histogram: gradient sum at `2 * s`, hessian sum at `2 * s + 1`). Implementations:
 * `SerialHistogramBuilder` (in this thread) and a worker-thread one.
 */
export interface HistogramBuilder {
  /** True when the row order must be in shared memory (a SharedArrayBuffer): other threads read it. */
  readonly sharedMemory: boolean;
  /** The gradient pairs array for `rowIndex.length` rows that the builder can read; `rowIndex` is the row order it will read. */
  createBuffers(rowIndex: Uint32Array): { gpair: Float64Array };
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
  private readonly kernels: HistogramKernels;

  constructor(
    private readonly matrix: BinnedMatrix,
    cuts: FeatureCuts,
  ) {
    this.kernels = new HistogramKernels(histogramOffsets(cuts), matrix.cols);
  }

  readonly sharedMemory = false;

  createBuffers(rowIndex: Uint32Array): { gpair: Float64Array } {
    return { gpair: new Float64Array(2 * rowIndex.length) };
  }

  createHistogram(length: number): Float64Array {
    return new Float64Array(length);
  }

  beginTree(gpair: Float64Array, rowIndex: Uint32Array): void {
    this.gpair = gpair;
    this.rowIndex = rowIndex;
  }

  build(tasks: readonly HistogramTask[], features: Int32Array): void {
    const kernel = this.kernels.get(features);
    for (const task of tasks) {
      task.out.fill(0);
      kernel(this.matrix.byRow, this.gpair, this.rowIndex, task.begin, task.end, task.out);
    }
  }

  close(): void {}
}
