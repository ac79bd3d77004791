import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chiSquaredPValue, upperRegularizedGamma } from './chi-squared.js';
import { lInfinity, psiAndJs } from './distances.js';

describe('categorical distances', () => {
  it('LInfinity follows the reference example (0.3)', () => {
    const b = new Map([
      ['A', 50],
      ['B', 30],
      ['C', 20],
    ]);
    const c = new Map([
      ['A', 20],
      ['B', 30],
      ['C', 40],
      ['D', 10],
    ]);
    assert.ok(Math.abs(lInfinity(b, c) - 0.3) < 1e-12);
  });

  it('ChiSquared gives the textbook p-value: observed 10/20/30 vs uniform -> chi2 = 10, df 2, p = e^-5', () => {
    const b = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    const c = new Map([
      ['a', 10],
      ['b', 20],
      ['c', 30],
    ]);
    const { statistic, pValue } = chiSquaredPValue(b, c);
    assert.ok(Math.abs(statistic - 10) < 1e-12);
    assert.ok(Math.abs(pValue - Math.exp(-5)) < 1e-10, String(pValue));
    assert.ok(Math.abs(upperRegularizedGamma(0.5, 1.92072941) - 0.05) < 1e-6); // chi2(1) at 3.8415 -> p = 0.05
  });

  it('ChiSquared merges small expected counts and gives NaN with one category left', () => {
    const b = new Map([
      ['a', 98],
      ['b', 1],
      ['c', 1],
    ]);
    const c = new Map([
      ['a', 9],
      ['b', 1],
    ]);
    assert.ok(Number.isNaN(chiSquaredPValue(b, c).pValue));
  });

  it('PSI and Jensen-Shannon are 0 for identical histograms and grow with the shift', () => {
    assert.deepEqual(psiAndJs([1, 2, 3], [2, 4, 6]), { psi: 0, jensenShannon: 0 });
    const small = psiAndJs([10, 10, 10], [11, 10, 9]);
    const large = psiAndJs([10, 10, 10], [25, 4, 1]);
    assert.ok(small.psi < large.psi && small.jensenShannon < large.jensenShannon && large.jensenShannon <= 1);
  });
});
