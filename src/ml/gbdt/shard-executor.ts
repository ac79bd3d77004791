import { histogramOffsets } from './histogram-layout.js';
import { MAX_SHARDS, type KernelMemory } from './kernel-memory.js';
import type { FeatureCuts } from './quantile-cuts.js';
import { H, type ShardPlan } from './shard-plan.js';
import { ShardRunner, type ObjectiveSpec } from './shard-runner.js';
import type { ValidationRows } from './validation-rows.js';

/**
 * Runs the plan's operations on every row shard (see `ShardPlan`) and sums the shards' histograms:
 * build task t of an operation ends up in `outs[t]` as shard 0's histogram plus shard 1's, and so
 * on in order, so that the sums depend on the number of shards only, not on which thread built
 * what. Implementations: `SerialShardExecutor` (every shard in this thread) and a worker-thread one
 * (shard 0 here, the others in workers).
 */
export interface ShardExecutor {
  readonly shards: number;
  /** True when the `KernelMemory` and the plan must be shared (SharedArrayBuffers): other threads use them. */
  readonly sharedMemory: boolean;
  /** How many histograms the `KernelMemory` must hold. */
  readonly histogramsNeeded: number;
  /** Build tasks per operation at most. */
  readonly tasksPerOp: number;
  /** Sets the memory, plan, objective and validation rows (once, before running; shared when `sharedMemory`). */
  attach(memory: KernelMemory, plan: ShardPlan, objective: ObjectiveSpec, validation?: ValidationRows): void;
  /** Runs the plan's operation on every shard; `outs[t]` receives build task t's histogram (length: the memory's histograms'). */
  run(outs: readonly Float64Array[]): void;
  /**
   * True when an operation may have to run again (workers that can be lost): a tree then writes its
   * leaf values into the margins it does not read (two arrays in turn); else in place.
   */
  readonly repeatable: boolean;
  /** True when this thread's row loops run in WebAssembly (after `attach`). */
  readonly rowKernelsCompiled: boolean;
  close(): Promise<void> | void;
  /** Executors with workers: how many were lost during training (died or stalled; their shards were run in this thread). */
  readonly workersLost?: number;
  /** Executors with workers: kernels that failed to compile in them (those ran in JavaScript). */
  readonly workerCompileFailures?: number;
}

/** The kernel memory's histogram for build task `task` of thread `k` (≥ 1; histogram 0 is thread 0's). */
export function taskSlot(task: number, k: number, threads: number): number {
  return 1 + task * (threads - 1) + (k - 1);
}

/** Histograms the kernel memory needs for `tasks` build tasks per operation and `threads` threads. */
export function histogramsFor(tasks: number, threads: number): number {
  return 1 + tasks * (threads - 1);
}

/**
 * After every thread's phase B: adds the other threads' parts of each split task to `outs[t]`
 * (thread 0's part) in thread order, and copies in the tasks other threads built whole.
 */
export function combine(plan: ShardPlan, memory: KernelMemory, outs: readonly Float64Array[]): void {
  const I = plan.ints;
  const first = I[H.buildFrom]!;
  const threads = plan.shards;
  for (let t = 0; t < outs.length; t++) {
    const owner = I[plan.owner(first + t)]!;
    const out = outs[t]!;
    if (owner === -1) {
      for (let k = 1; k < threads; k++) {
        const h = memory.hist(taskSlot(t, k, threads));
        for (let i = 0; i < out.length; i++) out[i]! += h[i]!;
      }
    } else if (owner > 0) {
      out.set(memory.hist(taskSlot(t, owner, threads)).subarray(0, out.length));
    }
  }
}

/** Runs the plan's operation for every shard and thread here, in order, and combines the histograms into `outs`. */
export function runAllHere(runner: ShardRunner, plan: ShardPlan, memory: KernelMemory, outs: readonly Float64Array[]): void {
  const threads = plan.shards;
  for (let k = 0; k < threads; k++) runner.phaseA(k);
  for (let k = 0; k < threads; k++) runner.phaseB(k, k === 0 ? outs : undefined, (t) => taskSlot(t, k, threads));
  combine(plan, memory, outs);
}

/** Every shard in this thread, one after the other (one shard: plain serial training; more: the same sums as as many threads). */
export class SerialShardExecutor implements ShardExecutor {
  readonly sharedMemory = false;
  readonly repeatable = false;
  readonly tasksPerOp: number;
  private runner: ShardRunner | undefined;
  private plan: ShardPlan | undefined;
  private memory: KernelMemory | undefined;
  private readonly slotOffsets: Int32Array;

  constructor(
    cuts: FeatureCuts,
    private readonly missing: Int32Array,
    readonly shards = 1,
    private readonly useWasm = true,
  ) {
    if (shards < 1 || shards > MAX_SHARDS) throw new Error(`SerialShardExecutor: 1 to ${MAX_SHARDS} shards`);
    this.slotOffsets = histogramOffsets(cuts);
    this.tasksPerOp = shards === 1 ? 1 << 20 : 256;
  }

  get histogramsNeeded(): number {
    return histogramsFor(this.tasksPerOp, this.shards);
  }

  attach(memory: KernelMemory, plan: ShardPlan, objective: ObjectiveSpec, validation?: ValidationRows): void {
    this.memory = memory;
    this.plan = plan;
    this.runner = new ShardRunner(memory, plan, this.missing, this.slotOffsets, objective, this.useWasm, 0, validation);
  }

  get rowKernelsCompiled(): boolean {
    return this.runner?.partitioner.compiled ?? false;
  }

  run(outs: readonly Float64Array[]): void {
    if (!this.runner) throw new Error('SerialShardExecutor: attach first');
    runAllHere(this.runner, this.plan!, this.memory!, outs);
  }

  close(): void {}
}
