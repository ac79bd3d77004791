import { MemoryHistogramKernels } from './histogram-kernel.js';
import { histogramOffsets } from './histogram-layout.js';
import type { KernelMemory } from './kernel-memory.js';
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
  /** True when the `KernelMemory` must be shared (a SharedArrayBuffer): other threads read it. */
  readonly sharedMemory: boolean;
  /** How many histograms the `KernelMemory` must hold for this builder. */
  readonly histogramsNeeded: number;
  /** Sets where the builder reads bins, gradient pairs and row order (once, before building). */
  attach(memory: KernelMemory): void;
  /** A zeroed histogram of `length` doubles that the builder can write to. */
  createHistogram(length: number): Float64Array;
  build(tasks: readonly HistogramTask[], features: Int32Array): Promise<void> | void;
  close(): Promise<void> | void;
  /** Builders with workers: how many were lost during training (died or stalled; their work was done in this thread). */
  readonly workersLost?: number;
  /** Builders with workers: kernels that failed to compile in them (those ran in JavaScript). */
  readonly workerCompileFailures?: number;
}

/** Builds histograms in the calling thread. */
export class SerialHistogramBuilder implements HistogramBuilder {
  readonly sharedMemory = false;
  readonly histogramsNeeded = 1;
  private kernels: MemoryHistogramKernels | undefined;
  private readonly slotOffsets: Int32Array;

  constructor(cuts: FeatureCuts) {
    this.slotOffsets = histogramOffsets(cuts);
  }

  attach(memory: KernelMemory): void {
    this.kernels = new MemoryHistogramKernels(memory, this.slotOffsets);
  }

  createHistogram(length: number): Float64Array {
    return new Float64Array(length);
  }

  build(tasks: readonly HistogramTask[], features: Int32Array): void {
    if (!this.kernels) throw new Error('SerialHistogramBuilder: attach a KernelMemory first');
    const kernel = this.kernels.get(features);
    for (const task of tasks) kernel(task.begin, task.end, task.out);
  }

  close(): void {}
}
