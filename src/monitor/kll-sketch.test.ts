import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../core/random.js';
import { KllSketch, ksDistance, robustDistance } from './kll-sketch.js';

describe('KllSketch', () => {
  it('is exact, in one level, below k values', () => {
    const s = new KllSketch();
    for (const v of [6, 10, 13, 15, 18, 22]) s.update(v);
    assert.deepEqual(s.toLevels(), [[6, 10, 13, 15, 18, 22]]);
    assert.equal(s.count, 6);
    assert.equal(s.weightBelow(13), 2);
    assert.equal(s.weightBelow(13, true), 3);
    assert.equal(s.rankErrorBound, 0);
  });

  it('keeps ranks within its error bound on a million values, in bounded space', () => {
    const r = createRandom(1);
    const s = new KllSketch();
    const values = new Float64Array(1_000_000);
    for (let i = 0; i < values.length; i++) {
      values[i] = r.next() * 100;
      s.update(values[i]!);
    }
    const sorted = values.slice().sort();
    const stored = s.toLevels().reduce((t, l) => t + l.length, 0);
    assert.ok(stored < 8000, `stored ${stored}`);
    assert.equal(s.count, 1_000_000);
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99]) {
      const x = sorted[Math.floor(q * sorted.length)]!;
      const rankError = Math.abs(s.weightBelow(x) / s.count - q);
      assert.ok(rankError < 0.005, `q=${q}: rank error ${rankError}`);
    }
    assert.ok(s.rankErrorBound > 0 && s.rankErrorBound < 0.005);
  });

  it('merges: two halves give the distribution of the whole', () => {
    const r = createRandom(2);
    const a = new KllSketch();
    const b = new KllSketch();
    const whole = new KllSketch();
    for (let i = 0; i < 200_000; i++) {
      const v = i % 2 === 0 ? r.next() : 1 + r.next();
      (i % 2 === 0 ? a : b).update(v);
      whole.update(v);
    }
    a.merge(b);
    assert.equal(a.count, 200_000);
    assert.ok(ksDistance(a, whole) < 0.01);
    assert.ok(Math.abs(a.quantile(0.5) - 1) < 0.02);
  });

  it('round-trips through statistics.json levels', () => {
    const s = new KllSketch();
    for (let i = 0; i < 10_000; i++) s.update(i);
    const back = KllSketch.fromLevels(s.toLevels());
    assert.equal(back.count, s.count);
    assert.equal(ksDistance(back, s), 0);
  });
});

describe('drift distances (reference worked example)', () => {
  it('Simple = 0.5 and Robust = 0 for B={1,2,2,3,4,5,6,8}, C={4,5,6,6,7,8,9,9}', () => {
    const b = new KllSketch();
    const c = new KllSketch();
    [1, 2, 2, 3, 4, 5, 6, 8].forEach((v) => b.update(v));
    [4, 5, 6, 6, 7, 8, 9, 9].forEach((v) => c.update(v));
    assert.equal(ksDistance(b, c), 0.5);
    assert.equal(robustDistance(0.5, 8, 8), 0);
    assert.ok(Math.abs(robustDistance(0.5, 600_000, 7_000) - (0.5 - 1.8 * Math.sqrt(607_000 / 4.2e9))) < 1e-12);
  });
});
