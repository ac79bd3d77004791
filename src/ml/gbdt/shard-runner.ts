import { metricSum } from '../eval-metrics.js';
import { identity, objectiveFor, type ObjectiveFunction } from '../objectives.js';
import { EVAL_METRICS, type Objective } from '../types.js';
import { MemoryHistogramKernels, type SlotKernel } from './histogram-kernel.js';
import type { KernelMemory } from './kernel-memory.js';
import { RowPartitioner } from './row-partitioner.js';
import { ACTION, H, OP, type ShardPlan } from './shard-plan.js';
import { validationShardStart, walkTree, type ValidationRows } from './validation-rows.js';

/** The objective a shard computes gradients with (structured-cloneable, for workers). */
export interface ObjectiveSpec {
  readonly name: Objective;
  readonly huberSlope: number;
  readonly maxDeltaStep: number;
}

/**
 * Runs the plan's operation (see `ShardPlan`) on one shard of the rows, with this thread's own
 * compiled kernels over the shared memory: the training thread has one, each worker one.
 */
export class ShardRunner {
  readonly partitioner: RowPartitioner;
  readonly kernels: MemoryHistogramKernels;
  private readonly objective: ObjectiveFunction;
  private readonly sums = new Float64Array(2);
  /** The last feature set's kernel (every build task of a tree has the same: no cache look-up, which joins the features into a key). */
  private lastFeatures = new Int32Array(0);
  private lastKernel: SlotKernel | undefined;
  /** This thread's part of the scratch array (threads run units of any shard at once). */
  private readonly scratchAt: number;

  constructor(
    private readonly memory: KernelMemory,
    private readonly plan: ShardPlan,
    private readonly missing: Int32Array,
    slotOffsets: Int32Array,
    objective: ObjectiveSpec,
    useWasm = true,
    thread = 0,
    private readonly validation?: ValidationRows,
  ) {
    this.scratchAt = thread * Math.ceil(plan.rows / plan.shards);
    this.partitioner = new RowPartitioner(memory, missing, useWasm, thread);
    this.kernels = new MemoryHistogramKernels(memory, slotOffsets);
    this.objective = objectiveFor(objective.name, objective.huberSlope, objective.maxDeltaStep);
  }

  /** How many phase-A units the plan's operation has per shard: START and FINISH 1, LEVEL one per entry, BUILD none. */
  unitsA(): number {
    const op = this.plan.ints[H.op];
    return op === OP.start || op === OP.finish ? 1 : op === OP.level ? this.plan.ints[H.entries]! : 0;
  }

  /** Phase A of the plan's operation on shard k: its rows' work (see `ShardPlan`), unit by unit. */
  phaseA(k: number): void {
    const n = this.unitsA();
    for (let j = 0; j < n; j++) this.unitA(k, j);
  }

  /**
   * Phase-A unit j of shard k: START's row work (j = 0), or entry j of a LEVEL. Units touch disjoint
   * rows: any thread may run any of them, in any order, with the same results.
   */
  unitA(k: number, j: number): void {
    const p = this.plan;
    const I = p.ints;
    const F = p.floats;
    const m = this.memory;
    const part = this.partitioner;
    const from = I[H.from]!;
    const to = I[H.to]!;
    if (I[H.op] === OP.finish) {
      this.finish(k);
      return;
    }
    if (I[H.op] === OP.start) {
      const lo = p.shardStart(k);
      const hi = p.shardStart(k + 1);
      this.objective.gradients(m.margins[from]!, m.label, m.gpair, lo, hi);
      let n: number;
      if (I[H.subsample] === 1) {
        n = part.sampleRange(lo, hi, I[H.threshold]!, p.seed(k), k, this.scratchAt);
        this.sums[0] = m.sums[2 * k]!;
        this.sums[1] = m.sums[2 * k + 1]!;
      } else {
        const ri = m.rowIndex;
        for (let i = lo; i < hi; i++) ri[i] = i;
        n = hi - lo;
        part.sums(lo, hi, this.sums);
      }
      const r = p.range(I[H.table]!, 0, k);
      I[r] = lo;
      I[r + 1] = lo + n;
      I[r + 2] = lo + n;
      I[r + 3] = hi;
      F[p.sums(k)] = this.sums[0]!;
      F[p.sums(k) + 1] = this.sums[1]!;
      return;
    }
    const cur = I[H.table]!;
    const e = p.entry(j);
    const v = p.value(j);
    const r = p.range(cur, j, k);
    const begin = I[r]!;
    const end = I[r + 1]!;
    const ob = I[r + 2]!;
    const oe = I[r + 3]!;
    const action = I[e];
    if (action === ACTION.leaf) {
      if (to < 0) return;
      part.setLeaf(begin, end, F[v]!, from, to);
      part.setLeaf(ob, oe, F[v]!, from, to);
    } else if (action === ACTION.splitLeaves) {
      part.setBySplit(I[e + 1]!, I[e + 2]!, I[e + 3] === 1, begin, end, F[v]!, F[v + 1]!, from, to);
      part.setBySplit(I[e + 1]!, I[e + 2]!, I[e + 3] === 1, ob, oe, F[v]!, F[v + 1]!, from, to);
    } else {
      const mid = part.partition(I[e + 1]!, I[e + 2]!, I[e + 3] === 1, begin, end, this.scratchAt);
      const omid = part.partition(I[e + 1]!, I[e + 2]!, I[e + 3] === 1, ob, oe, this.scratchAt);
      const next = 1 - cur;
      const a = p.range(next, I[e + 4]!, k);
      I[a] = begin;
      I[a + 1] = mid;
      I[a + 2] = ob;
      I[a + 3] = omid;
      const b = p.range(next, I[e + 5]!, k);
      I[b] = mid;
      I[b + 1] = end;
      I[b + 2] = omid;
      I[b + 3] = oe;
    }
  }

