import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../core/random.js';
import { binMatrix } from './binned-matrix.js';
import { HistogramKernels, histogramKernel, KERNEL_CACHE_SIZE, MemoryHistogramKernels, wasmHistogramFunction } from './histogram-kernel.js';
import { histogramOffsets } from './histogram-layout.js';
import { KernelMemory } from './kernel-memory.js';
import { computeCuts } from './quantile-cuts.js';

describe('histogram kernels', () => {
  for (const maxBin of [32, 1000]) {
    it(`JavaScript, scalar WebAssembly and SIMD WebAssembly kernels sum the same (${maxBin <= 254 ? 'Uint8' : 'Uint16'} bins, missing values)`, () => {
      const rows = 4_000;
      const cols = 3;
      const r = createRandom(21);
      const data = Float64Array.from({ length: rows * cols }, () => (r.next() < 0.05 ? NaN : Math.floor(r.next() * 2000)));
      const cuts = computeCuts(data, rows, cols, maxBin);
      const matrix = binMatrix(data, rows, cols, cuts);
      const slots = histogramOffsets(cuts);
      const length = 2 * slots[cols]!;
      const memory = KernelMemory.create(matrix, length, false);
      for (let i = 0; i < memory.gpair.length; i++) memory.gpair[i] = r.next() - 0.5;
      for (let i = 0; i < rows; i++) memory.rowIndex[i] = (i * 7) % rows;
      const features = Int32Array.of(2, 0); // a subset, out of order
      const js = new Float64Array(length);
      histogramKernel(features, slots, cols)(memory.byRow, memory.gpair, memory.rowIndex, 100, 3_900, js);
      for (const simd of [false, true]) {
        const hist = memory.compile([wasmHistogramFunction(features, slots, memory.spec, simd)])?.['hist'] as (b: number, e: number, out: number) => void;
        assert.ok(hist, `compiled (simd ${simd})`);
        memory.hist(0).fill(0);
        hist(100, 3_900, memory.histAddress(0));
        assert.deepEqual(Array.from(memory.hist(0)), Array.from(js), `simd ${simd}`);
      }
      // Feature 1 was not asked for: its slots stay empty.
      for (let s = slots[1]!; s < slots[2]!; s++) assert.equal(js[2 * s], 0);
    });
  }

  it(`keeps at most ${KERNEL_CACHE_SIZE} kernels (one per feature set, least recently used dropped first)`, () => {
    const rows = 500;
    const cols = 10;
    const r = createRandom(23);
    const data = Float64Array.from({ length: rows * cols }, () => Math.floor(r.next() * 50));
    const cuts = computeCuts(data, rows, cols, 16);
    const matrix = binMatrix(data, rows, cols, cuts);
    const slots = histogramOffsets(cuts);
    const length = 2 * slots[cols]!;
    for (const wasm of [true, false]) {
      const memory = KernelMemory.create(matrix, length, false, wasm);
      for (let i = 0; i < memory.gpair.length; i++) memory.gpair[i] = r.next() - 0.5;
      for (let i = 0; i < rows; i++) memory.rowIndex[i] = i;
      const kernels = new MemoryHistogramKernels(memory, slots);
      const js = new HistogramKernels(slots, cols);
      // Feature sets as colsample_bytree draws them: a new one per tree.
      const sets = Array.from({ length: 3 * KERNEL_CACHE_SIZE }, (_, k) =>
        Int32Array.from({ length: cols }, (_, f) => f).filter((f) => ((k + 1) >> f) % 2 === 1 || f === 9),
      );
      const first = new Float64Array(length);
      kernels.get(sets[0]!)(0, rows, first);
      for (const set of sets) {
        kernels.get(set)(0, rows, new Float64Array(length));
        js.get(set);
        assert.ok(kernels.size <= KERNEL_CACHE_SIZE, `wasm ${wasm}: ${kernels.size} kernels cached`);
        assert.ok(js.size <= KERNEL_CACHE_SIZE, `${js.size} JavaScript kernels cached`);
      }
      assert.equal(kernels.size, KERNEL_CACHE_SIZE);
      // The first set's kernel was dropped; built again, it sums the same.
      const again = new Float64Array(length);
      kernels.get(sets[0]!)(0, rows, again);
      assert.deepEqual(Array.from(again), Array.from(first));
      assert.equal(memory.kernelCounts[wasm ? 'simd' : 'javascript'], 3 * KERNEL_CACHE_SIZE + 1);
    }
  });
});
