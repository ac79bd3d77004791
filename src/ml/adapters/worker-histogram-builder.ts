import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BinnedMatrix } from '../gbdt/binned-matrix.js';
import type { HistogramBuilder, HistogramTask } from '../gbdt/histogram-builder.js';
import { MemoryHistogramKernels } from '../gbdt/histogram-kernel.js';
import { histogramOffsets } from '../gbdt/histogram-layout.js';
import type { KernelMemory } from '../gbdt/kernel-memory.js';
import type { FeatureCuts } from '../gbdt/quantile-cuts.js';

/** Control block layout (Int32 slots) shared with the workers. */
export const CONTROL = { seq: 0, done: 1, taskCount: 2, featureCount: 3, stop: 4, ready: 5, tasks: 8 } as const;
/** Per task: begin, end, 1 when the workers share it (else the calling thread builds it alone). */
export const TASK_WORDS = 3;
/** Tasks per hand-off; each shared task has one histogram per worker in the kernel memory. */
export const MAX_TASKS = 256;
const MAX_FEATURES = 4096;
/** Tasks with fewer rows are not worth splitting. */
const MIN_SHARED_ROWS = 4096;
/** How long the first hand-off waits for workers to start before building in this thread instead. */
const STARTUP_TIMEOUT_MS = 15_000;

/**
 * Builds histograms with worker threads over shared memory. Each large task's rows are cut into
 * equal slices: the calling thread builds slice 0 into the node's histogram, each worker builds its
 * slice into a scratch histogram that is then added in. A level's tasks go out in one hand-off
 * (Atomics.notify / Atomics.wait), without messages or copies. Results are identical to the serial
 * builder's up to floating-point summation order, and deterministic for a given thread count.
 */
export class WorkerHistogramBuilder implements HistogramBuilder {
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  private readonly featureList: Int32Array;
  private readonly threadCount: number;
  private ready = false;
  private startedAt = 0;
  private failed = false;
  private readonly slotOffsets: Int32Array;
  private kernels: MemoryHistogramKernels | undefined;
  private memory: KernelMemory | undefined;

  constructor(
    private readonly matrix: BinnedMatrix,
    cuts: FeatureCuts,
    threads: number = os.availableParallelism(),
  ) {
    this.threadCount = Math.max(1, threads);
    this.slotOffsets = histogramOffsets(cuts);
    this.control = new Int32Array(new SharedArrayBuffer(4 * (CONTROL.tasks + MAX_TASKS * TASK_WORDS)));
    this.featureList = new Int32Array(new SharedArrayBuffer(4 * MAX_FEATURES));
  }

  readonly sharedMemory = true;

  /** Histogram 0 for this thread, then one per task and worker. */
  get histogramsNeeded(): number {
    return 1 + MAX_TASKS * (this.threadCount - 1);
  }

  attach(memory: KernelMemory): void {
    if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('WorkerHistogramBuilder: the kernel memory must be shared');
    this.memory = memory;
    this.kernels = new MemoryHistogramKernels(memory, this.slotOffsets);
    this.startWorkers();
  }

  createHistogram(length: number): Float64Array {
    return new Float64Array(length);
  }

  build(tasks: readonly HistogramTask[], features: Int32Array): void {
    if (!this.kernels) throw new Error('WorkerHistogramBuilder: attach a KernelMemory first');
    if (!this.workersReady() || !tasks.some((t) => t.end - t.begin >= MIN_SHARED_ROWS)) {
      const kernel = this.kernels.get(features);
      for (const t of tasks) kernel(t.begin, t.end, t.out);
      return;
    }
    for (let start = 0; start < tasks.length; start += MAX_TASKS) this.dispatch(tasks.slice(start, start + MAX_TASKS), features);
  }

  close(): Promise<void> {
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.add(this.control, CONTROL.seq, 1);
    Atomics.notify(this.control, CONTROL.seq);
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }

  private dispatch(tasks: readonly HistogramTask[], features: Int32Array): void {
    const c = this.control;
    const shares = this.workers.length + 1;
    tasks.forEach((t, i) => {
      c[CONTROL.tasks + i * TASK_WORDS] = t.begin;
      c[CONTROL.tasks + i * TASK_WORDS + 1] = t.end;
      c[CONTROL.tasks + i * TASK_WORDS + 2] = t.end - t.begin >= MIN_SHARED_ROWS ? 1 : 0;
    });
    this.featureList.set(features);
    c[CONTROL.taskCount] = tasks.length;
    c[CONTROL.featureCount] = features.length;
    Atomics.store(c, CONTROL.done, 0);
    Atomics.add(c, CONTROL.seq, 1);
    Atomics.notify(c, CONTROL.seq);
    // This thread builds slice 0 of each shared task, and all of each small one.
    const kernel = this.kernels!.get(features);
    tasks.forEach((t, i) => {
      const end = c[CONTROL.tasks + i * TASK_WORDS + 2] === 1 ? sliceBounds(t.begin, t.end, 0, shares)[1] : t.end;
      kernel(t.begin, end, t.out);
    });
    for (;;) {
      const done = Atomics.load(c, CONTROL.done);
      if (done >= this.workers.length) break;
      Atomics.wait(c, CONTROL.done, done, 1000);
    }
    const memory = this.memory!;
    tasks.forEach((t, i) => {
      if (c[CONTROL.tasks + i * TASK_WORDS + 2] !== 1) return;
      for (let w = 1; w < shares; w++) {
        const s = memory.hist(scratchSlot(i, w, shares));
        const out = t.out;
        for (let k = 0; k < out.length; k++) out[k]! += s[k]!;
      }
    });
  }

  /**
   * True once every worker has started. Until then this thread builds alone rather than wait (workers
   * take tens of milliseconds to start); it gives up on them (serial from then on) after an error or
   * when they have not started in STARTUP_TIMEOUT_MS.
   */
  private workersReady(): boolean {
    if (this.failed || this.workers.length === 0) return false;
    if (this.ready) return true;
    if (Atomics.load(this.control, CONTROL.ready) >= this.workers.length) return (this.ready = true);
    if (Date.now() - this.startedAt > STARTUP_TIMEOUT_MS) this.failed = true;
    return false;
  }

  private startWorkers(): void {
    const memory = this.memory;
    if (this.workers.length > 0 || !memory) return;
    this.startedAt = Date.now();
    const ext = path.extname(fileURLToPath(import.meta.url));
    const script = new URL(`./histogram-worker${ext}`, import.meta.url);
    // Under tsx (tests, benchmarks) a worker needs the TypeScript loader registered first.
    const entry =
      ext === '.ts'
        ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`
        : script;
    for (let k = 1; k < this.threadCount; k++) {
      const worker = new Worker(entry, {
        eval: ext === '.ts',
        workerData: {
          share: k,
          shares: this.threadCount,
          memory: memory.spec,
          slotOffsets: this.slotOffsets,
          control: this.control,
          features: this.featureList,
        },
      });
      worker.on('error', () => {
        this.failed = true;
      });
      worker.unref();
      this.workers.push(worker);
    }
  }
}

/** Rows [lo, hi) of slice `share` of `shares` equal slices of [begin, end). */
export function sliceBounds(begin: number, end: number, share: number, shares: number): [number, number] {
  const len = end - begin;
  return [begin + Math.floor((len * share) / shares), begin + Math.floor((len * (share + 1)) / shares)];
}

/** The memory's histogram for task `task` and worker `share` (1-based; histogram 0 is the calling thread's). */
export function scratchSlot(task: number, share: number, shares: number): number {
  return 1 + task * (shares - 1) + (share - 1);
}