  /** FINISH on shard k: the tree over its validation rows, then its sums of the metric's terms (see `ShardPlan`). */
  private finish(k: number): void {
    const p = this.plan;
    const I = p.ints;
    const F = p.floats;
    const m = this.memory;
    const v = this.validation;
    const metric = I[H.metric]!;
    const transform = this.objective.transform === identity ? undefined : this.objective.transform;
    const lo = validationShardStart(v?.rows ?? 0, p.shards, k);
    const hi = validationShardStart(v?.rows ?? 0, p.shards, k + 1);
    if (v) walkTree(p, v, this.missing, v.margins[I[H.validFrom]!]!, v.margins[I[H.validTo]!]!, lo, hi);
    const name = metric >= 0 ? EVAL_METRICS[metric]! : undefined;
    F[p.metricSums(k)] = name ? metricSum(name, m.margins[I[H.from]!]!, m.label, p.shardStart(k), p.shardStart(k + 1), transform) : 0;
    F[p.metricSums(k) + 1] = name && v ? metricSum(name, v.margins[I[H.validTo]!]!, v.label, lo, hi, transform) : 0;
  }

  private kernelFor(features: Int32Array): SlotKernel {
    const last = this.lastFeatures;
    let same = this.lastKernel !== undefined && last.length === features.length;
    for (let i = 0; same && i < last.length; i++) same = last[i] === features[i];
    if (!same) {
      this.lastKernel = this.kernels.slotKernel(features);
      this.lastFeatures = features.slice();
    }
    return this.lastKernel!;
  }

  /** How many build tasks the plan's operation has. */
  tasks(): number {
    const I = this.plan.ints;
    return Math.max(0, I[H.buildTo]! - I[H.buildFrom]!);
  }

  /** True when thread k builds something of build task t: its shard's part of a split task, or a task it owns. */
  buildsFor(k: number, t: number): boolean {
    const owner = this.plan.ints[this.plan.owner(this.plan.ints[H.buildFrom]! + t)]!;
    return owner === -1 || owner === k;
  }

  /**
   * Phase B for thread k (every shard's phase A done): the histograms k builds, shard k's part of
   * each split task and the whole of each task k owns: into `outs[t]` for thread 0 (through the
   * memory's histogram 0), else into the memory's histogram `slot(t)`.
   */
  phaseB(k: number, outs: readonly Float64Array[] | undefined, slot: (task: number) => number): void {
    const n = this.tasks();
    for (let t = 0; t < n; t++) if (this.buildsFor(k, t)) this.unitB(k, t, outs, slot);
  }

  /**
   * Part of phase B for thread k: with `split`, its shard's parts of the split tasks (these need
   * only shard k's phase A, not the others'); without, the tasks k owns (every shard's rows).
   */
  phaseBPart(k: number, split: boolean, outs: readonly Float64Array[] | undefined, slot: (task: number) => number): void {
    const n = this.tasks();
    for (let t = 0; t < n; t++) if (this.isSplit(t) === split && this.buildsFor(k, t)) this.unitB(k, t, outs, slot);
  }

  /** True when build task t is split by shards (each thread builds its shard's part), false when one thread owns it. */
  isSplit(t: number): boolean {
    return this.plan.ints[this.plan.owner(this.plan.ints[H.buildFrom]! + t)]! === -1;
  }

  /** Thread k's part of build task t (see `phaseB`); any thread may run it, with the same histogram. */
  unitB(k: number, t: number, outs: readonly Float64Array[] | undefined, slot: (task: number) => number): void {
    const p = this.plan;
    const I = p.ints;
    const m = this.memory;
    const i = I[H.buildFrom]! + t;
    const owner = I[p.owner(i)]!;
    const table = I[H.buildTable]!;
    const kernel = this.kernelFor(p.features());
    const target = outs ? 0 : slot(t);
    m.hist(target).fill(0);
    const pos = I[p.build(i)]!;
    if (owner === -1) {
      const r = p.range(table, pos, k);
      kernel(I[r]!, I[r + 1]!, target);
    } else {
      for (let j = 0; j < p.shards; j++) {
        const r = p.range(table, pos, j);
        kernel(I[r]!, I[r + 1]!, target);
      }
    }
    if (outs) outs[t]!.set(m.hist(0).subarray(0, outs[t]!.length));
  }
}
