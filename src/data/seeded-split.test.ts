import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../core/random.js';
import { seededSplit } from './seeded-split.js';

describe('seededSplit', () => {
  it('cuts 80/19/1 and covers every row exactly once', () => {
    const s = seededSplit(1000, createRandom(42));
    assert.equal(s.train.length, 800);
    assert.equal(s.validation.length, 190);
    assert.equal(s.test.length, 10);
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  it('is the same for the same seed and different for another', () => {
    const a = seededSplit(500, createRandom(7));
    const b = seededSplit(500, createRandom(7));
    const c = seededSplit(500, createRandom(8));
    assert.deepEqual([...a.train], [...b.train]);
    assert.notDeepEqual([...a.train], [...c.train]);
  });
});
