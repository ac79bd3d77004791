import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { oneLine } from '../../core/errors.js';
import { noopLogger, type Logger } from '../../core/logger.js';
import type { BinnedMatrix } from '../gbdt/binned-matrix.js';
import type { HistogramBuilder, HistogramTask } from '../gbdt/histogram-builder.js';
import { MemoryHistogramKernels, type TaskKernel } from '../gbdt/histogram-kernel.js';
import { histogramOffsets } from '../gbdt/histogram-layout.js';
import type { KernelMemory, KernelMemorySpec } from '../gbdt/kernel-memory.js';
import type { FeatureCuts } from '../gbdt/quantile-cuts.js';

/**
 * Control block layout (Int32 slots) shared with the workers: `gone` counts workers that have
 * exited, `compileFailures` the kernels that failed to compile in workers.
 */
export const CONTROL = { seq: 0, taskCount: 2, featureCount: 3, stop: 4, ready: 5, gone: 6, compileFailures: 7, tasks: 8 } as const;
/** Generations (hand-off numbers) wrap here so that `claim` values stay 32-bit integers. */
const GENERATION_MASK = 0x1fffffff;
/**
 * The claim of one feature group of one task, per hand-off generation g: free, taken by its worker,
 * taken back by the calling thread, finished by the worker.
 */
export const claim = {
  free: (g: number) => g * 4,
  worker: (g: number) => g * 4 + 1,
  caller: (g: number) => g * 4 + 2,
  finished: (g: number) => g * 4 + 3,
};
/** The generation of hand-off number `seq`. */
export function generation(seq: number): number {
  return seq & GENERATION_MASK;
}
/** Per task: begin, end, 1 when the workers share it (else the calling thread builds it alone). */
export const TASK_WORDS = 3;
/** Tasks per hand-off at most; each shared task has a histogram per worker in the kernel memory. */
export const MAX_TASKS = 256;
/** ...and those histograms take at most this many bytes (wide data: fewer tasks per hand-off). */
const MAX_SLICE_BYTES = 64 * 1024 * 1024;
/** Tasks with fewer rows are not worth splitting. */
const MIN_SHARED_ROWS = 8192;
/**
 * Hand-offs sharing fewer rows in all are not worth it: waking a worker and waiting for it costs
 * about 0.1–0.2 ms, what building 30,000 rows of 9 features takes.
 */
const MIN_HANDOFF_ROWS = 65536;
/** How long the first hand-off waits for workers to start before building in this thread instead. */
const STARTUP_TIMEOUT_MS = 15_000;
/**
 * How long this thread waits for a slice a worker has claimed before building it itself and going on
 * without workers. A slice takes about a millisecond; a worker descheduled on a busy machine comes
 * back within tens of milliseconds.
 */
const STALL_TIMEOUT_MS = 2_000;
/** While waiting, this thread looks for workers that have exited this often. */
const WAIT_STEP_MS = 50;

/** Tests only: how the first worker fails, right after claiming its `afterClaims`-th slice. */
export interface WorkerFault {
  readonly afterClaims: number;
  /** Exit (as a crash does) or hang (as a stuck thread: it never finishes the slice). */
  readonly kind: 'exit' | 'hang';
}

/** Options of a `WorkerHistogramBuilder`. */
export interface WorkerBuilderOptions {
  /** Told when workers are lost or fail to start. */
  readonly logger?: Logger;
  /** How long to wait for a claimed slice before building it in this thread (default 2 s). */
  readonly stallTimeoutMs?: number;
  /** Tasks with fewer rows are built whole by this thread (default 8,192; smaller in tests). */
  readonly minSharedRows?: number;
  /** Hand-offs sharing fewer rows in all are built by this thread alone (default 65,536; smaller in tests). */
  readonly minHandOffRows?: number;
  /** Tests only: makes the first worker exit or hang in the middle of a slice. */
  readonly fault?: WorkerFault;
}

