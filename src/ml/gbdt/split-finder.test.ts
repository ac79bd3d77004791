import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureCuts } from './quantile-cuts.js';
import { findBestSplit } from './split-finder.js';

const params = { lambda: 1, alpha: 0, minChildWeight: 0, gamma: 0, maxDeltaStep: 0 };
// One feature, three bins with cut values 10, 20, 30 (bin 0: v < 10, bin 1: 10 <= v < 20, bin 2: 20 <= v < 30).
const cuts: FeatureCuts = { values: Float64Array.of(10, 20, 30), offsets: Int32Array.of(0, 3), minValues: Float64Array.of(5) };
const hist = (...gh: number[]) => Float64Array.from(gh);
const gain = (g: number, h: number) => (g * g) / (h + 1);

describe('findBestSplit (hand-computed cases)', () => {
  it('picks the cut with the largest loss reduction, missing values going right by default', () => {
    // Bins: (G,H) = (-6,2), (-4,2), (8,2); no missing. Parent (-2, 6).
    const h = hist(-6, 2, -4, 2, 8, 2);
    const split = findBestSplit(h, cuts, Int32Array.of(0), -2, 6, params)!;
    const expected = gain(-10, 4) + gain(8, 2) - gain(-2, 6); // 20 + 21.333 - 0.571
    assert.equal(split.bin, 1);
    assert.equal(split.threshold, 20);
    assert.equal(split.defaultLeft, false);
    assert.ok(Math.abs(split.gain - expected) < 1e-12);
    assert.deepEqual([split.leftG, split.leftH, split.rightG, split.rightH], [-10, 4, 8, 2]);
  });

  it('learns to send missing values left when that is better', () => {
    // Non-missing bins (-6,2), (4,2), (4,2); the node also holds missing rows with (-6, 2): parent (-4, 8).
    const h = hist(-6, 2, 4, 2, 4, 2);
    const split = findBestSplit(h, cuts, Int32Array.of(0), -4, 8, params)!;
    // Best: bin 0 plus the missing rows left (-12, 4), bins 1-2 right (8, 4).
    assert.equal(split.defaultLeft, true);
    assert.equal(split.bin, 0);
    assert.ok(Math.abs(split.gain - (gain(-12, 4) + gain(8, 4) - gain(-4, 8))) < 1e-12);
  });

  it('separates missing from non-missing rows, keeping the forward (default right) split on a tie', () => {
    // Non-missing rows alike in every bin (1,1) x3; missing rows (-9, 3). Parent (-6, 6).
    const h = hist(1, 1, 1, 1, 1, 1);
    const split = findBestSplit(h, cuts, Int32Array.of(0), -6, 6, params)!;
    assert.equal(split.bin, 2); // every non-missing value goes left (x < 30) ...
    assert.equal(split.defaultLeft, false); // ... and the missing ones right
    assert.ok(Math.abs(split.gain - (gain(3, 3) + gain(-9, 3) - gain(-6, 6))) < 1e-12);
  });

  it('rejects splits below gamma and children lighter than min_child_weight', () => {
    const h = hist(-6, 2, -4, 2, 8, 2);
    const best = findBestSplit(h, cuts, Int32Array.of(0), -2, 6, params)!;
    assert.equal(findBestSplit(h, cuts, Int32Array.of(0), -2, 6, { ...params, gamma: best.gain + 0.01 }), undefined);
    assert.ok(findBestSplit(h, cuts, Int32Array.of(0), -2, 6, { ...params, gamma: best.gain - 0.01 }));
    // min_child_weight 3 forbids every split (each side would have H = 2 or 4 vs 2).
    const heavy = findBestSplit(h, cuts, Int32Array.of(0), -2, 6, { ...params, minChildWeight: 3 })!;
    assert.ok(heavy === undefined || (heavy.leftH >= 3 && heavy.rightH >= 3));
  });

  it('shrinks the gain with lambda', () => {
    const h = hist(-6, 2, -4, 2, 8, 2);
    const a = findBestSplit(h, cuts, Int32Array.of(0), -2, 6, params)!;
    const b = findBestSplit(h, cuts, Int32Array.of(0), -2, 6, { ...params, lambda: 10 })!;
    assert.ok(b.gain < a.gain);
  });
});
