import type { Tree } from './types.js';

/** True when every split's right child is its left child + 1, as XGBoost's predictor assumes. */
export function hasAdjacentChildren(tree: Tree): boolean {
  for (let i = 0; i < tree.leftChildren.length; i++) {
    const left = tree.leftChildren[i]!;
    if (left !== -1 && tree.rightChildren[i] !== left + 1) return false;
  }
  return true;
}

/**
 * Returns `tree` itself when its children are adjacent, else a copy renumbered breadth first (children
 * allocated in pairs, as XGBoost grows trees) without its unreachable nodes. XGBoost walks a tree with
 * `left + !(x < threshold)`, ignoring `right_children`, so it mispredicts any other numbering.
 * `tree` must be valid (see validateTree).
 */
export function withAdjacentChildren(tree: Tree): Tree {
  if (hasAdjacentChildren(tree)) return tree;
  const order = [0];
  const newId = new Map<number, number>([[0, 0]]);
  for (let q = 0; q < order.length; q++) {
    const i = order[q]!;
    if (tree.leftChildren[i] === -1) continue;
    for (const child of [tree.leftChildren[i]!, tree.rightChildren[i]!]) {
      newId.set(child, order.length);
      order.push(child);
    }
  }
  const n = order.length;
  const out = {
    leftChildren: new Int32Array(n),
    rightChildren: new Int32Array(n),
    parents: new Int32Array(n),
    splitIndices: new Int32Array(n),
    splitConditions: new Float64Array(n),
    defaultLeft: new Uint8Array(n),
    baseWeights: new Float64Array(n),
    lossChanges: new Float64Array(n),
    sumHessian: new Float64Array(n),
  };
  out.parents[0] = 2147483647;
  order.forEach((i, k) => {
    const left = tree.leftChildren[i]!;
    out.leftChildren[k] = left === -1 ? -1 : newId.get(left)!;
    out.rightChildren[k] = left === -1 ? -1 : newId.get(tree.rightChildren[i]!)!;
    if (left !== -1) {
      out.parents[out.leftChildren[k]!] = k;
      out.parents[out.rightChildren[k]!] = k;
    }
    out.splitIndices[k] = tree.splitIndices[i]!;
    out.splitConditions[k] = tree.splitConditions[i]!;
    out.defaultLeft[k] = tree.defaultLeft[i]!;
    out.baseWeights[k] = tree.baseWeights[i]!;
    out.lossChanges[k] = tree.lossChanges[i]!;
    out.sumHessian[k] = tree.sumHessian[i]!;
  });
  return out;
}