/**
 * Builds histograms with worker threads over the shared kernel memory. Each large task's rows are
 * cut into one slice per thread (this thread's a little larger, see `sliceBounds`): this thread
 * builds slice 0 into the node's histogram, each worker its slice into a histogram of the kernel memory, and the slices are then added in order. A level's
 * tasks go out in one hand-off (Atomics.notify / Atomics.wait), without messages or copies. A worker
 * claims each slice (compare-and-swap) before building it; once done with its own, this thread takes
 * back and builds every slice no worker has claimed yet, so a worker slow to wake (a busy machine)
 * delays a level by at most the slice it is building. Which tasks are sliced depends on their sizes
 * only, never on timing, so the sums are deterministic for a given thread count (and equal to the
 * serial builder's up to floating-point summation order).
 *
 * Waits are bounded: a worker that dies (or hangs) holding a slice delays training by at most
 * `stallTimeoutMs` (less when it exits: the wait notices), once. This thread then builds that slice
 * itself, outside the worker's histograms, stops the workers and builds every later slice alone, in
 * the same order: the same sums, hence the same model, as if the worker had finished.
 */
export class WorkerHistogramBuilder implements HistogramBuilder {
  /** Workers started ahead by `prestart`, waiting for a builder to hand them their memory. */
  private static readonly spare: Worker[] = [];

  /**
   * Starts `threads - 1` workers now (a worker takes 0.1–0.2 s of a core to start here), for the
   * next builders to take instead of starting their own: call it before reading the data, so that
   * start-up overlaps the reading rather than the training. Workers left untaken do not keep the
   * process alive.
   */
  static prestart(threads: number = os.availableParallelism()): void {
    for (let k = WorkerHistogramBuilder.spare.length + 1; k < threads; k++) {
      const worker = startWorker();
      worker.once('message', () => WorkerHistogramBuilder.booted.add(worker));
      const drop = () => {
        const at = WorkerHistogramBuilder.spare.indexOf(worker);
        if (at >= 0) WorkerHistogramBuilder.spare.splice(at, 1);
      };
      worker.once('error', drop);
      worker.once('exit', drop);
      worker.unref();
      WorkerHistogramBuilder.spare.push(worker);
    }
  }

