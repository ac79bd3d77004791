import type { Random } from '../../src/core/random.js';
import type { GbdtModel, Objective, Tree } from '../../src/ml/types.js';

/** One node of a hand-written tree: a leaf value, or a split sending `x[feature] < threshold` to `yes`. */
export type NodeSpec = { leaf: number } | { feature: number; threshold: number; yes: number; no: number; missingLeft: boolean };

/** Builds a Tree from nodes listed by id (root first); parents, weights and covers are filled in plausibly. */
export function treeFromNodes(nodes: readonly NodeSpec[]): Tree {
  const n = nodes.length;
  const tree = {
    leftChildren: new Int32Array(n).fill(-1),
    rightChildren: new Int32Array(n).fill(-1),
    parents: new Int32Array(n).fill(2147483647),
    splitIndices: new Int32Array(n),
    splitConditions: new Float64Array(n),
    defaultLeft: new Uint8Array(n),
    baseWeights: new Float64Array(n),
    lossChanges: new Float64Array(n),
    sumHessian: new Float64Array(n),
  };
  nodes.forEach((node, i) => {
    tree.sumHessian[i] = Math.fround(100 / (i + 1));
    if ('leaf' in node) {
      tree.splitConditions[i] = node.leaf;
      tree.baseWeights[i] = node.leaf;
      return;
    }
    tree.leftChildren[i] = node.yes;
    tree.rightChildren[i] = node.no;
    tree.parents[node.yes] = i;
    tree.parents[node.no] = i;
    tree.splitIndices[i] = node.feature;
    tree.splitConditions[i] = node.threshold;
    tree.defaultLeft[i] = node.missingLeft ? 1 : 0;
    tree.baseWeights[i] = Math.fround(0.125 * i);
    tree.lossChanges[i] = Math.fround(1.5 + i);
  });
  return tree;
}

/** A stump on `feature`: `< threshold` gives `yes`, otherwise `no`; missing goes left when `missingLeft`. */
export function stump(feature: number, threshold: number, yes: number, no: number, missingLeft: boolean): Tree {
  return treeFromNodes([{ feature, threshold, yes: 1, no: 2, missingLeft }, { leaf: yes }, { leaf: no }]);
}

/**
 * A random tree up to `depth` levels (each split stops early with probability `stopRate`), float32
 * thresholds in [0, 1), about half the splits defaulting left, float32 leaves in ±`leafScale`.
 * Node ids are assigned depth first, so they differ from XGBoost's breadth-first order.
 */
export function randomTree(random: Random, depth: number, numFeature: number, leafScale = 0.3, stopRate = 0.1): Tree {
  const nodes: NodeSpec[] = [];
  const grow = (level: number): number => {
    const id = nodes.length;
    if (level === depth || (level > 0 && random.next() < stopRate)) {
      nodes.push({ leaf: Math.fround((random.next() * 2 - 1) * leafScale) });
      return id;
    }
    const split = { feature: random.int(numFeature), threshold: Math.fround(random.next()), yes: 0, no: 0, missingLeft: random.next() < 0.5 };
    nodes.push(split);
    split.yes = grow(level + 1);
    split.no = grow(level + 1);
    return id;
  };
  grow(0);
  return treeFromNodes(nodes);
}

/** A random model of `numTrees` trees for `objective`. */
export function randomModel(
  random: Random,
  options: { objective: Objective; numTrees: number; depth: number; numFeature: number; baseScore?: number; bestIteration?: number; leafScale?: number },
): GbdtModel {
  const trees = Array.from({ length: options.numTrees }, () => randomTree(random, options.depth, options.numFeature, options.leafScale));
  const baseScore = options.baseScore ?? (options.objective === 'binary:logistic' ? 0.3 : 1.5);
  return {
    objective: options.objective,
    baseScore,
    numFeature: options.numFeature,
    trees,
    ...(options.bestIteration === undefined ? {} : { bestIteration: options.bestIteration }),
    ...(options.objective === 'reg:pseudohubererror' ? { huberSlope: 2.5 } : {}),
  };
}

/**
 * `rows` x `cols` row-major values in [0, 1) with a share `nanRate` of NaN; every 7th value is exactly
 * a float32 threshold-like value and every 11th sits just below one in float64 (it rounds up in float32).
 */
export function randomRows(random: Random, rows: number, cols: number, nanRate = 0.1): Float64Array {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    const v = random.next();
    if (random.next() < nanRate) data[i] = Number.NaN;
    else if (i % 7 === 3) data[i] = Math.fround(v);
    else if (i % 11 === 5) data[i] = Math.fround(v) - 1e-12;
    else data[i] = v;
  }
  return data;
}

/** The margin of one row by walking each Tree object directly (a slow, independent reference). */
export function referenceMargin(model: GbdtModel, baseMargin: number, row: ArrayLike<number>): number {
  const used = model.bestIteration === undefined ? model.trees.length : model.bestIteration + 1;
  let acc = baseMargin;
  for (const tree of model.trees.slice(0, used)) {
    let i = 0;
    while (tree.leftChildren[i] !== -1) {
      const x = row[tree.splitIndices[i]!]!;
      if (Number.isNaN(x)) i = tree.defaultLeft[i] ? tree.leftChildren[i]! : tree.rightChildren[i]!;
      else i = Math.fround(x) < tree.splitConditions[i]! ? tree.leftChildren[i]! : tree.rightChildren[i]!;
    }
    acc = Math.fround(acc + tree.splitConditions[i]!);
  }
  return acc;
}

/**
 * `rows` x `numFeature` rows built from the model's own thresholds: each value is a threshold exactly,
 * a float64 just below one (equal in float32, so it goes right), the float32 just below one (goes left), or NaN.
 */
export function thresholdRows(random: Random, model: GbdtModel, rows: number): Float64Array {
  const thresholds: number[] = [];
  for (const t of model.trees) t.leftChildren.forEach((l, i) => l !== -1 && thresholds.push(t.splitConditions[i]!));
  const data = new Float64Array(rows * model.numFeature);
  for (let i = 0; i < data.length; i++) {
    const th = thresholds[random.int(thresholds.length)]!;
    const kind = random.int(4);
    data[i] = kind === 0 ? th : kind === 1 ? th - Math.abs(th) * 1e-12 : kind === 2 && th > 0 ? nextFloat32Down(th) : Number.NaN;
  }
  return data;
}

/** The largest float32 below the float32 `x` (x > 0). */
export function nextFloat32Down(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  u[0] = u[0]! - 1;
  return f[0]!;
}
