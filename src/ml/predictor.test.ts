import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../core/errors.js';
import { createRandom } from '../core/random.js';
import { nextFloat32Down, randomModel, randomRows, referenceMargin, stump, thresholdRows, treeFromNodes } from '../../test/ml-support/tree-fixtures.js';
import { baseMarginOf } from './objective-link.js';
import { Predictor } from './predictor.js';
import type { GbdtModel, Objective, Tree } from './types.js';
import { DELETED_SPLIT_INDEX } from './validate-tree.js';

const model = (trees: Tree[], extra: Partial<GbdtModel> = {}): GbdtModel => ({ objective: 'reg:squarederror', baseScore: 0.5, numFeature: 1, trees, ...extra });
const TENTH = Math.fround(0.1);
const sigmoid = (m: number): number => Math.fround(1 / (1 + Math.exp(-m)));

describe('Predictor', () => {
  it('compares in float32 and sends missing values to the default side', () => {
    const left = new Predictor(model([stump(0, TENTH, 0.25, -0.5, true)]));
    assert.equal(left.predictRow([0.05]), 0.75);
    assert.equal(left.predictRow([0.1]), 0, '0.1 rounds to the float32 threshold: not below it, so right');
    assert.equal(left.predictRow([nextFloat32Down(TENTH)]), 0.75);
    assert.equal(left.predictRow([TENTH - 1e-12]), 0, 'below in float64, equal in float32');
    assert.equal(left.predictRow([Number.NaN]), 0.75);
    assert.equal(left.predictRow([-Infinity]), 0.75);
    const right = new Predictor(model([stump(0, TENTH, 0.25, -0.5, false)]));
    assert.equal(right.predictRow([Number.NaN]), 0);
    assert.equal(right.predictRow([0.05]), 0.75);
  });

  it('applies each objective base margin and output transform', () => {
    const cases: [Objective, number, number, number][] = [
      // objective, baseScore, margin of x < 0.5 (leaf +0.5), expected prediction
      ['reg:squarederror', 0.5, 1, 1],
      ['reg:absoluteerror', 2, 2.5, 2.5],
      ['reg:pseudohubererror', -1, -0.5, -0.5],
      ['binary:logistic', 0.5, 0.5, sigmoid(0.5)],
      ['binary:logistic', 0.2, Math.fround(Math.fround(Math.log(0.25)) + 0.5), sigmoid(Math.fround(Math.fround(Math.log(0.25)) + 0.5))],
      ['count:poisson', 1, 0.5, Math.fround(Math.exp(0.5))],
      ['count:poisson', 4, Math.fround(Math.fround(Math.log(4)) + 0.5), Math.fround(Math.exp(Math.fround(Math.fround(Math.log(4)) + 0.5)))],
    ];
    for (const [objective, baseScore, margin, prediction] of cases) {
      const p = new Predictor(model([stump(0, 0.5, 0.5, -1, true)], { objective, baseScore }));
      assert.equal(p.predictMarginRow([0.25]), margin, objective);
      assert.equal(p.predictRow([0.25]), prediction, objective);
    }
    assert.ok(Math.abs(sigmoid(0.5) - 0.6224593) < 1e-7);
    assert.ok(Math.abs(new Predictor(model([], { objective: 'binary:logistic', baseScore: 0.2 })).predictRow([0]) - 0.2) < 1e-7);
  });

  it('walks uneven trees with any node numbering and ignores unreachable (deleted) nodes', () => {
    const tree = treeFromNodes([
      { feature: 1, threshold: 0.5, yes: 3, no: 1, missingLeft: false },
      { leaf: 2 },
      { leaf: 3 },
      { feature: 0, threshold: 0.25, yes: 4, no: 2, missingLeft: true },
      { leaf: 1 },
      { leaf: 100 },
    ]);
    (tree.splitIndices as Int32Array)[5] = DELETED_SPLIT_INDEX;
    (tree.defaultLeft as Uint8Array)[5] = 1;
    const p = new Predictor(model([tree], { numFeature: 2, baseScore: 0 }));
    assert.deepEqual(
      [
        [0.1, 0.2],
        [0.3, 0.2],
        [Number.NaN, Number.NaN],
        [Number.NaN, 0.2],
        [0.1, 0.9],
      ].map((r) => p.predictRow(r)),
      [1, 3, 2, 1, 2],
    );
  });

  it('uses trees up to bestIteration only', () => {
    const trees = [stump(0, 0.5, 1, -1, true), stump(0, 0.5, 10, -10, true)];
    assert.equal(new Predictor(model(trees)).predictRow([0]), 11.5);
    assert.equal(new Predictor(model(trees, { bestIteration: 1 })).predictRow([0]), 11.5);
    const first = new Predictor(model(trees, { bestIteration: 0 }));
    assert.equal(first.treeCount, 1);
    assert.equal(first.predictRow([0]), 1.5);
  });

  it('predicts row-major batches, into a given buffer, ignoring extra columns', () => {
    const p = new Predictor(model([stump(0, 0.5, 1, -1, false)], { objective: 'count:poisson', baseScore: 1 }));
    const data = Float64Array.from([0.1, 99, 0.9, 99, Number.NaN, 99]);
    const out = new Float64Array(4).fill(-7);
    assert.equal(p.predictBatch(data, 3, 2, out), out);
    assert.deepEqual([...out], [Math.fround(Math.E), Math.fround(Math.exp(-1)), Math.fround(Math.exp(-1)), -7]);
    assert.deepEqual([...p.predictMarginBatch(data, 3, 2)], [1, -1, -1]);
    assert.deepEqual([...p.predictBatch(new Float64Array(0), 0, 2)], []);
  });

  it('gives the same margins as a direct tree walk, row by row and in batch, for 100 trees of depth 9', () => {
    const random = createRandom(9);
    const m = randomModel(random, { objective: 'binary:logistic', numTrees: 100, depth: 9, numFeature: 30, leafScale: 0.05, bestIteration: 97 });
    const rows = 300;
    const data = new Float64Array(rows * 30);
    data.set(randomRows(random, rows / 2, 30, 0.1));
    data.set(thresholdRows(random, m, rows / 2), (rows / 2) * 30);
    const p = new Predictor(m);
    const batch = p.predictBatch(data, rows, 30);
    const margins = p.predictMarginBatch(data, rows, 30);
    const base = baseMarginOf(m.objective, m.baseScore);
    for (let r = 0; r < rows; r++) {
      const row = data.subarray(r * 30, (r + 1) * 30);
      assert.equal(p.predictRow(row), batch[r], `row ${r}`);
      assert.equal(p.predictRow(Array.from(row)), batch[r], `row ${r} as an array`);
      assert.equal(margins[r], referenceMargin(m, base, row), `row ${r} margin`);
    }
    assert.ok(new Set(batch).size > rows / 2, 'rows end in different leaves');
  });

  it('rejects short rows, bad batches, an out-of-range bestIteration and malformed trees', () => {
    const p = new Predictor(model([stump(1, 0.5, 1, -1, true)], { numFeature: 2 }));
    assert.throws(() => p.predictRow([1]), InvalidArgumentError);
    assert.throws(() => p.predictBatch(new Float64Array(4), 2, 1), /1 columns, the model needs 2/);
    assert.throws(() => p.predictBatch(new Float64Array(3), 2, 2), /3 values, expected 2 x 2/);
    assert.throws(() => p.predictBatch(new Float64Array(4), 2, 2, new Float64Array(1)), /1 slots for 2 rows/);
    assert.throws(() => p.predictBatch(new Float64Array(4), 1.5, 2), InvalidArgumentError);
    assert.throws(() => new Predictor(model([stump(0, 0.5, 1, -1, true)], { bestIteration: 1 })), /bestIteration 1 is outside \[0, 1\)/);
    assert.throws(() => new Predictor(model([stump(3, 0.5, 1, -1, true)])), /tree 0: node 0 splits on feature 3/);
    const loop = treeFromNodes([
      { feature: 0, threshold: 0.5, yes: 1, no: 2, missingLeft: true },
      { feature: 0, threshold: 0.2, yes: 1, no: 2, missingLeft: true },
      { leaf: 1 },
    ]);
    assert.throws(() => new Predictor(model([loop])), /reached twice/);
    const outside = treeFromNodes([{ leaf: 0 }]);
    assert.throws(() => new Predictor(model([{ ...outside, leftChildren: Int32Array.of(5), rightChildren: Int32Array.of(6) }])), /child index 5 outside/);
    assert.throws(() => new Predictor(model([], { objective: 'binary:logistic', baseScore: 1 })), /must be in \(0, 1\)/);
    assert.throws(() => new Predictor(model([], { objective: 'count:poisson', baseScore: 0 })), /must be positive/);
  });
});
