import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leafWeight, nodeGain, thresholdL1 } from './split-math.js';

const base = { lambda: 1, alpha: 0, minChildWeight: 1, gamma: 0, maxDeltaStep: 0 };

describe('split maths (hand-computed)', () => {
  it('soft-thresholds the gradient by alpha', () => {
    assert.equal(thresholdL1(5, 2), 3);
    assert.equal(thresholdL1(-5, 2), -3);
    assert.equal(thresholdL1(1.5, 2), 0);
  });

  it('computes the leaf weight -T(G)/(H+lambda), zero under min_child_weight, clipped by max_delta_step', () => {
    assert.equal(leafWeight(-12, 5, base), 2); // 12 / (5 + 1)
    assert.equal(leafWeight(-12, 5, { ...base, alpha: 3 }), 1.5); // (12 - 3) / 6
    assert.equal(leafWeight(-12, 5, { ...base, lambda: 0 }), 2.4);
    assert.equal(leafWeight(-12, 0.5, base), 0); // H < min_child_weight
    assert.equal(leafWeight(-12, 5, { ...base, maxDeltaStep: 0.7 }), 0.7);
  });

  it('computes the structure score T(G)^2/(H+lambda), and its clipped form', () => {
    assert.equal(nodeGain(-12, 5, base), 24); // 144 / 6
    assert.equal(nodeGain(-12, 5, { ...base, alpha: 3 }), 13.5); // 81 / 6
    // Clipped weight w = 0.7: -(2·G·w + (H+λ)·w²) = -(2·(-12)·0.7 + 6·0.49) = 16.8 - 2.94
    assert.ok(Math.abs(nodeGain(-12, 5, { ...base, maxDeltaStep: 0.7 }) - 13.86) < 1e-12);
    // Without clipping both forms agree, alpha included.
    const p = { ...base, alpha: 3, maxDeltaStep: 100 };
    assert.ok(Math.abs(nodeGain(-12, 5, p) - 13.5) < 1e-12);
  });
});
