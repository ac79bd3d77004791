import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandOffPolicy } from './hand-off-policy.js';

/** The decisions for trees of 10 ms whose wake-ups took these times (ms); the first tree has no previous one. */
function decisions(wakeMs: readonly number[], settings = { wakeShare: 0.1, strikes: 2, pause: 3 }): boolean[] {
  const policy = new HandOffPolicy(settings);
  return [policy.nextTree(undefined, 0), ...wakeMs.map((w) => policy.nextTree(10, w))];
}

describe('HandOffPolicy', () => {
  it('hands off while wake-ups stay cheap, and after a single costly tree', () => {
    assert.deepEqual(decisions([0.1, 0.2, 3, 0.1, 3, 0.5]), [true, true, true, true, true, true, true]);
  });

  it('runs trees here after two costly trees in a row, then tries handing off again', () => {
    // Trees 0 and 1 cost (two strikes), trees 2-4 run here, tree 5 hands off again.
    assert.deepEqual(decisions([3, 3, 0, 0, 0, 0.1, 0.1]), [true, true, false, false, false, true, true, true]);
    const policy = new HandOffPolicy({ wakeShare: 0.1, strikes: 2, pause: 3 });
    for (const w of [undefined, 3, 3, 0, 0, 0]) policy.nextTree(w === undefined ? undefined : 10, w ?? 0);
    assert.equal(policy.treesHere, 3);
  });

  it('pauses again when handing off still costs', () => {
    assert.deepEqual(decisions([3, 3, 0, 0, 0, 3, 3, 0]), [true, true, false, false, false, true, true, false, false]);
  });
});