  /** Resolves true once every worker started by `prestart` is up and waiting to be taken (false after `timeoutMs`). */
  static async whenPrestarted(timeoutMs = STARTUP_TIMEOUT_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const up = () => WorkerHistogramBuilder.spare.every((w) => WorkerHistogramBuilder.booted.has(w));
    while (!up() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    return up();
  }

  /** Workers started ahead that have loaded their code (they say so with a first message). */
  private static readonly booted = new WeakSet<Worker>();

  /** How many workers started by `prestart` are waiting to be taken. */
  static get prestarted(): number {
    return WorkerHistogramBuilder.spare.length;
  }

  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  private readonly featureList: Int32Array;
  /** Per task and thread (index task * threads + share): the group's claim (see `claim`). */
  private readonly claims: Int32Array;
  private readonly threadCount: number;
  private readonly tasksPerHandOff: number;
  private ready = false;
  private startedAt = 0;
  /** True once the workers are not used any more: they failed to start, or one was lost. */
  private failed = false;
  private lost = 0;
  private closed = false;
  private readonly slotOffsets: Int32Array;
  private kernels: MemoryHistogramKernels | undefined;
  private memory: KernelMemory | undefined;
  /** A slice built in this thread outside the workers' histograms (after a worker was lost, or before they start). */
  private sliceScratch: Float64Array | undefined;
  private readonly logger: Logger;
  private readonly stallTimeoutMs: number;
  private readonly minSharedRows: number;
  private readonly minHandOffRows: number;

  constructor(
    private readonly matrix: BinnedMatrix,
    cuts: FeatureCuts,
    threads: number = os.availableParallelism(),
    private readonly options: WorkerBuilderOptions = {},
  ) {
    this.threadCount = Math.max(1, threads);
    this.logger = options.logger ?? noopLogger;
    this.stallTimeoutMs = options.stallTimeoutMs ?? STALL_TIMEOUT_MS;
    this.minSharedRows = options.minSharedRows ?? MIN_SHARED_ROWS;
    this.minHandOffRows = options.minHandOffRows ?? MIN_HANDOFF_ROWS;
    this.slotOffsets = histogramOffsets(cuts);
    this.control = new Int32Array(new SharedArrayBuffer(4 * (CONTROL.tasks + MAX_TASKS * TASK_WORDS)));
    // Room for every feature: a task's feature list is a subset of the matrix's columns.
    this.featureList = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, matrix.cols)));
    this.claims = new Int32Array(new SharedArrayBuffer(4 * MAX_TASKS * this.threadCount));
    const histBytes = 16 * this.slotOffsets[matrix.cols]!;
    this.tasksPerHandOff = Math.max(1, Math.min(MAX_TASKS, Math.floor(MAX_SLICE_BYTES / (histBytes * Math.max(1, this.threadCount - 1)))));
  }

  readonly sharedMemory = true;

  /** Workers given up on during training because one died or stalled holding a slice (0 or 1 of them, counted once). */
  get workersLost(): number {
    return this.lost;
  }

  /** Kernels that failed to compile in the workers (they built those slices in JavaScript). */
  get workerCompileFailures(): number {
    return Atomics.load(this.control, CONTROL.compileFailures);
  }

  /** Histogram 0 for this thread's builds, then one per task of a hand-off and worker. */
  get histogramsNeeded(): number {
    return 1 + this.tasksPerHandOff * (this.threadCount - 1);
  }

  attach(memory: KernelMemory): void {
    if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('WorkerHistogramBuilder: the kernel memory must be shared');
    this.memory = memory;
    this.kernels = new MemoryHistogramKernels(memory, this.slotOffsets);
    this.startWorkers();
  }

  /** Resolves true once every worker has started (false if they failed or `timeoutMs` passed); building does not wait for it. */
  async whenReady(timeoutMs = STARTUP_TIMEOUT_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.workersReady() && !this.failed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    return this.workersReady();
  }

  createHistogram(length: number): Float64Array {
    return new Float64Array(length);
  }

  build(tasks: readonly HistogramTask[], features: Int32Array): void {
    if (!this.kernels) throw new Error('WorkerHistogramBuilder: attach a KernelMemory first');
    if (features.length > this.featureList.length)
      throw new Error(`WorkerHistogramBuilder: ${features.length} features asked for, the matrix has ${this.featureList.length}`);
    let sharedRows = 0;
    for (const t of tasks) if (t.end - t.begin >= this.minSharedRows) sharedRows += t.end - t.begin;
    if (sharedRows < this.minHandOffRows) {
      const kernel = this.kernels.get(features);
      for (const t of tasks) kernel(t.begin, t.end, t.out);
      return;
    }
    // Sliced whether or not the workers have started (this thread then builds every slice): the
    // summation order, hence the result, depends on the thread count only.
    const per = this.tasksPerHandOff;
    for (let start = 0; start < tasks.length; start += per) {
      const part = tasks.slice(start, start + per);
      if (this.workersReady()) this.dispatch(part, features);
      else this.buildAlone(part, features);
    }
  }

  close(): Promise<void> {
    this.closed = true;
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.add(this.control, CONTROL.seq, 1);
    Atomics.notify(this.control, CONTROL.seq);
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }

  /** Builds the tasks' slices in this thread, one after the other, each added to its task in order (as `dispatch` adds them). */
  private buildAlone(tasks: readonly HistogramTask[], features: Int32Array): void {
    const kernel = this.kernels!.get(features);
    for (const t of tasks) {
      if (t.end - t.begin < this.minSharedRows) {
        kernel(t.begin, t.end, t.out);
        continue;
      }
      kernel(t.begin, sliceBounds(t.begin, t.end, 0, this.threadCount)[1], t.out);
      for (let s = 1; s < this.threadCount; s++) this.addSliceBuiltHere(kernel, t, s);
    }
  }

  /** Builds slice `share` of `t` in this thread, through histogram 0 (never a worker's), and adds it to `t.out`. */
  private addSliceBuiltHere(kernel: TaskKernel, t: HistogramTask, share: number): void {
    const [lo, hi] = sliceBounds(t.begin, t.end, share, this.threadCount);
    const out = t.out;
    if (this.sliceScratch?.length !== out.length) this.sliceScratch = new Float64Array(out.length);
    const h = this.sliceScratch;
    kernel(lo, hi, h);
    for (let k = 0; k < out.length; k++) out[k]! += h[k]!;
  }

  private dispatch(tasks: readonly HistogramTask[], features: Int32Array): void {
    const c = this.control;
    const claims = this.claims;
    const shares = this.threadCount;
    const memory = this.memory!;
    const kernel = this.kernels!.get(features);
    const into = this.kernels!.slotKernel(features);
    const gen = generation(Atomics.load(c, CONTROL.seq) + 1);
    const shared = tasks.map((t) => t.end - t.begin >= this.minSharedRows);
    tasks.forEach((t, i) => {
      c[CONTROL.tasks + i * TASK_WORDS] = t.begin;
      c[CONTROL.tasks + i * TASK_WORDS + 1] = t.end;
      c[CONTROL.tasks + i * TASK_WORDS + 2] = shared[i] ? 1 : 0;
      if (shared[i]) for (let s = 1; s < shares; s++) claims[i * shares + s] = claim.free(gen);
    });
    this.featureList.set(features);
    c[CONTROL.taskCount] = tasks.length;
    c[CONTROL.featureCount] = features.length;
    Atomics.add(c, CONTROL.seq, 1);
    Atomics.notify(c, CONTROL.seq);
    // This thread builds slice 0 of each shared task, and all of each small one.
    tasks.forEach((t, i) => kernel(t.begin, shared[i] ? sliceBounds(t.begin, t.end, 0, shares)[1] : t.end, t.out));
    // Then the slices that no worker has claimed yet; then waits for those being built, and adds
    // the slices in order (the same sums whoever built them).
    tasks.forEach((t, i) => {
      if (!shared[i]) return;
      for (let s = 1; s < shares; s++) {
        if (Atomics.compareExchange(claims, i * shares + s, claim.free(gen), claim.caller(gen)) !== claim.free(gen)) continue;
        const [lo, hi] = sliceBounds(t.begin, t.end, s, shares);
        const slot = sliceSlot(i, s, shares);
        memory.hist(slot).fill(0);
        into(lo, hi, slot);
      }
    });
    tasks.forEach((t, i) => {
      if (!shared[i]) return;
      const out = t.out;
      for (let s = 1; s < shares; s++) {
        if (!this.awaitSlice(i * shares + s, gen)) {
          // Its worker is lost: built here instead, added in its place.
          this.addSliceBuiltHere(kernel, t, s);
          continue;
        }
        const h = memory.hist(sliceSlot(i, s, shares));
        for (let k = 0; k < out.length; k++) out[k]! += h[k]!;
      }
    });
  }

  /**
   * Waits, at most `stallTimeoutMs`, for the slice whose claim is at `at` while a worker builds it;
   * true once it is in its histogram (built by a worker or taken back by this thread), false when
   * its worker is lost (it exited, or stalled past the limit; the workers are then given up).
   */
  private awaitSlice(at: number, gen: number): boolean {
    const claims = this.claims;
    const busy = claim.worker(gen);
    if (Atomics.load(claims, at) !== busy) return true;
    if (this.lost === 0) {
      const deadline = performance.now() + this.stallTimeoutMs;
      while (Atomics.load(claims, at) === busy && Atomics.load(this.control, CONTROL.gone) === 0) {
        const left = deadline - performance.now();
        if (left <= 0) break;
        Atomics.wait(claims, at, busy, Math.min(left, WAIT_STEP_MS));
      }
      if (Atomics.load(claims, at) !== busy) return true;
      const gone = Atomics.load(this.control, CONTROL.gone);
      this.giveUp(Math.max(1, gone), gone > 0 ? 'a worker exited' : `a slice took over ${this.stallTimeoutMs} ms`);
    }
    return false;
  }

  /** Stops using the workers (and stops them: a stalled one may still write to its histograms, which are no longer read). */
  private giveUp(lost: number, reason: string): void {
    this.lost = lost;
    this.failed = true;
    this.logger.warn('histogram worker lost, building its slices in this thread', { reason, workers: this.workers.length });
    for (const w of this.workers) void w.terminate();
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
    if (Date.now() - this.startedAt > STARTUP_TIMEOUT_MS) {
      this.failed = true;
      this.logger.warn('histogram workers did not start, building in this thread', { waitedMs: STARTUP_TIMEOUT_MS });
    }
    return false;
  }

  private startWorkers(): void {
    const memory = this.memory;
    if (this.workers.length > 0 || !memory) return;
    this.startedAt = Date.now();
    for (let k = 1; k < this.threadCount; k++) {
      const fault = k === 1 ? this.options.fault : undefined;
      const data: WorkerData = {
        share: k,
        shares: this.threadCount,
        memory: memory.spec,
        slotOffsets: this.slotOffsets,
        control: this.control,
        claims: this.claims,
        features: this.featureList,
        ...(fault ? { fault } : {}),
      };
      const spare = WorkerHistogramBuilder.spare.shift();
      const worker = spare ?? startWorker(data);
      spare?.removeAllListeners();
      spare?.postMessage(data);
      // Seen between trainings only (training never yields to the event loop): during training a
      // lost worker is noticed by `awaitSlice`.
      worker.on('error', (err) => {
        this.failed = true;
        this.logger.warn('histogram worker failed', { error: oneLine(err) });
      });
      worker.on('exit', () => {
        if (!this.closed) this.failed = true;
      });
      worker.unref();
      this.workers.push(worker);
    }
  }
}

