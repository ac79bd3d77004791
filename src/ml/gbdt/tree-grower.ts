import type { Random } from '../../core/random.js';
import type { Tree } from '../types.js';
import type { BinnedMatrix } from './binned-matrix.js';
import type { HistogramBuilder, HistogramTask } from './histogram-builder.js';
import type { FeatureCuts } from './quantile-cuts.js';
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
  /** Leaves with their row ranges in the final row order (for leaf refresh). */
  readonly leaves: readonly { node: number; begin: number; end: number }[];
}

interface NodeState {
  id: number;
  begin: number;
  end: number;
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
  private scratch: Uint32Array = new Uint32Array(0);

  constructor(
    private readonly matrix: BinnedMatrix,
    private readonly cuts: FeatureCuts,
    private readonly builder: HistogramBuilder,
    private readonly params: GrowParams,
  ) {}

  async grow(gpair: Float64Array, rowIndex: Uint32Array, treeFeatures: Int32Array, random: Random): Promise<GrownTree> {
    const p = this.params;
    this.builder.beginTree(gpair, rowIndex);
    if (this.scratch.length < rowIndex.length) this.scratch = new Uint32Array(rowIndex.length);
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
    const leaves: { node: number; begin: number; end: number }[] = [];
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
    const makeLeaf = (n: NodeState) => {
      const w = leafWeight(n.g, n.h, p) * p.eta;
      conditions[n.id] = w;
      baseWeights[n.id] = w;
      leaves.push({ node: n.id, begin: n.begin, end: n.end });
      if (n.hist) this.release(n.hist);
    };

    let g = 0;
    let h = 0;
    for (let i = 0; i < rowIndex.length; i++) {
      const r = rowIndex[i]!;
      g += gpair[2 * r]!;
      h += gpair[2 * r + 1]!;
    }
    const rootHist = this.acquire();
    const root: NodeState = { id: addNode(2147483647, g, h), begin: 0, end: rowIndex.length, g, h, hist: rootHist, depth: 0 };
    await this.builder.build([{ begin: 0, end: rowIndex.length, out: rootHist }], treeFeatures);

    let level: NodeState[] = [root];
    while (level.length > 0) {
      const next: NodeState[] = [];
      const toBuild: HistogramTask[] = [];
      const derive: { parent: Float64Array; built: Float64Array; other: Float64Array }[] = [];
      const levelFeatures = sampleFeatures(treeFeatures, p.colsampleBylevel, random);
      for (const node of level) {
        const split: Split | undefined = node.hist ? findBestSplit(node.hist, this.cuts, levelFeatures, node.g, node.h, p) : undefined;
        if (!split) {
          makeLeaf(node);
          continue;
        }
        const mid = this.partition(rowIndex, node.begin, node.end, split);
        const depth = node.depth + 1;
        const l: NodeState = { id: addNode(node.id, split.leftG, split.leftH), begin: node.begin, end: mid, g: split.leftG, h: split.leftH, hist: undefined, depth };
        const r: NodeState = { id: addNode(node.id, split.rightG, split.rightH), begin: mid, end: node.end, g: split.rightG, h: split.rightH, hist: undefined, depth };
        left[node.id] = l.id;
        right[node.id] = r.id;
        splitIndices[node.id] = split.feature;
        conditions[node.id] = split.threshold;
        defaultLeft[node.id] = split.defaultLeft ? 1 : 0;
        lossChanges[node.id] = split.gain;
        splitBins[node.id] = split.bin;
        next.push(l, r);
        // Children that cannot split need no histogram; when one can, build the smaller and derive the other.
        if (!this.canSplit(l) && !this.canSplit(r)) {
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

  /** A node can be split only above the depth limit and with hessian enough for two children. */
  private canSplit(n: NodeState): boolean {
    return n.depth < this.params.maxDepth && n.end - n.begin >= 2 && n.h >= 2 * this.params.minChildWeight;
  }

  /** Stable in-place partition of rowIndex[begin..end) by the split; returns where the right part starts. */
  private partition(rowIndex: Uint32Array, begin: number, end: number, split: Split): number {
    const { bins, rows, missing } = this.matrix;
    const base = split.feature * rows;
    const scratch = this.scratch;
    let l = begin;
    let r = 0;
    for (let i = begin; i < end; i++) {
      const row = rowIndex[i]!;
      const b = bins[base + row]!;
      const goLeft = b === missing ? split.defaultLeft : b <= split.bin;
      if (goLeft) rowIndex[l++] = row;
      else scratch[r++] = row;
    }
    rowIndex.set(scratch.subarray(0, r), l);
    return l;
  }

  private acquire(): Float64Array {
    return this.pool.pop() ?? this.builder.createHistogram(2 * this.cuts.values.length);
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
