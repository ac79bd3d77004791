import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BinnedMatrix } from '../gbdt/binned-matrix.js';
import { buildFeatures, type HistogramBuilder, type HistogramTask } from '../gbdt/histogram-builder.js';
import type { FeatureCuts } from '../gbdt/quantile-cuts.js';

/** Control block layout (Int32 slots) shared with the workers. */
export const CONTROL = { seq: 0, done: 1, taskCount: 2, featureCount: 3, stop: 4, ready: 5, tasks: 8 } as const;
/** How long the first dispatch waits for workers to start before building in this thread instead. */
const STARTUP_TIMEOUT_MS = 15_000;
/** Per task: begin, end, histogram slot. */
export const TASK_WORDS = 3;
const MAX_TASKS = 4096;
const MAX_FEATURES = 4096;

/**
 * Builds histograms with worker threads over shared memory. Features are dealt round-robin: the
 * calling thread takes share 0 and each worker one other share, so a level's histograms are built
 * with one hand-off (Atomics.notify / Atomics.wait), without messages or copies. Histograms live in
 * a shared arena; any histogram outside it (arena full) is built in the calling thread.
 */
export class WorkerHistogramBuilder implements HistogramBuilder {
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  private readonly featureList: Int32Array;
  private readonly arena: Float64Array;
  private readonly histLength: number;
  private readonly capacity: number;
  private used = 0;
  private ready = false;
  private failed = false;
  private gpair: Float64Array = new Float64Array(0);
  private rowIndex: Uint32Array = new Uint32Array(0);
  private readonly sharedBins: Uint8Array | Uint16Array;
  private buffers: { gpair: Float64Array; rowIndex: Uint32Array } | undefined;

  constructor(
    private readonly matrix: BinnedMatrix,
    private readonly cuts: FeatureCuts,
    threads: number = os.availableParallelism(),
    maxHistograms = 1100,
  ) {
    const binsBuffer = new SharedArrayBuffer(matrix.bins.byteLength);
    this.sharedBins = matrix.bins instanceof Uint8Array ? new Uint8Array(binsBuffer) : new Uint16Array(binsBuffer);
    this.sharedBins.set(matrix.bins);
    this.control = new Int32Array(new SharedArrayBuffer(4 * (CONTROL.tasks + MAX_TASKS * TASK_WORDS)));
    this.featureList = new Int32Array(new SharedArrayBuffer(4 * MAX_FEATURES));
    this.histLength = 2 * cuts.values.length;
    this.capacity = maxHistograms;
    this.arena = new Float64Array(new SharedArrayBuffer(8 * this.histLength * this.capacity));
    this.threadCount = Math.max(1, threads);
  }

  private readonly threadCount: number;

  createBuffers(rows: number): { gpair: Float64Array; rowIndex: Uint32Array } {
    this.buffers = {
      gpair: new Float64Array(new SharedArrayBuffer(16 * rows)),
      rowIndex: new Uint32Array(new SharedArrayBuffer(4 * rows)),
    };
    this.startWorkers();
    return this.buffers;
  }

  createHistogram(length: number): Float64Array {
    if (length === this.histLength && this.used < this.capacity) {
      const slot = this.used++;
      return this.arena.subarray(slot * length, (slot + 1) * length);
    }
    return new Float64Array(length);
  }

  beginTree(gpair: Float64Array, rowIndex: Uint32Array): void {
    this.gpair = gpair;
    this.rowIndex = rowIndex;
  }

  build(tasks: readonly HistogramTask[], features: Int32Array): void {
    const useWorkers = this.workersReady();
    const shared: HistogramTask[] = [];
    const local: HistogramTask[] = [];
    for (const t of tasks) (useWorkers && this.slotOf(t.out) >= 0 ? shared : local).push(t);
    for (const t of local) {
      t.out.fill(0);
      buildFeatures(this.matrix, this.cuts.offsets, features, 0, 1, this.gpair, this.rowIndex, t.begin, t.end, t.out);
    }
    for (let start = 0; start < shared.length; start += MAX_TASKS) this.dispatch(shared.slice(start, start + MAX_TASKS), features);
  }

  close(): Promise<void> {
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.add(this.control, CONTROL.seq, 1);
    Atomics.notify(this.control, CONTROL.seq);
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }

  private dispatch(tasks: readonly HistogramTask[], features: Int32Array): void {
    const c = this.control;
    tasks.forEach((t, i) => {
      t.out.fill(0);
      c[CONTROL.tasks + i * TASK_WORDS] = t.begin;
      c[CONTROL.tasks + i * TASK_WORDS + 1] = t.end;
      c[CONTROL.tasks + i * TASK_WORDS + 2] = this.slotOf(t.out);
    });
    this.featureList.set(features);
    c[CONTROL.taskCount] = tasks.length;
    c[CONTROL.featureCount] = features.length;
    Atomics.store(c, CONTROL.done, 0);
    Atomics.add(c, CONTROL.seq, 1);
    Atomics.notify(c, CONTROL.seq);
    // This thread builds share 0 of the features.
    const shares = this.workers.length + 1;
    for (const t of tasks) buildFeatures(this.matrix, this.cuts.offsets, features, 0, shares, this.gpair, this.rowIndex, t.begin, t.end, t.out);
    for (;;) {
      const done = Atomics.load(c, CONTROL.done);
      if (done >= this.workers.length) break;
      Atomics.wait(c, CONTROL.done, done, 1000);
    }
  }

  /** True once every worker has started; the first call waits for them, and gives up (serial from then on) on timeout or error. */
  private workersReady(): boolean {
    if (this.failed || this.workers.length === 0) return false;
    if (this.ready) return true;
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      const ready = Atomics.load(this.control, CONTROL.ready);
      if (ready >= this.workers.length) return (this.ready = true);
      const left = deadline - Date.now();
      if (left <= 0) {
        this.failed = true;
        return false;
      }
      Atomics.wait(this.control, CONTROL.ready, ready, Math.min(left, 100));
    }
  }

  private slotOf(out: Float64Array): number {
    if (out.buffer !== this.arena.buffer) return -1;
    return out.byteOffset / (8 * this.histLength);
  }

  private startWorkers(): void {
    if (this.workers.length > 0 || !this.buffers) return;
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
          bins: this.sharedBins,
          rows: this.matrix.rows,
          cols: this.matrix.cols,
          missing: this.matrix.missing,
          offsets: this.cuts.offsets,
          gpair: this.buffers.gpair,
          rowIndex: this.buffers.rowIndex,
          control: this.control,
          features: this.featureList,
          arena: this.arena,
          histLength: this.histLength,
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
