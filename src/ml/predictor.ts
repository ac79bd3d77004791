import { InvalidArgumentError } from '../core/errors.js';
import { baseMarginOf, marginToOutput } from './objective-link.js';
import type { GbdtModel, Objective, Tree } from './types.js';
import { validateTree } from './validate-tree.js';

/**
 * Trees flattened into one node table, renumbered breadth first so the right child of node k is
 * `left + 1`; unreachable (deleted) nodes are dropped. Node k takes four 32-bit words from `4k` in
 * `nodes` (Int32) / `thresholds` (Float32, same buffer): feature, left child, 1 when a missing value
 * goes right, threshold. A leaf points to itself (feature 0, NaN threshold: every row stays), so a
 * tree is walked in exactly `depth[t]` branch-free steps and trees can be walked side by side.
 */
export interface FlatForest {
  /** The root node of each tree. */
  readonly roots: Int32Array;
  /** The depth of each tree (0 for a lone leaf). */
  readonly depth: Int32Array;
  readonly nodes: Int32Array;
  readonly thresholds: Float32Array;
  /** The value of each leaf node (0 for splits). */
  readonly leafValue: Float32Array;
}

/** Flattens `trees` (already validated) into a {@link FlatForest}. */
export function flattenTrees(trees: readonly Tree[]): FlatForest {
  let capacity = 0;
  for (const t of trees) capacity += t.leftChildren.length;
  const roots = new Int32Array(trees.length);
  const depth = new Int32Array(trees.length);
  const buffer = new ArrayBuffer(capacity * 16);
  const nodes = new Int32Array(buffer);
  const thresholds = new Float32Array(buffer);
  const leafValue = new Float32Array(capacity);
  let next = 0;
  const queue: number[] = [];
  const level: number[] = [];
  trees.forEach((tree, t) => {
    const root = next++;
    roots[t] = root;
    queue.length = 0;
    level.length = 0;
    queue.push(0);
    level.push(0);
    // queue[q] is the original id of flat node root + q: breadth first, children added in pairs.
    for (let q = 0; q < queue.length; q++) {
      const i = queue[q]!;
      const k = root + q;
      const l = tree.leftChildren[i]!;
      if (l === -1) {
        nodes[4 * k + 1] = k;
        thresholds[4 * k + 3] = Number.NaN;
        leafValue[k] = tree.splitConditions[i]!;
        depth[t] = Math.max(depth[t]!, level[q]!);
        continue;
      }
      nodes[4 * k] = tree.splitIndices[i]!;
      nodes[4 * k + 1] = next;
      nodes[4 * k + 2] = tree.defaultLeft[i] ? 0 : 1;
      thresholds[4 * k + 3] = tree.splitConditions[i]!;
      queue.push(l, tree.rightChildren[i]!);
      level.push(level[q]! + 1, level[q]! + 1);
      next += 2;
    }
  });
  const packed = nodes.slice(0, 4 * next);
  return { roots, depth, nodes: packed, thresholds: new Float32Array(packed.buffer), leafValue: leafValue.slice(0, next) };
}

/**
 * Predicts with a {@link GbdtModel} exactly as XGBoost does: features are compared in float32
 * (`fround(x) < threshold`), NaN takes the default direction, the margin starts at the base margin
 * and adds each tree's leaf in float32, then the objective's transform applies. Uses trees
 * [0, bestIteration] (all when undefined).
 */
export class Predictor {
  readonly objective: Objective;
  readonly numFeature: number;
  /** How many trees are used: bestIteration + 1, or all. */
  readonly treeCount: number;
  /** The margin every prediction starts from (float32). */
  readonly baseMargin: number;
  private readonly forest: FlatForest;

  constructor(model: GbdtModel) {
    const { trees, bestIteration, numFeature } = model;
    if (!Number.isInteger(numFeature) || numFeature < 0) throw new InvalidArgumentError(`numFeature ${numFeature} is not a non-negative integer`);
    if (bestIteration !== undefined && !(Number.isInteger(bestIteration) && bestIteration >= 0 && bestIteration < trees.length)) {
      throw new InvalidArgumentError(`bestIteration ${bestIteration} is outside [0, ${trees.length}) trees`);
    }
    trees.forEach((t, i) => validateTree(t, numFeature, i));
    this.objective = model.objective;
    this.numFeature = numFeature;
    this.treeCount = bestIteration === undefined ? trees.length : bestIteration + 1;
    this.baseMargin = baseMarginOf(model.objective, model.baseScore);
    this.forest = flattenTrees(trees.slice(0, this.treeCount));
  }

