import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { oneLine } from '../../core/errors.js';
import { noopLogger, type Logger } from '../../core/logger.js';
import type { BinnedMatrix } from '../gbdt/binned-matrix.js';
import { HandOffPolicy, type HandOffSettings } from '../gbdt/hand-off-policy.js';
import { histogramOffsets } from '../gbdt/histogram-layout.js';
import { MAX_SHARDS, type KernelMemory, type KernelMemorySpec } from '../gbdt/kernel-memory.js';
import type { FeatureCuts } from '../gbdt/quantile-cuts.js';
import { combine, histogramsFor, runAllHere, taskSlot, type ShardExecutor } from '../gbdt/shard-executor.js';
import { H, OP, type OpRecord, type ShardPlan, type ShardPlanSpec } from '../gbdt/shard-plan.js';
import { ShardRunner, type ObjectiveSpec } from '../gbdt/shard-runner.js';
import type { ValidationRows } from '../gbdt/validation-rows.js';
import { spinUntilAtLeast } from './spin-wait.js';

/**
 * Control block layout (Int32 slots) shared with the workers: `gone` counts workers that have
 * exited, `compileFailures` the kernels that failed to compile in workers; `doneA` and `doneB`
 * count an operation's units done, and from `shardA` on, one slot per shard counts that shard's
 * phase-A units done (a worker builds its parts of split tasks once its own shard's are).
 */
export const CONTROL = { seq: 0, stop: 1, ready: 2, gone: 3, compileFailures: 4, doneA: 5, doneB: 6, shardA: 8 } as const;
/** Generations (hand-off numbers) wrap here so that `claim` values stay 32-bit integers. */
const GENERATION_MASK = 0x1fffffff;
/**
 * The state of one unit of work of one operation, per hand-off generation g: free, taken by its
 * worker or by the calling thread, or done (also: a build task with nothing for that worker). Once an
 * operation is over, none of its units is free: a worker that wakes late claims nothing of it.
 */
export const claim = {
  free: (g: number) => g * 4,
  worker: (g: number) => g * 4 + 1,
  caller: (g: number) => g * 4 + 2,
  done: (g: number) => g * 4 + 3,
};
/**
 * Microseconds a thread busy-waits before sleeping. The training thread's work between two
 * operations (split finding) takes tenths of a millisecond, a few at the deepest levels and between
 * trees: a worker still looking when the next operation comes starts at once, and the training
 * thread's Atomics.notify finds nobody to wake. On the benchmark VM, waking a sleeping thread cost
 * the waker 0.05–0.3 ms, sometimes 1–10 ms (the woken thread placed on the waker's core), at every
 * operation; spinning costs a core only while a training runs (the workers stop after it).
 */
export const SPIN_MICROS = 5000;
/** Index in the claims of this thread's build task t (see `WorkerShardExecutor.attach`). */
export function ownUnit(plan: ShardPlan, shards: number, t: number): number {
  return (shards - 1) * (plan.positions + plan.tasks) + plan.positions + t;
}
/** Index in the claims of the worker that took this thread's build task t. */
export function thief(plan: ShardPlan, shards: number, t: number): number {
  return shards * (plan.positions + plan.tasks) + t;
}
/** The most one wake-up counts for the hand-off policy (ms). */
const WAKE_CAP_MS = 1;
/** The generation of hand-off number `seq`. */
export function generation(seq: number): number {
  return seq & GENERATION_MASK;
}
/** Build tasks per operation at most (each has a histogram per worker in the kernel memory)... */
const MAX_TASKS = 256;
/** ...and those histograms take at most this many bytes (wide data: fewer tasks per operation). */
const MAX_SLOT_BYTES = 64 * 1024 * 1024;
/** How long an operation waits for workers to start before running their shards in this thread instead. */
const STARTUP_TIMEOUT_MS = 15_000;
/**
 * How long this thread waits for a worker's shard once the worker has claimed it, before running it
 * itself and going on without workers. A shard's part of an operation takes about a millisecond; a
 * worker descheduled on a busy machine comes back within tens of milliseconds.
 */
