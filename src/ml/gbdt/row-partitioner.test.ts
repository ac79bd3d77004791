import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../core/random.js';
import { binMatrix } from './binned-matrix.js';
import { histogramOffsets } from './histogram-layout.js';
import { KernelMemory } from './kernel-memory.js';
import { computeCuts } from './quantile-cuts.js';
import { RowPartitioner } from './row-partitioner.js';
import { xorshiftJump } from './tree-grower.js';

function setup(wasm: boolean, maxBin: number) {
  const rows = 3_000;
  const r = createRandom(9);
  const data = Float64Array.from({ length: rows * 2 }, () => (r.next() < 0.1 ? NaN : Math.floor(r.next() * 1000)));
  const cuts = computeCuts(data, rows, 2, maxBin);
  const matrix = binMatrix(data, rows, 2, cuts);
  const memory = KernelMemory.create(matrix, 2 * histogramOffsets(cuts)[2]!, false, wasm);
  return { data, cuts, matrix, memory, partitioner: new RowPartitioner(memory, matrix.missing, wasm) };
}

describe('RowPartitioner', () => {
  for (const maxBin of [64, 1000]) {
    it(`partitions stably and writes leaf values the same in WebAssembly and JavaScript (${maxBin <= 254 ? 'Uint8' : 'Uint16'} bins)`, () => {
      const results = [true, false].map((wasm) => {
        const { data, cuts, matrix, memory, partitioner } = setup(wasm, maxBin);
        assert.equal(partitioner.compiled, wasm);
        assert.equal(matrix.bins instanceof Uint8Array, maxBin <= 254);
        const { rowIndex, scratch } = memory;
        const [m0, m1] = memory.margins;
        for (let i = 0; i < rowIndex.length; i++) rowIndex[i] = i;
        for (let i = 0; i < m0.length; i++) m0[i] = i / 8;
        scratch.fill(7);
        // Rows 0..2999: split feature 1 at bin 10 with missing left, over rows [100, 2900).
        const mid = partitioner.partition(1, 10, true, 100, 2900, 50);
        const left = Array.from(rowIndex.subarray(100, mid));
        const right = Array.from(rowIndex.subarray(mid, 2900));
        assert.deepEqual(
          [...left].sort((a, b) => a - b),
          left,
          'left part keeps row order',
        );
        assert.deepEqual(
          [...right].sort((a, b) => a - b),
          right,
          'right part keeps row order',
        );
        const cut = cuts.values[cuts.offsets[1]! + 10]!; // x < cut: bins 0..10
        for (const row of left) assert.ok(Number.isNaN(data[row * 2 + 1]!) || data[row * 2 + 1]! < cut);
        for (const row of right) assert.ok(data[row * 2 + 1]! >= cut);
        assert.deepEqual(
          Array.from(rowIndex.subarray(0, 100)),
          Array.from({ length: 100 }, (_, i) => i),
        );
        // The scratch array is used from the position given only.
        assert.ok(scratch.subarray(0, 50).every((x) => x === 7) && scratch.subarray(2850).every((x) => x === 7));
        // Missing values go right when defaultLeft is false; bin -1: only missing values go left.
        const none = partitioner.partition(1, -1, false, 0, 100, 0);
        assert.equal(none, 0);
        partitioner.setBySplit(1, 10, true, 0, 3000, 2, -1, 0, 1);
        for (const row of left) assert.equal(m1[row], row / 8 + 2);
        for (const row of right) assert.equal(m1[row], row / 8 - 1);
        partitioner.setLeaf(mid, 2900, 0.5, 1, 0);
        for (const row of right) assert.equal(m0[row], row / 8 - 0.5);
        return { mid, order: Array.from(rowIndex), margins: [Array.from(m0), Array.from(m1)] };
      });
      assert.deepEqual(results[0], results[1]);
    });
  }

  it('samples row ranges the same in WebAssembly and JavaScript: sampled rows first, the others after, both ascending', () => {
    const samples = [true, false].map((wasm) => {
      const { memory, partitioner } = setup(wasm, 64);
      const r = createRandom(4);
      for (let i = 0; i < memory.gpair.length; i++) memory.gpair[i] = r.next() - 0.5;
      const k = partitioner.sampleRange(500, 2500, Math.floor(0.8 * 4294967296), 12345, 3, 500);
      const rows = Array.from(memory.rowIndex.subarray(500, 2500));
      // The sampled rows' gradient pair sums, in row order, in the shard's slot.
      let g = 0;
      let h = 0;
      for (const row of rows.slice(0, k)) {
        g += memory.gpair[2 * row]!;
        h += memory.gpair[2 * row + 1]!;
      }
      assert.deepEqual([memory.sums[6], memory.sums[7]], [g, h]);
      const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);
      assert.ok(ascending(rows.slice(0, k)) && ascending(rows.slice(k)));
      assert.deepEqual(
        [...rows].sort((a, b) => a - b),
        Array.from({ length: 2000 }, (_, i) => 500 + i),
      );
      assert.ok(Math.abs(k / rows.length - 0.8) < 0.04, `sampled ${k} of ${rows.length}`);
      assert.equal(partitioner.sampleRange(0, 100, 0, 7, 0, 0), 0);
      return { k, rows };
    });
    assert.deepEqual(samples[0], samples[1]);
  });

  it('continues one stream of coin flips across ranges: two halves sample as the whole (the second from the state after the first, by xorshiftJump)', () => {
    const { memory, partitioner } = setup(true, 64);
    const threshold = Math.floor(0.5 * 4294967296);
    const k = partitioner.sampleRange(0, 3000, threshold, 99, 0, 0);
    const whole = Array.from(memory.rowIndex.subarray(0, k));
    let x = 99;
    for (let i = 0; i < 1200; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    assert.equal(xorshiftJump(1200)(99), x); // what the tree grower uses, in 32 XORs
    const a = partitioner.sampleRange(0, 1200, threshold, 99, 0, 0);
    const b = partitioner.sampleRange(1200, 3000, threshold, x, 1, 1500);
    assert.deepEqual([...Array.from(memory.rowIndex.subarray(0, a)), ...Array.from(memory.rowIndex.subarray(1200, 1200 + b))], whole);
  });
});
