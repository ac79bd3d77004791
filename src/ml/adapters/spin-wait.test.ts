import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { spinUntilAtLeast, spinWhileEqual } from './spin-wait.js';

describe('spin waits', () => {
  it('answer at once when the value has already moved, and give up after their time otherwise', () => {
    const a = new Int32Array(new SharedArrayBuffer(8));
    a[0] = 3;
    assert.equal(spinWhileEqual(a, 0, 2, 0), true);
    assert.equal(spinUntilAtLeast(a, 0, 3, 0), true);
    assert.equal(spinWhileEqual(a, 0, 3, 0), false);
    const t = performance.now();
    assert.equal(spinWhileEqual(a, 0, 3, 2000), false);
    assert.equal(spinUntilAtLeast(a, 0, 4, 2000), false);
    assert.ok(performance.now() - t >= 4, 'each waited its 2 ms');
  });

  it('see another thread change the value while they spin', async () => {
    const a = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(
      `const { workerData: a } = require('node:worker_threads'); const t = performance.now(); while (performance.now() - t < 20); Atomics.store(a, 0, 1); Atomics.store(a, 1, 5);`,
      { eval: true, workerData: a },
    );
    try {
      assert.equal(spinWhileEqual(a, 0, 0, 10_000_000), true);
      assert.equal(Atomics.load(a, 0), 1);
      assert.equal(spinUntilAtLeast(a, 1, 5, 10_000_000), true);
    } finally {
      await worker.terminate();
    }
  });
});
