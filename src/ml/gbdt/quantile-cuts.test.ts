import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binMatrix } from './binned-matrix.js';
import { binOf, computeCuts } from './quantile-cuts.js';

describe('quantile cuts and binning', () => {
  it('gives each distinct value its own bin when there are at most max_bin of them', () => {
    const data = Float64Array.of(3, 1, 2, 2, NaN, 1);
    const cuts = computeCuts(data, 6, 1, 256);
    assert.deepEqual([...cuts.values.subarray(0, 2)], [2, 3]);
    assert.equal(cuts.values.length, 3);
    assert.ok(cuts.values[2]! > 3);
    assert.equal(cuts.minValues[0], 1);
    const m = binMatrix(data, 6, 1, cuts);
    assert.deepEqual([...m.bins], [2, 0, 1, 1, m.missing[0], 0]);
  });

  it('caps the bins at max_bin with cuts at evenly spaced ranks', () => {
    const rows = 10_000;
    const data = Float64Array.from({ length: rows }, (_, i) => i);
    const cuts = computeCuts(data, rows, 1, 16);
    assert.ok(cuts.values.length <= 16);
    const m = binMatrix(data, rows, 1, cuts);
    const counts = new Array(cuts.values.length).fill(0);
    for (const b of m.bins) counts[b]++;
    assert.ok(
      counts.every((c) => Math.abs(c - rows / 16) <= rows / 16 + 1),
      counts.join(','),
    );
  });

  it('compares in float32 like XGBoost: a value just below a cut in float64 but equal in float32 is not below it', () => {
    const values = Float64Array.of(Math.fround(0.1), 1);
    assert.equal(binOf(values, 0, 2, 0.1), 1); // fround(0.1) is not < fround(0.1)
    assert.equal(binOf(values, 0, 2, 0.09), 0);
    assert.equal(binOf(values, 0, 2, 5), 2); // above every cut
  });
});