const STALL_TIMEOUT_MS = 2_000;
/** While waiting, this thread looks for workers that have exited this often. */
const WAIT_STEP_MS = 50;

/** Tests only: how the first worker fails, right after claiming its `afterClaims`-th operation. */
export interface WorkerFault {
  readonly afterClaims: number;
  /** Exit (as a crash does) or hang (as a stuck thread: it never finishes the operation). */
  readonly kind: 'exit' | 'hang';
  /** Counts only the claims of this operation kind (see `OP`). */
  readonly op?: number;
}

/** Options of a `WorkerShardExecutor`. */
export interface WorkerExecutorOptions {
  /** Told when workers are lost or fail to start. */
  readonly logger?: Logger;
  /** How long to wait for a claimed shard before running it in this thread (default 2 s). */
  readonly stallTimeoutMs?: number;
  /** When trees run in this thread rather than hand off (default `DEFAULT_HAND_OFF`). */
  readonly handOff?: HandOffSettings;
  /** Tests only: makes the first worker exit or hang in the middle of an operation. */
  readonly fault?: WorkerFault;
  /** Tests only: false makes this thread wait for the workers' units rather than take back those not started (a fault then comes where it is set). */
  readonly takeBack?: boolean;
}

/**
 * Runs the row shards of training (see `ShardPlan`) in `threads` threads: shard 0 in this thread,
 * shard k in worker k, over the shared kernel memory and plan. An operation goes out as one hand-off
 * (Atomics.notify / Atomics.wait, no messages or copies); each worker claims its shard's part
 * (compare-and-swap) before running it, and this thread, once done with shard 0, takes back and runs
 * any part not claimed yet (a worker slow to wake on a busy machine costs nothing more than its
 * shard's time). Histograms are summed in shard order, so results depend on the thread count only
 * (and equal `SerialShardExecutor` with as many shards, bit for bit).
 *
 * On a busy host, where waking a worker costs more than the worker saves, trees run in this thread
 * for a while (`HandOffPolicy`): the same model.
 *
 * Waits are bounded: a worker that dies (or hangs) holding its part delays training by at most
 * `stallTimeoutMs` (less when it exits: the wait notices), once. This thread then stops the workers,
 * runs the lost shard's operations of the current tree again (every operation but the histograms is
 * repeatable: a tree writes the margins it does not read) and from then on runs every shard itself,
 * in the same order: the same model as if the worker had finished.
 */
export class WorkerShardExecutor implements ShardExecutor {
  /** Workers started ahead by `prestart`, waiting for an executor to hand them their memory. */
  private static readonly spare: Worker[] = [];
  /** Workers started ahead that have loaded their code (they say so with a first message). */
  private static readonly booted = new WeakSet<Worker>();

  /**
   * Starts `threads - 1` workers now (a worker takes 0.1–0.2 s of a core to start here), for the
   * next executors to take instead of starting their own: call it before reading the data, so that
   * start-up overlaps the reading rather than the training. Workers left untaken do not keep the
   * process alive.
   */
  static prestart(threads: number = os.availableParallelism()): void {
    for (let k = WorkerShardExecutor.spare.length + 1; k < threads; k++) {
      const worker = startWorker();
      worker.once('message', () => WorkerShardExecutor.booted.add(worker));
      const drop = () => {
        const at = WorkerShardExecutor.spare.indexOf(worker);
        if (at >= 0) WorkerShardExecutor.spare.splice(at, 1);
      };
      worker.once('error', drop);
      worker.once('exit', drop);
      worker.unref();
      WorkerShardExecutor.spare.push(worker);
    }
  }

