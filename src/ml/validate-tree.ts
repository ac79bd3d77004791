import { InvalidArgumentError } from '../core/errors.js';
import type { Tree } from './types.js';

/** XGBoost's split index of a deleted node (pruned trees keep them as unreachable leaves). */
export const DELETED_SPLIT_INDEX = 0x7fffffff;

/**
 * Checks that `tree` (number `index` of its model) is a well-formed tree over `numFeature` features:
 * equal array lengths, a leaf has both children -1, a split has two children in range and a feature
 * below `numFeature`, no node is reached twice from the root (so no cycles), no NaN value.
 * Unreachable nodes (XGBoost's deleted nodes) are allowed. Throws InvalidArgumentError.
 */
export function validateTree(tree: Tree, numFeature: number, index: number): void {
  const n = tree.leftChildren.length;
  const where = `tree ${index}`;
  if (n === 0) throw new InvalidArgumentError(`${where} has no nodes`);
  const arrays: [string, ArrayLike<number>][] = [
    ['rightChildren', tree.rightChildren],
    ['parents', tree.parents],
    ['splitIndices', tree.splitIndices],
    ['splitConditions', tree.splitConditions],
    ['defaultLeft', tree.defaultLeft],
    ['baseWeights', tree.baseWeights],
    ['lossChanges', tree.lossChanges],
    ['sumHessian', tree.sumHessian],
  ];
  for (const [name, a] of arrays) {
    if (a.length !== n) throw new InvalidArgumentError(`${where}: ${name} has ${a.length} entries, expected ${n}`);
  }
  const seen = new Uint8Array(n);
  const stack = [0];
  seen[0] = 1;
  while (stack.length > 0) {
    const i = stack.pop()!;
    const left = tree.leftChildren[i]!;
    const right = tree.rightChildren[i]!;
    if (Number.isNaN(tree.splitConditions[i])) throw new InvalidArgumentError(`${where}: node ${i} has a NaN split condition`);
    if (left === -1) {
      if (right !== -1) throw new InvalidArgumentError(`${where}: node ${i} has a right child but no left one`);
      continue;
    }
    const feature = tree.splitIndices[i]!;
    if (feature < 0 || feature >= numFeature) {
      throw new InvalidArgumentError(`${where}: node ${i} splits on feature ${feature}, outside [0, ${numFeature})`);
    }
    for (const child of [left, right]) {
      if (!Number.isInteger(child) || child <= 0 || child >= n) {
        throw new InvalidArgumentError(`${where}: node ${i} has child index ${child} outside [1, ${n})`);
      }
      if (seen[child] === 1) throw new InvalidArgumentError(`${where}: node ${child} is reached twice (not a tree)`);
      seen[child] = 1;
      stack.push(child);
    }
  }
}
