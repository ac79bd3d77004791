import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../core/random.js';
import { binTrainingData } from './bin-training-data.js';
import { binMatrix } from './binned-matrix.js';
import { computeCuts } from './quantile-cuts.js';

describe('binTrainingData', () => {
  it('gives the same cuts and bins as computeCuts + binMatrix (negative, zero, repeated and missing values)', () => {
    const rows = 5_000;
    const cols = 4;
    const r = createRandom(5);
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      data[i * cols] = (r.next() - 0.5) * 1e3; // continuous, both signs: more distinct values than bins
      data[i * cols + 1] = r.next() < 0.1 ? NaN : Math.floor(r.next() * 7) - 3; // few values, missing ones
      data[i * cols + 2] = r.next() < 0.5 ? -0 : 0; // signed zeros
      data[i * cols + 3] = i % 2 === 0 ? 1e-30 : -1e30;
    }
    for (const maxBin of [256, 16]) {
      const { cuts, matrix } = binTrainingData(data, rows, cols, maxBin);
      const expectedCuts = computeCuts(data, rows, cols, maxBin);
      assert.deepEqual(cuts, expectedCuts);
      const expected = binMatrix(data, rows, cols, expectedCuts);
      assert.deepEqual(matrix.missing, expected.missing);
      assert.deepEqual(Array.from(matrix.bins), Array.from(expected.bins));
      assert.deepEqual(Array.from(matrix.byRow), Array.from(expected.byRow));
      assert.equal(matrix.bins.constructor, expected.bins.constructor);
    }
  });

  it('widens to Uint16 when a later feature needs it, keeping the bins already assigned', () => {
    const rows = 3_000;
    const data = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      data[2 * i] = i % 5; // 5 bins
      data[2 * i + 1] = i * 0.25; // 1000 bins with max_bin 1000
    }
    const { cuts, matrix } = binTrainingData(data, rows, 2, 1000);
    assert.ok(matrix.bins instanceof Uint16Array);
    const expected = binMatrix(data, rows, 2, computeCuts(data, rows, 2, 1000));
    assert.deepEqual(cuts, computeCuts(data, rows, 2, 1000));
    assert.deepEqual(Array.from(matrix.bins), Array.from(expected.bins));
  });

  it('stores bins as Uint8 when 256 bins and no missing values fit, Uint16 otherwise', () => {
    const rows = 2_000;
    const continuous = Float64Array.from({ length: rows }, (_, i) => i * 1.5);
    assert.ok(binTrainingData(continuous, rows, 1, 256).matrix.bins instanceof Uint8Array);
    const withMissing = continuous.map((v, i) => (i === 7 ? NaN : v));
    assert.ok(binTrainingData(withMissing, rows, 1, 256).matrix.bins instanceof Uint16Array);
    assert.ok(binTrainingData(withMissing, rows, 1, 254).matrix.bins instanceof Uint8Array); // 254 bins, above-last-cut 254, missing 255
  });
});
