import type { BinnedMatrix } from './binned-matrix.js';
import { TREE_INTS, type ShardPlan } from './shard-plan.js';

/**
 * The validation rows that the FINISH operation (see `ShardPlan`) walks each new tree over, a part
 * per row shard: their row-major bins, labels and two margin arrays (a tree reads one and writes the
 * other when operations may run again, else one in place). On SharedArrayBuffers when workers use them.
 */
export interface ValidationRows {
  readonly byRow: Uint8Array | Uint16Array;
  readonly rows: number;
  readonly cols: number;
  readonly label: Float64Array;
  readonly margins: readonly [Float64Array, Float64Array];
}

/** The validation rows of `matrix` (binned with the training cuts), every margin at `baseMargin`. */
export function validationRows(matrix: BinnedMatrix, label: Float64Array, baseMargin: number, shared: boolean): ValidationRows {
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const { rows, cols } = matrix;
  const byRow = matrix.byRow instanceof Uint8Array ? new Uint8Array(buffer(rows * cols)) : new Uint16Array(buffer(2 * rows * cols));
  byRow.set(matrix.byRow);
  const labels = new Float64Array(buffer(8 * rows));
  labels.set(label);
  const margins: [Float64Array, Float64Array] = [new Float64Array(buffer(8 * rows)).fill(baseMargin), new Float64Array(buffer(8 * rows))];
  return { byRow, rows, cols, label: labels, margins };
}

/** The first validation row of shard k of `shards` (k = shards: the row count). */
export function validationShardStart(rows: number, shards: number, k: number): number {
  return Math.floor((rows * k) / shards);
}

/**
 * Walks the plan's tree (see `ShardPlan.setTree`) over validation rows `begin..end-1` on their bins:
 * `to[r] = from[r]` plus the value of the row's leaf (`to` may be `from`).
 */
export function walkTree(plan: ShardPlan, v: ValidationRows, missing: Int32Array, from: Float64Array, to: Float64Array, begin: number, end: number): void {
  const I = plan.ints;
  const F = plan.floats;
  const root = plan.treeNode(0);
  const leaves = plan.leafValue(0);
  const { byRow, cols } = v;
  for (let r = begin; r < end; r++) {
    let node = 0;
    let at = root;
    const row = r * cols;
    while (I[at] !== -1) {
      const f = I[at + 2]!;
      const b = byRow[row + f]!;
      const goLeft = b === missing[f] ? I[at + 4] === 1 : b <= I[at + 3]!;
      node = goLeft ? I[at]! : I[at + 1]!;
      at = root + node * TREE_INTS;
    }
    to[r] = from[r]! + F[leaves + node]!;
  }
}