/** What a worker needs (as `workerData`, or as its first message when started ahead by `prestart`). */
export interface WorkerData {
  readonly share: number;
  readonly shares: number;
  readonly memory: KernelMemorySpec;
  readonly slotOffsets: Int32Array;
  readonly control: Int32Array;
  readonly claims: Int32Array;
  readonly features: Int32Array;
  readonly fault?: WorkerFault;
}

/** Starts a worker, with its data or (for `prestart`) to receive it as its first message. */
function startWorker(workerData?: WorkerData): Worker {
  const ext = path.extname(fileURLToPath(import.meta.url));
  const script = new URL(`./histogram-worker${ext}`, import.meta.url);
  // Under tsx (tests, benchmarks) a worker needs the TypeScript loader registered first.
  if (ext !== '.ts') return new Worker(script, { workerData });
  const entry = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(entry, { eval: true, workerData });
}

/**
 * The calling thread's slice weighs this much against a worker's 1: it starts at once, while a worker
 * takes about 0.08 ms to wake and starts with cold caches. Measured at 10x rows: a 215,000-row
 * histogram 0.73 ms with equal slices, 0.63 ms with 5:4 (one thread: 0.9–1.0 ms).
 */
const CALLER_WEIGHT = 1.25;

/** Rows [lo, hi) of slice `share` of `shares` slices of [begin, end): slice 0 weighs CALLER_WEIGHT, the others 1. */
export function sliceBounds(begin: number, end: number, share: number, shares: number): [number, number] {
  const len = end - begin;
  const total = CALLER_WEIGHT + shares - 1;
  const at = (s: number) => (s === 0 ? 0 : Math.floor((len * (CALLER_WEIGHT + s - 1)) / total));
  return [begin + at(share), share + 1 === shares ? end : begin + at(share + 1)];
}
/** The kernel memory's histogram for slice `share` (≥ 1) of task `task` of a hand-off (histogram 0 is the calling thread's own). */
export function sliceSlot(task: number, share: number, shares: number): number {
  return 1 + task * (shares - 1) + (share - 1);
}
