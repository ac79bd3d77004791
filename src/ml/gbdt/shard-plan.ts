/**
 * The plan that the training thread hands to row shards, one operation at a time, and the shards'
 * row ranges. Training rows are cut into shards of consecutive row numbers (shard k: rows
 * `shardStart(k)..shardStart(k+1)-1`, which also own those positions of `rowIndex`, of the scratch
 * array, of the gradient pairs and of the margins): each thread works on its shard only, so the
 * threads never write the same memory. The plan lives in a SharedArrayBuffer when shards run in
 * worker threads.
 *
 * Operations:
 * - START: gradients of the shard's rows (from margins `from`), the round's row sample, the sums of
 *   the sampled rows' gradient pairs, then the root's histogram (build task 0).
 * - LEVEL: for each entry (a node of the level): write its leaf value into margins `to`, or write its
 *   two children's values by the split without moving rows, or partition its rows by the split into
 *   two nodes of the next level; then build the histograms of the build tasks.
 * - BUILD: only the build tasks (levels with more than fit in one operation).
 * - FINISH: after a tree: walk it over the shard's part of the validation rows (their margins
 *   `validFrom` plus the leaf values go to margins `validTo`), and sum the metric's per-row terms
 *   over the shard's training rows (margins `from`) and validation rows (see `metricSums`).
 *
 * An operation has two phases: first each shard's row work (phase A), then, once every shard is
 * done, the histograms (phase B). A build task is either split (each thread builds its shard's rows,
 * the parts are added in shard order) or owned by one thread, which builds it whole from every
 * shard's rows (small nodes: adding parts would cost as much as building them); see `assignOwners`.
 */
export const OP = { start: 1, level: 2, build: 3, finish: 4 } as const;
export const ACTION = { leaf: 1, splitLeaves: 2, split: 3 } as const;

/** Header slots (Int32). */
export const H = {
  op: 0,
  entries: 1,
  buildFrom: 2,
  buildTo: 3,
  featureCount: 4,
  /** Margins read (0 or 1). */
  from: 5,
  /** Margins written (0 or 1). */
  to: 6,
  threshold: 7,
  subsample: 8,
  /** Which range table (0 or 1) holds the level's nodes; the other receives the next level's. */
  table: 9,
  /** The range table the build tasks' positions refer to. */
  buildTable: 10,
  /** FINISH: validation margins read and written (0 or 1; the same for in place). */
  validFrom: 11,
  validTo: 12,
  /** FINISH: the metric (index in EVAL_METRICS) whose per-row terms the shards sum; -1: none. */
  metric: 13,
} as const;
const HEADER = 16;
/** Per entry (Int32): action, feature, bin, defaultLeft, left child's position, right child's position. */
export const ENTRY_INTS = 6;
/** Per entry (Float64): the leaf value (or the left child's), the right child's. */
export const ENTRY_FLOATS = 2;
/** Per node position and shard (Int32): begin, end (sampled rows), other begin, other end (rows left out of the sample). */
export const RANGE_INTS = 4;
/** Per node of the tree FINISH walks (Int32): left child (-1: a leaf), right child, feature, last bin going left, default left (1). */
export const TREE_INTS = 5;

/** What the plan is sized for. */
export interface ShardPlanSize {
  readonly shards: number;
  /** Node positions per level at most (and entries per operation). */
  readonly positions: number;
  /** Build tasks per operation at most. */
  readonly tasks: number;
  readonly features: number;
  readonly rows: number;
}

/** The plan's memory (structured-cloneable for workers: its buffers are shared when asked). */
export interface ShardPlanSpec extends ShardPlanSize {
  readonly ints: Int32Array;
  readonly floats: Float64Array;
}

/** The plan's views; see the module comment. */
export class ShardPlan {
  readonly ints: Int32Array;
  readonly floats: Float64Array;
  readonly shards: number;
  readonly positions: number;
  readonly tasks: number;
  readonly rows: number;
  private readonly seedsAt: number;
  private readonly entriesAt: number;
  private readonly buildsAt: number;
  private readonly ownersAt: number;
  private readonly featuresAt: number;
  private readonly tablesAt: number;
  private readonly valuesAt: number;
  private readonly sumsAt: number;
  private readonly treeAt: number;
  private readonly leafValuesAt: number;
  private readonly metricSumsAt: number;
  /** Nodes a tree written for FINISH may have. */
  readonly treeCapacity: number;

