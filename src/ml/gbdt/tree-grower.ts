import type { Random } from '../../core/random.js';
import type { Tree } from '../types.js';
import type { BinnedMatrix } from './binned-matrix.js';
import type { FeatureCuts } from './quantile-cuts.js';
import { histogramOffsets } from './histogram-layout.js';
import type { KernelMemory } from './kernel-memory.js';
import type { ShardExecutor } from './shard-executor.js';
import { ACTION, assignOwners, H, OP, type ShardPlan } from './shard-plan.js';
import { findBestSplit, type Split } from './split-finder.js';
import { leafWeight, type SplitParams } from './split-math.js';

/** Settings for growing one tree. */
export interface GrowParams extends SplitParams {
  readonly eta: number;
  readonly maxDepth: number;
  readonly colsampleBylevel: number;
}

/** A grown tree plus what training needs to update predictions quickly. */
export interface GrownTree {
  readonly tree: Tree;
  /** For split nodes, the last bin going left (-1: only missing); for leaves -2. */
  readonly splitBins: Int32Array;
  /** Leaves with their row ranges in the final row order (for leaf refresh); empty when `grow` wrote the margins. */
  readonly leaves: readonly LeafRange[];
}

/**
 * A leaf's rows: per shard k, `rowIndex[ranges[4k]..ranges[4k+1])` from the sample and
 * `rowIndex[ranges[4k+2]..ranges[4k+3])` left out of it.
 */
export interface LeafRange {
  readonly node: number;
  readonly ranges: readonly number[];
}

/** The round's row sample: Bernoulli with probability threshold / 2^32, coin flips from a xorshift32 stream started at `seed` (non-zero). */
export interface RowSample {
  readonly threshold: number;
  readonly seed: number;
}

interface NodeState {
  id: number;
  /** Position in the level's range table. */
  pos: number;
  g: number;
  h: number;
  /** Undefined for nodes that cannot be split (too deep or too light): they need no histogram. */
  hist: Float64Array | undefined;
  depth: number;
}

/**
 * Grows one tree depth-wise like XGBoost's `hist` updater: histograms of the smaller child (by
 * hessian, which for squared error is the row count) are built and the sibling's are derived by
 * subtraction. Row work runs on the row shards through a `ShardExecutor`, one operation per level
 * (see `ShardPlan`): this thread finds the splits and writes the plan, the shards apply it to their
 * rows and build their parts of the histograms, summed in shard order.
 */
export class TreeGrower {
  private readonly pool: Float64Array[] = [];
  /** Histogram layout (see `histogramOffsets`). */
  private readonly slots: Int32Array;
  /** Per shard but the last: the xorshift32 state after its rows, from the state before them. */
  private readonly jumps: ((state: number) => number)[] = [];
  /** Milliseconds spent in START operations (gradients, sampling, root histogram). */
  startMs = 0;

  constructor(
    private readonly matrix: BinnedMatrix,
    private readonly cuts: FeatureCuts,
    private readonly executor: ShardExecutor,
    private readonly plan: ShardPlan,
    private readonly memory: KernelMemory,
    private readonly params: GrowParams,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.slots = histogramOffsets(cuts);
    for (let k = 0; k + 1 < plan.shards; k++) this.jumps.push(xorshiftJump(plan.shardStart(k + 1) - plan.shardStart(k)));
  }