  /** The raw margin (before the objective's transform) for one row; NaN means missing. */
  predictMarginRow(features: ArrayLike<number>): number {
    if (features.length < this.numFeature) {
      throw new InvalidArgumentError(`row has ${features.length} features, the model needs ${this.numFeature}`);
    }
    return this.marginAt(features, 0);
  }

  /** The prediction (in output space: a probability for binary:logistic, a mean for count:poisson) for one row. */
  predictRow(features: ArrayLike<number>): number {
    return marginToOutput(this.objective, this.predictMarginRow(features));
  }

  /** Margins of `rows` rows of `cols` features stored row-major in `data`; written to `out` when given. */
  predictMarginBatch(data: Float64Array, rows: number, cols: number, out?: Float64Array): Float64Array {
    const result = this.checkBatch(data, rows, cols, out);
    for (let r = 0; r < rows; r++) result[r] = this.marginAt(data, r * cols);
    return result;
  }

  /** Predictions (output space) of `rows` rows of `cols` features stored row-major in `data`. */
  predictBatch(data: Float64Array, rows: number, cols: number, out?: Float64Array): Float64Array {
    const result = this.predictMarginBatch(data, rows, cols, out);
    const objective = this.objective;
    for (let r = 0; r < rows; r++) result[r] = marginToOutput(objective, result[r]!);
    return result;
  }

  private checkBatch(data: Float64Array, rows: number, cols: number, out: Float64Array | undefined): Float64Array {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new InvalidArgumentError(`rows ${rows} and cols ${cols} must be non-negative integers`);
    }
    if (cols < this.numFeature) throw new InvalidArgumentError(`batch has ${cols} columns, the model needs ${this.numFeature}`);
    if (data.length < rows * cols) throw new InvalidArgumentError(`batch has ${data.length} values, expected ${rows} x ${cols}`);
    if (out !== undefined && out.length < rows) throw new InvalidArgumentError(`output has ${out.length} slots for ${rows} rows`);
    return out ?? new Float64Array(rows);
  }

  /**
   * Walks trees four at a time (independent memory loads overlap) in tree order, adding leaves in
   * float32 as XGBoost does. A step: right when `fround(v) >= threshold` or v is missing and goes right.
   */
  private marginAt(x: ArrayLike<number>, o: number): number {
    const { roots, depth, nodes: nd, thresholds: th, leafValue } = this.forest;
    const count = roots.length;
    let acc = this.baseMargin;
    let t = 0;
    for (; t + 4 <= count; t += 4) {
      let a = roots[t]! << 2;
      let b = roots[t + 1]! << 2;
      let c = roots[t + 2]! << 2;
      let d = roots[t + 3]! << 2;
      const steps = Math.max(depth[t]!, depth[t + 1]!, depth[t + 2]!, depth[t + 3]!);
      for (let s = 0; s < steps; s++) {
        const va = Math.fround(x[o + nd[a]!]!);
        const vb = Math.fround(x[o + nd[b]!]!);
        const vc = Math.fround(x[o + nd[c]!]!);
        const vd = Math.fround(x[o + nd[d]!]!);
        a = (nd[a + 1]! + (+(va >= th[a + 3]!) | (+(va !== va) & nd[a + 2]!))) << 2;
        b = (nd[b + 1]! + (+(vb >= th[b + 3]!) | (+(vb !== vb) & nd[b + 2]!))) << 2;
        c = (nd[c + 1]! + (+(vc >= th[c + 3]!) | (+(vc !== vc) & nd[c + 2]!))) << 2;
        d = (nd[d + 1]! + (+(vd >= th[d + 3]!) | (+(vd !== vd) & nd[d + 2]!))) << 2;
      }
      acc = Math.fround(acc + leafValue[a >> 2]!);
      acc = Math.fround(acc + leafValue[b >> 2]!);
      acc = Math.fround(acc + leafValue[c >> 2]!);
      acc = Math.fround(acc + leafValue[d >> 2]!);
    }
    for (; t < count; t++) {
      let a = roots[t]! << 2;
      for (let s = depth[t]!; s > 0; s--) {
        const va = Math.fround(x[o + nd[a]!]!);
        a = (nd[a + 1]! + (+(va >= th[a + 3]!) | (+(va !== va) & nd[a + 2]!))) << 2;
      }
      acc = Math.fround(acc + leafValue[a >> 2]!);
    }
    return acc;
  }
}
