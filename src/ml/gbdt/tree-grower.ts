import type { Random } from '../../core/random.js';
import type { Tree } from '../types.js';
import type { BinnedMatrix } from './binned-matrix.js';
import type { HistogramBuilder, HistogramTask } from './histogram-builder.js';
import type { FeatureCuts } from './quantile-cuts.js';
import { histogramOffsets } from './histogram-layout.js';
import type { KernelMemory } from './kernel-memory.js';
import type { RowPartitioner } from './row-partitioner.js';
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
  /** Leaves with their row ranges in the final row order (for leaf refresh); empty when `grow` updated the margins. */
  readonly leaves: readonly LeafRange[];
}

/** A leaf's rows: `rowIndex[begin..end)` from the sample, `rowIndex[otherBegin..otherEnd)` left out of it. */
export interface LeafRange {
  readonly node: number;
  readonly begin: number;
  readonly end: number;
  readonly otherBegin: number;
  readonly otherEnd: number;
}

interface NodeState {
  id: number;
  /** Sampled rows: rowIndex[begin..end). */
  begin: number;
  end: number;
  /** Rows outside the sample: rowIndex[obegin..oend). */
  obegin: number;
  oend: number;
  g: number;
  h: number;
  /** Undefined for nodes that cannot be split (too deep or too light): they need no histogram. */
  hist: Float64Array | undefined;
  depth: number;
}

/**
 * Grows one tree depth-wise like XGBoost's `hist` updater: histograms of the smaller child are built
 * and the sibling's are derived by subtraction; rows are partitioned in place in `rowIndex`.
 */
export class TreeGrower {
  private readonly pool: Float64Array[] = [];
  /** Histogram layout (see `histogramOffsets`). */
  private readonly slots: Int32Array;

  constructor(
    private readonly matrix: BinnedMatrix,
    private readonly cuts: FeatureCuts,
    private readonly builder: HistogramBuilder,
    private readonly memory: KernelMemory,
    private readonly partitioner: RowPartitioner,
    private readonly params: GrowParams,
  ) {
    this.slots = histogramOffsets(cuts);
  }

  /**
   * Grows a tree with the gradient pairs in `memory.gpair` on the rows `memory.rowIndex[0..sampled)`;
   * `rowIndex[sampled..)` are rows left out of this round's sample, partitioned alongside so that every
   * row ends up in its leaf. With `updateMargins`, each row's leaf value is added to `memory.margin`
   * as leaves are made (and the last split of a branch is applied to the margins directly, without
   * partitioning); without it, `leaves` gives each leaf's row ranges.
   */
  async grow(sampled: number, treeFeatures: Int32Array, random: Random, updateMargins: boolean): Promise<GrownTree> {
    const p = this.params;
    const partitioner = this.partitioner;
    const { rowIndex, gpair } = this.memory;
    const rowCount = rowIndex.length;
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
    const makeLeaf = (n: NodeState) => {
      const w = setLeaf(n);
      if (updateMargins) {
        partitioner.addToRange(n.begin, n.end, w);
        partitioner.addToRange(n.obegin, n.oend, w);
      } else {
        leaves.push({ node: n.id, begin: n.begin, end: n.end, otherBegin: n.obegin, otherEnd: n.oend });
      }
    };

    let g = 0;
    let h = 0;
    for (let i = 0; i < sampled; i++) {
      const r = rowIndex[i]!;
      g += gpair[2 * r]!;
      h += gpair[2 * r + 1]!;
    }
    const rootHist = this.acquire();
    const root: NodeState = { id: addNode(2147483647, g, h), begin: 0, end: sampled, obegin: sampled, oend: rowCount, g, h, hist: rootHist, depth: 0 };
    await this.builder.build([{ begin: 0, end: sampled, out: rootHist }], treeFeatures);

    let level: NodeState[] = [root];
    while (level.length > 0) {
      const next: NodeState[] = [];
      const toBuild: HistogramTask[] = [];
      const derive: { parent: Float64Array; built: Float64Array; other: Float64Array }[] = [];
      const levelFeatures = sampleFeatures(treeFeatures, p.colsampleBylevel, random);
      for (const node of level) {
        const split: Split | undefined = node.hist ? findBestSplit(node.hist, this.cuts, levelFeatures, node.g, node.h, p, this.slots) : undefined;
        if (!split) {
          makeLeaf(node);
          continue;
        }
        const depth = node.depth + 1;
        const l: NodeState = {
          id: addNode(node.id, split.leftG, split.leftH),
          begin: node.begin,
          end: node.end,
          obegin: node.obegin,
          oend: node.oend,
          g: split.leftG,
          h: split.leftH,
          hist: undefined,
          depth,
        };
        const r: NodeState = {
          id: addNode(node.id, split.rightG, split.rightH),
          begin: node.begin,
          end: node.end,
          obegin: node.obegin,
          oend: node.oend,
          g: split.rightG,
          h: split.rightH,
          hist: undefined,
          depth,
        };
        left[node.id] = l.id;
        right[node.id] = r.id;
        splitIndices[node.id] = split.feature;
        conditions[node.id] = split.threshold;
        defaultLeft[node.id] = split.defaultLeft ? 1 : 0;
        lossChanges[node.id] = split.gain;
        splitBins[node.id] = split.bin;
        partitioner.setSplit(split.feature, split.bin, split.defaultLeft);
        let lCan = this.canSplit(depth, split.leftH);
        let rCan = this.canSplit(depth, split.rightH);
        if (updateMargins && !lCan && !rCan) {
          // Both children are leaves: add their values to the rows' margins without moving the rows.
          const lw = setLeaf(l);
          const rw = setLeaf(r);
          partitioner.addBySplit(split.feature, node.begin, node.end, lw, rw);
          partitioner.addBySplit(split.feature, node.obegin, node.oend, lw, rw);
          if (node.hist) this.release(node.hist);
          continue;
        }
        const mid = partitioner.partition(split.feature, node.begin, node.end);
        const omid = partitioner.partition(split.feature, node.obegin, node.oend);
        l.end = mid;
        r.begin = mid;
        l.oend = omid;
        r.obegin = omid;
        lCan &&= mid - node.begin >= 2;
        rCan &&= node.end - mid >= 2;
        next.push(l, r);
        // Children that cannot split need no histogram; when one can, build the smaller and derive the other.
        if (!lCan && !rCan) {
          this.release(node.hist!);
          continue;
        }
        l.hist = this.acquire();
        r.hist = this.acquire();
        const [small, large] = l.end - l.begin <= r.end - r.begin ? [l, r] : [r, l];
        toBuild.push({ begin: small.begin, end: small.end, out: small.hist! });
        derive.push({ parent: node.hist!, built: small.hist!, other: large.hist! });
      }
      if (toBuild.length > 0) await this.builder.build(toBuild, treeFeatures);
      for (const d of derive) {
        for (let k = 0; k < d.parent.length; k++) d.other[k] = d.parent[k]! - d.built[k]!;
        this.release(d.parent);
      }
      level = next;
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

  /** A node can be split only above the depth limit, with hessian enough for two children (and, checked apart, two rows). */
  private canSplit(depth: number, h: number): boolean {
    return depth < this.params.maxDepth && h >= 2 * this.params.minChildWeight;
  }

  private acquire(): Float64Array {
    return this.pool.pop() ?? this.builder.createHistogram(2 * this.slots[this.matrix.cols]!);
  }

  private release(hist: Float64Array): void {
    this.pool.push(hist);
  }
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