  /** Resolves true once every worker started by `prestart` is up and waiting to be taken (false after `timeoutMs`). */
  static async whenPrestarted(timeoutMs = STARTUP_TIMEOUT_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const up = () => WorkerShardExecutor.spare.every((w) => WorkerShardExecutor.booted.has(w));
    while (!up() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    return up();
  }

  /** How many workers started by `prestart` are waiting to be taken. */
  static get prestarted(): number {
    return WorkerShardExecutor.spare.length;
  }

  readonly sharedMemory = true;
  readonly repeatable = true;
  readonly shards: number;
  readonly tasksPerOp: number;
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  /** Per worker shard k ≥ 1 and unit u of an operation (index `unit(k, u)`): its state (see `claim`). */
  private claims: Int32Array = new Int32Array(0);
  /** Units per worker and operation: phase-A units (one per plan position at most), then build tasks. */
  private unitsPerShard = 0;
  private readonly slotOffsets: Int32Array;
  private readonly missing: Int32Array;
  private ready = false;
  private startedAt = 0;
  /** True once the workers are not used any more: they failed to start, or one was lost. */
  private failed = false;
  private lost = 0;
  private closed = false;
  private runner: ShardRunner | undefined;
  private plan: ShardPlan | undefined;
  private memory: KernelMemory | undefined;
  private readonly spareHists: Float64Array[] = [];
  /** The current tree's operations so far, to run a lost shard's again. */
  private log: OpRecord[] = [];
  private readonly logger: Logger;
  private readonly stallTimeoutMs: number;
  private readonly spin: number;
  /** Whether this tree's operations go to the workers (see `HandOffPolicy`). */
  private readonly policy: HandOffPolicy;
  private handOff = true;
  private treeStartedAt: number | undefined;
  private wakeMs = 0;

  constructor(
    matrix: BinnedMatrix,
    cuts: FeatureCuts,
    threads: number = os.availableParallelism(),
    private readonly options: WorkerExecutorOptions = {},
  ) {
    this.shards = Math.min(MAX_SHARDS, Math.max(1, threads));
    this.spin = this.shards <= os.availableParallelism() ? SPIN_MICROS : 0;
    this.missing = matrix.missing;
    this.logger = options.logger ?? noopLogger;
    this.stallTimeoutMs = options.stallTimeoutMs ?? STALL_TIMEOUT_MS;
    this.policy = new HandOffPolicy(options.handOff);
    this.slotOffsets = histogramOffsets(cuts);
    this.control = new Int32Array(new SharedArrayBuffer(4 * (CONTROL.shardA + this.shards)));
    const histBytes = 16 * this.slotOffsets[matrix.cols]!;
    this.tasksPerOp = Math.max(1, Math.min(MAX_TASKS, Math.floor(MAX_SLOT_BYTES / (histBytes * Math.max(1, this.shards - 1)))));
  }

  /** Histogram 0 for this thread's builds, then one per build task of an operation and worker. */
  get histogramsNeeded(): number {
    return histogramsFor(this.tasksPerOp, this.shards);
  }

  /** Workers given up on during training because one died or stalled holding its part (counted once). */
  get workersLost(): number {
    return this.lost;
  }

  /** Trees whose operations ran in this thread because handing them off cost too much (see `HandOffPolicy`). */
  get treesRunHere(): number {
    return this.policy.treesHere;
  }

  /** Kernels that failed to compile in the workers (they ran those in JavaScript). */
  get workerCompileFailures(): number {
    return Atomics.load(this.control, CONTROL.compileFailures);
  }

  get rowKernelsCompiled(): boolean {
    return this.runner?.partitioner.compiled ?? false;
  }

  attach(memory: KernelMemory, plan: ShardPlan, objective: ObjectiveSpec, validation?: ValidationRows): void {
    if (!(memory.buffer instanceof SharedArrayBuffer) || !(plan.ints.buffer instanceof SharedArrayBuffer))
      throw new Error('WorkerShardExecutor: the kernel memory and plan must be shared');
    if (plan.shards !== this.shards) throw new Error('WorkerShardExecutor: the plan has another shard count');
    this.memory = memory;
    this.plan = plan;
    this.unitsPerShard = plan.positions + plan.tasks;
    // Worker k's units at (k - 1) × unitsPerShard, then this thread's (the tasks it owns: a worker
    // done with its own takes them from the end), then per build task the worker that took this
    // thread's task (see `ownUnit`, `thief`).
    this.claims = new Int32Array(new SharedArrayBuffer(4 * (this.shards * this.unitsPerShard + plan.tasks)));
    if (validation && !(validation.byRow.buffer instanceof SharedArrayBuffer)) throw new Error('WorkerShardExecutor: the validation rows must be shared');
    this.runner = new ShardRunner(memory, plan, this.missing, this.slotOffsets, objective, true, 0, validation);
    this.startWorkers(objective, validation);
  }

  /** Resolves true once every worker has started (false if they failed or `timeoutMs` passed); running does not wait for it. */
  async whenReady(timeoutMs = STARTUP_TIMEOUT_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.workersReady() && !this.failed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    return this.workersReady();
  }

  run(outs: readonly Float64Array[]): void {
    const runner = this.runner;
    const plan = this.plan;
    const memory = this.memory;
    if (!runner || !plan || !memory) throw new Error('WorkerShardExecutor: attach first');
    if (plan.ints[H.op] === OP.start) {
      this.log = [];
      const now = performance.now();
      this.handOff = this.policy.nextTree(this.treeStartedAt === undefined ? undefined : now - this.treeStartedAt, this.wakeMs);
      this.treeStartedAt = now;
      this.wakeMs = 0;
    }
    this.log.push(plan.record());
    if (!this.handOff || !this.workersReady()) {
      runAllHere(runner, plan, memory, outs);
      return;
    }
    const c = this.control;
    const claims = this.claims;
    const shards = this.shards;
    const slots = (k: number) => (t: number) => taskSlot(t, k, shards);
    const unitsA = runner.unitsA();
    const tasks = runner.tasks();
    const gen = generation(Atomics.load(c, CONTROL.seq) + 1);
    const free = claim.free(gen);
    let workerB = 0;
    for (let k = 1; k < shards; k++) {
      for (let j = 0; j < unitsA; j++) claims[this.unit(k, j)] = free;
      // A build task with nothing for worker k is marked done: a worker that wakes late (past this
      // operation, reading the next one's plan) could otherwise claim it, under this generation,
      // as a task of its own there, and build it from ranges not partitioned yet.
      for (let t = 0; t < tasks; t++) {
        const mine = runner.buildsFor(k, t);
        claims[this.unit(k, plan.positions + t)] = mine ? free : claim.done(gen);
        if (mine) workerB++;
      }
    }
    // The tasks this thread owns are claimed too: a worker done with its own takes them from the end.
    for (let t = 0; t < tasks; t++) claims[ownUnit(plan, shards, t)] = !runner.isSplit(t) && runner.buildsFor(0, t) ? free : claim.done(gen);
    Atomics.store(c, CONTROL.doneA, 0);
    Atomics.store(c, CONTROL.doneB, 0);
    for (let k = 1; k < shards; k++) Atomics.store(c, CONTROL.shardA + k, 0);
    Atomics.add(c, CONTROL.seq, 1);
    this.wake(CONTROL.seq);
    // Phase A: shard 0's units, then shard 0's parts of the split tasks (they need no other shard's
    // rows), then the workers' phase-A units not taken yet (from the end: the workers go forward),
    // then waits for those being run. Each thread thus works on its own shard's rows for as long as
    // it can: the one wait for every shard comes after both threads' share of the split histograms.
    for (let j = 0; j < unitsA; j++) runner.unitA(0, j);
    this.done(CONTROL.doneA, unitsA, unitsA * shards);
    runner.phaseBPart(0, true, outs, slots(0));
    for (let k = 1; k < shards && this.options.takeBack !== false; k++) {
      for (let j = unitsA - 1; j >= 0; j--) {
        if (Atomics.compareExchange(claims, this.unit(k, j), free, claim.caller(gen)) !== free) continue;
        runner.unitA(k, j);
        this.done(CONTROL.doneA, 1, unitsA * shards);
        this.done(CONTROL.shardA + k, 1, unitsA);
      }
    }
    if (!this.awaitCount(CONTROL.doneA, unitsA * shards)) {
      // A worker is lost, perhaps in the middle of a unit: this tree's operations on every worker shard again.
      const current = this.log[this.log.length - 1]!;
      for (let k = 1; k < shards; k++) {
        for (const record of this.log.slice(0, -1)) {
          plan.restore(record);
          runner.phaseA(k);
        }
        plan.restore(current);
        runner.phaseA(k);
      }
    }
    // Phase B: the histograms this thread owns (those a worker has not taken), then the workers' not
    // taken yet, then waits for the others.
    let taken = 0;
    for (let t = 0; t < tasks; t++) {
      if (runner.isSplit(t) || !runner.buildsFor(0, t)) continue;
      if (Atomics.compareExchange(claims, ownUnit(plan, shards, t), free, claim.caller(gen)) === free) runner.unitB(0, t, outs, slots(0));
      else taken++;
    }
    // With a worker lost: its histograms built here, and this thread's that a worker took (phase A is
    // done: building again is harmless).
    const rebuild = () => {
      for (let k = 1; k < shards; k++) runner.phaseB(k, undefined, slots(k));
      if (taken > 0) runner.phaseBPart(0, false, outs, slots(0));
      taken = 0;
    };
    if (this.lost > 0) {
      rebuild();
    } else {
      for (let k = 1; k < shards && this.options.takeBack !== false; k++) {
        for (let t = tasks - 1; t >= 0; t--) {
          if (!runner.buildsFor(k, t)) continue;
          if (Atomics.compareExchange(claims, this.unit(k, plan.positions + t), free, claim.caller(gen)) !== free) continue;
          runner.unitB(k, t, undefined, slots(k));
          this.done(CONTROL.doneB, 1, workerB);
        }
      }
      if (!this.awaitCount(CONTROL.doneB, workerB + taken)) rebuild();
    }
    combine(plan, memory, outs);
    // This thread's tasks that a worker built, from the worker's histograms.
    for (let t = 0; taken > 0 && t < tasks; t++) {
      if (claims[ownUnit(plan, shards, t)] !== claim.worker(gen)) continue;
      outs[t]!.set(memory.hist(taskSlot(t, claims[thief(plan, shards, t)]!, shards)).subarray(0, outs[t]!.length));
      taken--;
    }
  }

  /** Index in `claims` of unit u of worker shard k. */
  private unit(k: number, u: number): number {
    return (k - 1) * this.unitsPerShard + u;
  }

  /** Counts `n` more units done in `counter`, waking waiters when it reaches `total`. */
  private done(counter: number, n: number, total: number): void {
    if (n > 0 && Atomics.add(this.control, counter, n) + n >= total) this.wake(counter);
  }

  /** Wakes the threads waiting on `counter`, timing it for the hand-off policy. */
  private wake(counter: number): void {
    const t = performance.now();
    Atomics.notify(this.control, counter);
    // One wake-up counts for at most a millisecond: a virtual CPU descheduled by the host during
    // one (seen: 10 ms, once in a few trees) says nothing about the next wake-ups' cost.
    this.wakeMs += Math.min(performance.now() - t, WAKE_CAP_MS);
  }

  close(): Promise<void> {
    this.closed = true;
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.add(this.control, CONTROL.seq, 1);
    Atomics.notify(this.control, CONTROL.seq);
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }

  /**
   * Waits until `counter` reaches `total`, at most `stallTimeoutMs` without progress: true then;
   * false when a worker is lost (it exited, or stalled past the limit; the workers are then given up).
   */
  private awaitCount(counter: number, total: number): boolean {
    const c = this.control;
    if (spinUntilAtLeast(c, counter, total, this.spin)) return true;
    if (this.lost === 0) {
      let seen = Atomics.load(c, counter);
      let deadline = performance.now() + this.stallTimeoutMs;
      while (seen < total && Atomics.load(c, CONTROL.gone) === 0) {
        const left = deadline - performance.now();
        if (left <= 0) break;
        Atomics.wait(c, counter, seen, Math.min(left, WAIT_STEP_MS));
        const now = Atomics.load(c, counter);
        if (now !== seen) deadline = performance.now() + this.stallTimeoutMs; // progress: the workers are alive
        seen = now;
      }
      if (seen >= total) return true;
      const gone = Atomics.load(c, CONTROL.gone);
      this.giveUp(Math.max(1, gone), gone > 0 ? 'a worker exited' : `no progress in ${this.stallTimeoutMs} ms`);
    }
    return false;
  }

  /** Stops using the workers (and stops them: a stalled one may still be running). */
  private giveUp(lost: number, reason: string): void {
    this.lost = lost;
    this.failed = true;
    this.logger.warn('histogram worker lost, running its rows in this thread', { reason, workers: this.workers.length });
    for (const w of this.workers) void w.terminate();
  }

  /**
   * True once every worker has started. Until then this thread runs every shard rather than wait
   * (workers take tens of milliseconds to start); it gives up on them (this thread only from then
   * on) after an error or when they have not started in STARTUP_TIMEOUT_MS.
   */
  private workersReady(): boolean {
    if (this.failed || this.workers.length === 0) return false;
    if (this.ready) return true;
    if (Atomics.load(this.control, CONTROL.ready) >= this.workers.length) return (this.ready = true);
    if (Date.now() - this.startedAt > STARTUP_TIMEOUT_MS) {
      this.failed = true;
      this.logger.warn('histogram workers did not start, running every shard in this thread', { waitedMs: STARTUP_TIMEOUT_MS });
    }
    return false;
  }

  private startWorkers(objective: ObjectiveSpec, validation: ValidationRows | undefined): void {
    const memory = this.memory!;
    const plan = this.plan!;
    if (this.workers.length > 0) return;
    this.startedAt = Date.now();
    for (let k = 1; k < this.shards; k++) {
      const fault = k === 1 ? this.options.fault : undefined;
      const data: WorkerData = {
        shard: k,
        memory: memory.spec,
        plan: plan.spec,
        objective,
        missing: this.missing,
        slotOffsets: this.slotOffsets,
        control: this.control,
        claims: this.claims,
        spin: this.spin,
        ...(validation ? { validation } : {}),
        ...(fault ? { fault } : {}),
      };
      const spare = WorkerShardExecutor.spare.shift();
      const worker = spare ?? startWorker(data);
      spare?.removeAllListeners();
      spare?.postMessage(data);
      // Seen between trainings only (training never yields to the event loop): during training a
      // lost worker is noticed by `awaitShard`.
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
  readonly shard: number;
  readonly memory: KernelMemorySpec;
  readonly plan: ShardPlanSpec;
  readonly objective: ObjectiveSpec;
  readonly missing: Int32Array;
  readonly slotOffsets: Int32Array;
  readonly control: Int32Array;
  readonly claims: Int32Array;
  /** Microseconds of busy-waiting before sleeping (0 when there are more threads than cores: spinning would take a core from a thread that has work). */
  readonly spin: number;
  readonly validation?: ValidationRows;
  readonly fault?: WorkerFault;
}

/** Starts a worker, with its data or (for `prestart`) to receive it as its first message. */
function startWorker(workerData?: WorkerData): Worker {
  const ext = path.extname(fileURLToPath(import.meta.url));
  const script = new URL(`./shard-worker${ext}`, import.meta.url);
  // Under tsx (tests, benchmarks) a worker needs the TypeScript loader registered first.
  if (ext !== '.ts') return new Worker(script, { workerData });
  const entry = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(entry, { eval: true, workerData });
}