  static create(size: ShardPlanSize, shared: boolean): ShardPlan {
    const { ints, floats } = layout(size);
    const buffer = (n: number) => (shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n));
    return new ShardPlan({ ...size, ints: new Int32Array(buffer(4 * ints)), floats: new Float64Array(buffer(8 * floats)) });
  }

  constructor(readonly spec: ShardPlanSpec) {
    this.ints = spec.ints;
    this.floats = spec.floats;
    this.shards = spec.shards;
    this.positions = spec.positions;
    this.tasks = spec.tasks;
    this.rows = spec.rows;
    const at = layout(spec);
    this.seedsAt = at.seeds;
    this.entriesAt = at.entries;
    this.buildsAt = at.builds;
    this.ownersAt = at.owners;
    this.featuresAt = at.features;
    this.tablesAt = at.tables;
    this.valuesAt = at.values;
    this.sumsAt = at.sums;
    this.treeAt = at.tree;
    this.leafValuesAt = at.leafValues;
    this.metricSumsAt = at.metricSums;
    this.treeCapacity = treeCapacity(spec);
  }

  /** Index in `ints` of tree node n's first slot (see TREE_INTS). */
  treeNode(n: number): number {
    return this.treeAt + n * TREE_INTS;
  }

  /** Index in `floats` of tree node n's value (a leaf's value). */
  leafValue(n: number): number {
    return this.leafValuesAt + n;
  }

  /**
   * Writes a FINISH operation (see the module comment): the grown tree (`splitBins`: per split node,
   * the last bin going left), the training margins to score, the validation margins read and written,
   * the metric (index in EVAL_METRICS, -1 for none).
   */
  setFinish(
    tree: {
      readonly leftChildren: Int32Array;
      readonly rightChildren: Int32Array;
      readonly splitIndices: Int32Array;
      readonly splitConditions: Float64Array;
      readonly defaultLeft: Uint8Array;
    },
    splitBins: Int32Array,
    margins: { readonly from: number; readonly validFrom: number; readonly validTo: number; readonly metric: number },
  ): void {
    const n = tree.leftChildren.length;
    // A depth-wise tree has fewer than 2 × positions nodes (see `treeCapacity`).
    if (n > this.treeCapacity) throw new Error(`ShardPlan: a tree of ${n} nodes, room for ${this.treeCapacity}`);
    const I = this.ints;
    for (let i = 0; i < n; i++) {
      const at = this.treeAt + i * TREE_INTS;
      I[at] = tree.leftChildren[i]!;
      I[at + 1] = tree.rightChildren[i]!;
      I[at + 2] = tree.splitIndices[i]!;
      I[at + 3] = splitBins[i]!;
      I[at + 4] = tree.defaultLeft[i]!;
    }
    this.floats.set(tree.splitConditions, this.leafValuesAt);
    I[H.op] = OP.finish;
    I[H.entries] = 0;
    I[H.buildFrom] = 0;
    I[H.buildTo] = 0;
    I[H.from] = margins.from;
    I[H.validFrom] = margins.validFrom;
    I[H.validTo] = margins.validTo;
    I[H.metric] = margins.metric;
  }

  /** Index in `floats` of shard k's FINISH sums: the metric's terms over its training rows, then over its validation rows. */
  metricSums(k: number): number {
    return this.metricSumsAt + 2 * k;
  }

  /** The first row of shard `k` (k = shards: the row count). */
  shardStart(k: number): number {
    return Math.floor((this.rows * k) / this.shards);
  }

  seed(k: number): number {
    return this.ints[this.seedsAt + k]!;
  }

  setSeed(k: number, seed: number): void {
    this.ints[this.seedsAt + k] = seed;
  }

  /** Index in `ints` of entry j's first slot. */
  entry(j: number): number {
    return this.entriesAt + j * ENTRY_INTS;
  }

  /** Index in `floats` of entry j's first value. */
  value(j: number): number {
    return this.valuesAt + j * ENTRY_FLOATS;
  }

  /** Index in `ints` of build task i's node position. */
  build(i: number): number {
    return this.buildsAt + i;
  }

  /** Index in `ints` of build task i's owner: -1 when split by shards, else the thread that builds it whole. */
  owner(i: number): number {
    return this.ownersAt + i;
  }

  /** The features of the tree's histograms. */
  features(): Int32Array {
    return this.ints.subarray(this.featuresAt, this.featuresAt + this.ints[H.featureCount]!);
  }

  setFeatures(features: Int32Array): void {
    this.ints.set(features, this.featuresAt);
    this.ints[H.featureCount] = features.length;
  }

  /** Index in `ints` of the range of node position `pos`, shard `k`, in range table `table`. */
  range(table: number, pos: number, k: number): number {
    return this.tablesAt + ((table * this.positions + pos) * this.shards + k) * RANGE_INTS;
  }

  /** Index in `floats` of shard k's sums (gradient, hessian) of its sampled rows. */
  sums(k: number): number {
    return this.sumsAt + 2 * k;
  }

  /** Copies of the operation's slots (header, entries, builds), to run it again later (see `OpRecord`). */
  record(): OpRecord {
    const entries = this.ints[H.entries]!;
    const from = this.ints[H.buildFrom]!;
    const to = this.ints[H.buildTo]!;
    return {
      header: this.ints.slice(0, HEADER),
      entries: this.ints.slice(this.entriesAt, this.entriesAt + entries * ENTRY_INTS),
      values: this.floats.slice(this.valuesAt, this.valuesAt + entries * ENTRY_FLOATS),
      builds: this.ints.slice(this.buildsAt + from, this.buildsAt + to),
      owners: this.ints.slice(this.ownersAt + from, this.ownersAt + to),
      seeds: this.ints.slice(this.seedsAt, this.seedsAt + this.shards),
    };
  }

  /** Puts a recorded operation back in the plan. */
  restore(r: OpRecord): void {
    this.ints.set(r.header, 0);
    this.ints.set(r.entries, this.entriesAt);
    this.floats.set(r.values, this.valuesAt);
    this.ints.set(r.builds, this.buildsAt + r.header[H.buildFrom]!);
    this.ints.set(r.owners, this.ownersAt + r.header[H.buildFrom]!);
    this.ints.set(r.seeds, this.seedsAt);
  }
}