  /**
   * Grows a tree from margins `from` (0 or 1): each shard computes its rows' gradient pairs, draws
   * its part of the row sample (all rows without `sample`), and the tree is grown on the sampled
   * rows; the rows left out are partitioned alongside so that every row ends up in its leaf. With
   * `updateMargins`, each row's margin plus its leaf value goes to margins `1 - from` when the
   * executor is `repeatable`, else back into margins `from` (the last split of a branch is applied
   * without partitioning); without, `leaves` gives each leaf's row ranges.
   */
  grow(from: number, sample: RowSample | undefined, treeFeatures: Int32Array, random: Random, updateMargins: boolean): GrownTree {
    const p = this.params;
    const plan = this.plan;
    const I = plan.ints;
    const F = plan.floats;
    const shards = plan.shards;
    const left: number[] = [];
    const right: number[] = [];
    const parents: number[] = [];
    const splitIndices: number[] = [];
    const conditions: number[] = [];
    const defaultLeft: number[] = [];
    const baseWeights: number[] = [];
    const lossChanges: number[] = [];
    const sumHessian: number[] = [];
    const splitBins: number[] = [];
    const leaves: LeafRange[] = [];
    const addNode = (parent: number, g: number, h: number): number => {
      left.push(-1);
      right.push(-1);
      parents.push(parent);
      splitIndices.push(0);
      conditions.push(0);
      defaultLeft.push(0);
      baseWeights.push(leafWeight(g, h, p));
      lossChanges.push(0);
      sumHessian.push(h);
      splitBins.push(-2);
      return left.length - 1;
    };
    const setLeaf = (n: NodeState): number => {
      const w = leafWeight(n.g, n.h, p) * p.eta;
      conditions[n.id] = w;
      baseWeights[n.id] = w;
      if (n.hist) this.release(n.hist);
      return w;
    };

    // The root: gradients, sample, sums and histogram, on every shard.
    const t0 = this.now();
    plan.setFeatures(treeFeatures);
    I[H.op] = OP.start;
    I[H.entries] = 0;
    I[H.from] = from;
    I[H.to] = updateMargins ? (this.executor.repeatable ? 1 - from : from) : -1;
    I[H.subsample] = sample ? 1 : 0;
    I[H.threshold] = sample ? sample.threshold | 0 : 0;
    if (sample) {
      // Each shard continues the one stream of coin flips where the previous shard's rows end.
      let x = sample.seed | 0;
      for (let k = 0; k < shards; k++) {
        plan.setSeed(k, x);
        if (k + 1 < shards) x = this.jumps[k]!(x);
      }
    }
    I[H.table] = 0;
    I[H.buildTable] = 0;
    I[plan.build(0)] = 0;
    I[plan.owner(0)] = -1; // split by shards: every shard has rows of the root
    I[H.buildFrom] = 0;
    I[H.buildTo] = 1;
    const rootHist = this.acquire();
    this.executor.run([rootHist]);
    let g = 0;
    let h = 0;
    let sampled = 0;
    for (let k = 0; k < shards; k++) {
      g += F[plan.sums(k)]!;
      h += F[plan.sums(k) + 1]!;
      const r = plan.range(0, 0, k);
      sampled += I[r + 1]! - I[r]!;
    }
    if (sampled === 0 && plan.rows > 0) {
      // Never an empty sample: the first row left out (row 0, first of shard 0's others) joins it.
      const r = plan.range(0, 0, 0);
      I[r + 1] = I[r]! + 1;
      I[r + 2] = I[r]! + 1;
      const { rowIndex, gpair } = this.memory;
      g = gpair[2 * rowIndex[I[r]!]!]!;
      h = gpair[2 * rowIndex[I[r]!]! + 1]!;
      I[H.op] = OP.build;
      rootHist.fill(0);
      this.executor.run([rootHist]);
    }
    this.startMs += this.now() - t0;
    const root: NodeState = { id: addNode(2147483647, g, h), pos: 0, g, h, hist: rootHist, depth: 0 };

    let level: NodeState[] = [root];
    let table = 0;
    while (level.length > 0) {
      const next: NodeState[] = [];
      const builds: { pos: number; out: Float64Array; size: number }[] = [];
      const derive: { parent: Float64Array; built: Float64Array; other: Float64Array }[] = [];
      /** Histograms built for a derivation only, released after it. */
      const spent: Float64Array[] = [];
      const levelFeatures = sampleFeatures(treeFeatures, p.colsampleBylevel, random);
      for (let j = 0; j < level.length; j++) {
        const node = level[j]!;
        const e = plan.entry(j);
        const v = plan.value(j);
        const split: Split | undefined = node.hist ? findBestSplit(node.hist, this.cuts, levelFeatures, node.g, node.h, p, this.slots) : undefined;
        if (!split) {
          I[e] = ACTION.leaf;
          F[v] = setLeaf(node);
          if (!updateMargins) {
            const ranges: number[] = [];
            for (let k = 0; k < shards; k++) {
              const r = plan.range(table, j, k);
              ranges.push(I[r]!, I[r + 1]!, I[r + 2]!, I[r + 3]!);
            }
            leaves.push({ node: node.id, ranges });
          }
          continue;
        }
        const depth = node.depth + 1;
        const l: NodeState = { id: addNode(node.id, split.leftG, split.leftH), pos: -1, g: split.leftG, h: split.leftH, hist: undefined, depth };
        const r: NodeState = { id: addNode(node.id, split.rightG, split.rightH), pos: -1, g: split.rightG, h: split.rightH, hist: undefined, depth };
        left[node.id] = l.id;
        right[node.id] = r.id;
        splitIndices[node.id] = split.feature;
        conditions[node.id] = split.threshold;
        defaultLeft[node.id] = split.defaultLeft ? 1 : 0;
        lossChanges[node.id] = split.gain;
        splitBins[node.id] = split.bin;
        I[e + 1] = split.feature;
        I[e + 2] = split.bin;
        I[e + 3] = split.defaultLeft ? 1 : 0;
        const lCan = this.canSplit(depth, split.leftH);
        const rCan = this.canSplit(depth, split.rightH);
        if (updateMargins && !lCan && !rCan) {
          // Both children are leaves: their values go to the rows' margins without moving the rows.
          I[e] = ACTION.splitLeaves;
          F[v] = setLeaf(l);
          F[v + 1] = setLeaf(r);
          if (node.hist) this.release(node.hist);
          continue;
        }
        I[e] = ACTION.split;
        l.pos = next.length;
        r.pos = next.length + 1;
        I[e + 4] = l.pos;
        I[e + 5] = r.pos;
        next.push(l, r);
        // Children that cannot split need no histogram; when one can, build the smaller and derive the other.
        if (!lCan && !rCan) {
          this.release(node.hist!);
          continue;
        }
        l.hist = this.acquire();
        r.hist = this.acquire();
        const [small, large] = l.h <= r.h ? [l, r] : [r, l];
        builds.push({ pos: small.pos, out: small.hist!, size: small.h });
        derive.push({ parent: node.hist!, built: small.hist!, other: large.hist! });
        // The smaller child, when it cannot split, is built only to derive the larger (the larger can then split: its hessian is larger).
        if (!(l.h <= r.h ? lCan : rCan)) {
          spent.push(small.hist!);
          small.hist = undefined;
        }
      }
      // One operation for the level (more when its histograms do not fit in one).
      I[H.op] = OP.level;
      I[H.entries] = level.length;
      I[H.table] = table;
      I[H.buildTable] = 1 - table;
      const per = this.executor.tasksPerOp;
      const owners = assignOwners(
        builds.map((b) => b.size),
        shards,
      );
      for (let first = 0; first === 0 || first < builds.length; first += per) {
        const part = builds.slice(first, first + per);
        part.forEach((b, i) => {
          I[plan.build(first + i)] = b.pos;
          I[plan.owner(first + i)] = owners[first + i]!;
        });
        I[H.buildFrom] = first;
        I[H.buildTo] = first + part.length;
        this.executor.run(part.map((b) => b.out));
        I[H.op] = OP.build;
      }
      for (const d of derive) {
        subtractHistograms(d.parent, d.built, d.other);
        this.release(d.parent);
      }
      for (const hist of spent) this.release(hist);
      level = next;
      table = 1 - table;
    }
    return {
      tree: {
        leftChildren: Int32Array.from(left),
        rightChildren: Int32Array.from(right),
        parents: Int32Array.from(parents),
        splitIndices: Int32Array.from(splitIndices),
        splitConditions: Float64Array.from(conditions),
        defaultLeft: Uint8Array.from(defaultLeft),
        baseWeights: Float64Array.from(baseWeights),
        lossChanges: Float64Array.from(lossChanges),
        sumHessian: Float64Array.from(sumHessian),
      },
      splitBins: Int32Array.from(splitBins),
      leaves,
    };
  }

