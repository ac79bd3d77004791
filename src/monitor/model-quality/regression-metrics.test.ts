import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../core/random.js';
import { javaDouble } from './java-double.js';
import { MIN_ROWS_FOR_STD, regressionMetrics, regressionValues, sampleStd } from './regression-metrics.js';

/** Exact reference for integer data: sums in BigInt, one division at the end. */
function exactReference(y: readonly number[], p: readonly number[]): { mae: number; mse: number; r2: number } {
  const n = BigInt(y.length);
  let abs = 0n;
  let sq = 0n;
  let sumY = 0n;
  for (let i = 0; i < y.length; i++) {
    const e = BigInt(y[i]! - p[i]!);
    abs += e < 0n ? -e : e;
    sq += e * e;
    sumY += BigInt(y[i]!);
  }
  // Σ(y - ȳ)² = Σy² - (Σy)²/n, times n to stay in integers.
  let sumY2 = 0n;
  for (const v of y) sumY2 += BigInt(v) * BigInt(v);
  const ssTotTimesN = sumY2 * n - sumY * sumY;
  return { mae: Number(abs) / Number(n), mse: Number(sq) / Number(n), r2: 1 - Number(sq * n) / Number(ssTotTimesN) };
}

describe('regressionValues', () => {
  it('reproduces the reference example (sagemaker-reference §13.4) to the last digit', () => {
    const v = regressionValues([3.0, 5.0, 2.5, 7.0, 4.0], [2.5, 5.0, 4.0, 8.0, 4.5]);
    assert.equal(v.mae, 0.7);
    assert.equal(v.mse, 0.75);
    assert.equal(v.rmse, 0.8660254037844386);
    assert.equal(v.r2, 0.70703125);
  });

  it('matches hand-computed values', () => {
    // e = [-1.5, 0, -1.5, -1, -0.5]: Σ|e| = 4.5, Σe² = 5.75; ȳ = 4.3, Σ(y-ȳ)² = 12.8.
    const v = regressionValues([3, 5, 2.5, 7, 4], [4.5, 5, 4, 8, 4.5]);
    assert.equal(v.mae, 0.9);
    assert.equal(v.mse, 1.15);
    assert.equal(v.rmse, Math.sqrt(1.15));
    assert.equal(v.r2, 1 - 5.75 / 12.8);
  });

  it('matches an exact integer reference on random data', () => {
    const random = createRandom(7);
    for (let trial = 0; trial < 50; trial++) {
      const n = 2 + random.int(500);
      const y = Array.from({ length: n }, () => random.int(200) - 50);
      const p = Array.from({ length: n }, (_, i) => y[i]! + random.int(21) - 10);
      if (new Set(y).size === 1) continue;
      const v = regressionValues(y, p);
      const ref = exactReference(y, p);
      assert.ok(Math.abs(v.mae - ref.mae) <= 1e-12 * Math.max(1, ref.mae), `mae ${v.mae} vs ${ref.mae}`);
      assert.ok(Math.abs(v.mse - ref.mse) <= 1e-12 * Math.max(1, ref.mse), `mse ${v.mse} vs ${ref.mse}`);
      assert.equal(v.rmse, Math.sqrt(v.mse));
      assert.ok(Math.abs(v.r2 - ref.r2) <= 1e-9, `r2 ${v.r2} vs ${ref.r2}`);
    }
  });

  it('computes r2 with the mean of the ground truth, and lets it go negative', () => {
    // Swapping the attributes changes r2 only (the SDK integ test's swapped names, §13.4).
    const y = [1, 2, 3, 4];
    const p = [4, 3, 2, 1];
    const v = regressionValues(y, p);
    assert.equal(v.r2, 1 - 20 / 5);
    assert.ok(v.r2 < 0);
    assert.equal(regressionValues([1, 1, 1, 2], [1, 2, 3, 4]).r2, 1 - 9 / 0.75);
  });

  it('gives a non-finite r2 when every label is equal', () => {
    assert.equal(regressionValues([2, 2], [1, 3]).r2, -Infinity);
    assert.ok(Number.isNaN(regressionValues([2, 2], [2, 2]).r2));
  });

  it('reads a subset of rows when given one', () => {
    const y = [1, 10, 2, 20, 3];
    const p = [1.5, 0, 2.5, 0, 3.5];
    assert.deepEqual(regressionValues(y, p, [0, 2, 4]), regressionValues([1, 2, 3], [1.5, 2.5, 3.5]));
  });
});

describe('regressionMetrics standard deviations', () => {
  const data = (n: number, seed = 1) => {
    const random = createRandom(seed);
    const y = Array.from({ length: n }, () => random.next() * 30);
    const p = y.map((v) => v + (random.next() - 0.5) * 6);
    return { y, p };
  };

  it('are NaN below 200 rows (the service writes "NaN")', () => {
    const { y, p } = data(MIN_ROWS_FOR_STD - 1);
    const m = regressionMetrics(y, p);
    for (const k of ['mae', 'mse', 'rmse', 'r2'] as const) assert.ok(Number.isNaN(m[k].standardDeviation));
    assert.equal(m.rmse.value, regressionValues(y, p).rmse);
  });

  it('are finite from 200 rows, seeded: the same seed gives the same numbers, another seed others', () => {
    const { y, p } = data(MIN_ROWS_FOR_STD);
    const a = regressionMetrics(y, p);
    const b = regressionMetrics(y, p);
    const c = regressionMetrics(y, p, { seed: 7 });
    for (const k of ['mae', 'mse', 'rmse', 'r2'] as const) {
      assert.ok(Number.isFinite(a[k].standardDeviation) && a[k].standardDeviation > 0, k);
      assert.equal(a[k].standardDeviation, b[k].standardDeviation);
      assert.notEqual(a[k].standardDeviation, c[k].standardDeviation);
    }
  });

  it('are small against the value and shrink with more rows (80% subsamples)', () => {
    const small = regressionMetrics(data(400).y, data(400).p);
    const { y, p } = data(40_000);
    const large = regressionMetrics(y, p);
    assert.ok(small.rmse.standardDeviation < 0.1 * small.rmse.value);
    assert.ok(large.rmse.standardDeviation < small.rmse.standardDeviation);
  });

  it('are 0 for an error every subsample sees alike', () => {
    const y = Array.from({ length: 300 }, (_, i) => i);
    const p = y.map((v) => v + 2);
    const m = regressionMetrics(y, p);
    assert.equal(m.mae.standardDeviation, 0);
    assert.equal(m.mse.standardDeviation, 0);
    assert.equal(m.rmse.standardDeviation, 0);
  });

  it('sampleStd divides by n - 1', () => {
    assert.equal(sampleStd([1, 2, 3, 4, 5]), Math.sqrt(2.5));
  });
});

describe('javaDouble', () => {
  it("prints doubles as Java's Double.toString", () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [0, '0.0'],
      [-0, '-0.0'],
      [2048, '2048.0'],
      [0.6933333333333334, '0.6933333333333334'],
      [5.092682820403929e-4, '5.092682820403929E-4'],
      [3.8e7, '3.8E7'],
      [1e7, '1.0E7'],
      [9999999, '9999999.0'],
      [0.001, '0.001'],
      [0.0001, '1.0E-4'],
      [-1.5e-10, '-1.5E-10'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
      [Number.MAX_VALUE, '1.7976931348623157E308'],
    ];
    for (const [x, s] of cases) assert.equal(javaDouble(x), s, String(x));
  });
});
