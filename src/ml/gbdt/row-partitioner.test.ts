import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../core/random.js';
import { binMatrix } from './binned-matrix.js';
import { histogramOffsets } from './histogram-layout.js';
import { KernelMemory } from './kernel-memory.js';
import { computeCuts } from './quantile-cuts.js';
import { RowPartitioner } from './row-partitioner.js';

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
    it(`partitions stably and adds leaf values the same in WebAssembly and JavaScript (${maxBin <= 254 ? 'Uint8' : 'Uint16'} bins)`, () => {
      const results = [true, false].map((wasm) => {
        const { data, cuts, matrix, memory, partitioner } = setup(wasm, maxBin);
        assert.equal(partitioner.compiled, wasm);
        assert.equal(matrix.bins instanceof Uint8Array, maxBin <= 254);
        const { rowIndex, margin } = memory;
        for (let i = 0; i < rowIndex.length; i++) rowIndex[i] = i;
        // Rows 0..2999: split feature 1 at bin 10 with missing left, over rows [100, 2900).
        partitioner.setSplit(1, 10, true);
        const mid = partitioner.partition(1, 100, 2900);
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
        partitioner.addBySplit(1, 0, 3000, 2, -1);
        partitioner.addToRange(mid, 2900, 0.5);
        for (const row of left) assert.equal(margin[row], 2);
        for (const row of right) assert.equal(margin[row], -0.5);
        return { mid, order: Array.from(rowIndex), margin: Array.from(margin) };
      });
      assert.deepEqual(results[0], results[1]);
    });
  }

  it('samples rows the same in WebAssembly and JavaScript: sampled rows first, the others after, both ascending', () => {
    const samples = [true, false].map((wasm) => {
      const { memory, partitioner } = setup(wasm, 64);
      const k = partitioner.sampleRows(Math.floor(0.8 * 4294967296), 12345);
      const rows = Array.from(memory.rowIndex);
      const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);
      assert.ok(ascending(rows.slice(0, k)) && ascending(rows.slice(k)));
      assert.deepEqual(
        [...rows].sort((a, b) => a - b),
        Array.from({ length: rows.length }, (_, i) => i),
      );
      assert.ok(Math.abs(k / rows.length - 0.8) < 0.03, `sampled ${k} of ${rows.length}`);
      // A threshold of 0 samples nothing: the first row is taken so that the sample is never empty.
      assert.equal(partitioner.sampleRows(0, 7), 1);
      assert.deepEqual(
        Array.from(memory.rowIndex),
        Array.from({ length: rows.length }, (_, i) => i),
      );
      return { k, rows };
    });
    assert.deepEqual(samples[0], samples[1]);
  });
});