  /** A node can be split only above the depth limit, with hessian enough for two children. */
  private canSplit(depth: number, h: number): boolean {
    return depth < this.params.maxDepth && h >= 2 * this.params.minChildWeight;
  }

  private acquire(): Float64Array {
    return this.pool.pop() ?? new Float64Array(2 * this.slots[this.matrix.cols]!);
  }

  private release(hist: Float64Array): void {
    this.pool.push(hist);
  }
}

/**
 * `out = parent - built`, slot by slot (the sibling's histogram). A function of its own: inside
 * `grow`, a function too large for V8 to optimize early, the loop boxed every difference (84 MB of
 * garbage and about a fifth of the CPU of a one-thread 10x training).
 */
export function subtractHistograms(parent: Float64Array, built: Float64Array, out: Float64Array): void {
  for (let k = 0; k < parent.length; k++) out[k] = parent[k]! - built[k]!;
}

/**
 * The xorshift32 step (x ^= x << 13; x ^= x >>> 17; x ^= x << 5) taken `n` times, as a function of
 * the state: the step is linear over GF(2), so n steps are one 32 x 32 bit matrix (its columns: the
 * images of the 32 single bits), raised to the n-th power by squaring once, then applied in 32 XORs.
 */
export function xorshiftJump(n: number): (state: number) => number {
  const apply = (m: Uint32Array, x: number) => {
    let y = 0;
    for (let b = 0; b < 32; b++) if ((x >>> b) & 1) y ^= m[b]!;
    return y >>> 0;
  };
  const times = (a: Uint32Array, b: Uint32Array) => Uint32Array.from(b, (col) => apply(a, col)); // a after b
  let step = new Uint32Array(32);
  for (let b = 0; b < 32; b++) {
    let x = (1 << b) >>> 0;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    step[b] = x >>> 0;
  }
  let result = Uint32Array.from({ length: 32 }, (_, b) => (1 << b) >>> 0);
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) result = times(step, result);
    step = times(step, step);
  }
  const m = result;
  return (state) => apply(m, state >>> 0) | 0;
}

/** A sorted random subset of `features` of size max(1, round(fraction × n)); all of them when fraction is 1. */
export function sampleFeatures(features: Int32Array, fraction: number, random: Random): Int32Array {
  if (fraction >= 1) return features;
  const n = Math.max(1, Math.round(features.length * fraction));
  const pool = Array.from(features);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return Int32Array.from(pool.slice(0, n).sort((a, b) => a - b));
}
