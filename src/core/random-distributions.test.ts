import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from './random.js';
import { beta, gamma, normal, WeightedSampler } from './random-distributions.js';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('random distributions', () => {
  it('draw with the right first moments', () => {
    const r = createRandom(1);
    const n = 40_000;
    const normals = Array.from({ length: n }, () => normal(r));
    assert.ok(Math.abs(mean(normals)) < 0.02);
    assert.ok(Math.abs(mean(normals.map((x) => x * x)) - 1) < 0.03);
    assert.ok(Math.abs(mean(Array.from({ length: n }, () => gamma(r, 2.5))) - 2.5) < 0.05);
    assert.ok(Math.abs(mean(Array.from({ length: n }, () => gamma(r, 0.5))) - 0.5) < 0.02);
    // 70 · Beta(2.5, 2): the sample's drifted geo_distance, mean 70 · 2.5 / 4.5 ≈ 38.9 km.
    assert.ok(Math.abs(mean(Array.from({ length: n }, () => 70 * beta(r, 2.5, 2))) - 38.89) < 0.4);
  });

  it('samples indices in proportion to weights, never a zero weight', () => {
    const r = createRandom(9);
    const s = new WeightedSampler([2, 1, 0, 2, 5, 2, 1]);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 26_000; i++) counts[s.sample(r)]++;
    assert.equal(counts[2], 0);
    assert.ok(Math.abs(counts[4] / 26_000 - 5 / 13) < 0.015);
    assert.throws(() => new WeightedSampler([0, 0]), RangeError);
  });

  it('core random is deterministic per seed', () => {
    const a = createRandom(5);
    const b = createRandom(5);
    assert.deepEqual([a.next(), a.next(), a.int(10)], [b.next(), b.next(), b.int(10)]);
    const c = createRandom(6);
    assert.notEqual(createRandom(5).next(), c.next());
  });
});