/** A recorded operation (`ShardPlan.record`). */
export interface OpRecord {
  readonly header: Int32Array;
  readonly entries: Int32Array;
  readonly values: Float64Array;
  readonly builds: Int32Array;
  readonly owners: Int32Array;
  readonly seeds: Int32Array;
}

/** Build tasks of at least this many rows (hessian, for squared error) are split by shards; smaller ones are built whole by one thread. */
export const SPLIT_TASK_ROWS = 16384;

/**
 * Owners of build tasks of these sizes (rows, or hessian sums) for `threads` threads: -1 (split by
 * shards) for tasks of SPLIT_TASK_ROWS or more, else the thread with the least work so far, taking
 * the tasks largest first (ties: lower task, then lower thread). Depends on the sizes only.
 */
export function assignOwners(sizes: readonly number[], threads: number): Int32Array {
  const owners = new Int32Array(sizes.length).fill(-1);
  if (threads <= 1) return owners;
  const load = new Float64Array(threads);
  const small: number[] = [];
  sizes.forEach((size, t) => {
    if (size >= SPLIT_TASK_ROWS) for (let k = 0; k < threads; k++) load[k]! += size / threads;
    else small.push(t);
  });
  small.sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  for (const t of small) {
    let k = 0;
    for (let j = 1; j < threads; j++) if (load[j]! < load[k]!) k = j;
    owners[t] = k;
    load[k]! += sizes[t]!;
  }
  return owners;
}

function layout(size: ShardPlanSize) {
  const seeds = HEADER;
  const entries = seeds + size.shards;
  const builds = entries + size.positions * ENTRY_INTS;
  const owners = builds + Math.max(size.positions, size.tasks);
  const features = owners + Math.max(size.positions, size.tasks);
  const tables = features + size.features;
  const tree = tables + 2 * size.positions * size.shards * RANGE_INTS;
  const ints = tree + treeCapacity(size) * TREE_INTS;
  const values = 0;
  const sums = values + size.positions * ENTRY_FLOATS;
  const leafValues = sums + 2 * size.shards;
  const metricSums = leafValues + treeCapacity(size);
  const floats = metricSums + 2 * size.shards;
  return { seeds, entries, builds, owners, features, tables, tree, ints, values, sums, leafValues, metricSums, floats };
}

/** A depth-wise tree with at most `positions` nodes per level has fewer than 2 × positions nodes. */
function treeCapacity(size: ShardPlanSize): number {
  return 2 * size.positions;
}
