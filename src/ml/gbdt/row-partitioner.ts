import type { KernelMemory } from './kernel-memory.js';
import { F64, I32, op, type Bytes, type WasmFunction } from './wasm-assembler.js';

type RangeFn = (begin: number, end: number, column: number) => number;
type AddFn = (begin: number, end: number, value: number) => void;
type SampleFn = (n: number, threshold: number, seed: number) => number;

/**
 * Partitions row numbers by a split, in place and stably, and adds leaf values to the rows' margins.
 * The rows of a node sit in `memory.rowIndex[begin..end)`; after `setSplit` and `partition` those
 * going left come first. The loops run as small WebAssembly functions compiled at run time over the
 * `KernelMemory` (branch-free, no bounds checks: partitioning is about 3x faster than the JavaScript
 * loop, whose cost was the gather of each row's bin), or in JavaScript without WebAssembly.
 */
export class RowPartitioner {
  private readonly columnBytes: number;
  private readonly wasm: { partition: RangeFn; addByLut: RangeFn; addToRange: AddFn; sample: SampleFn } | undefined;

  /** `missing`: each feature's missing marker in the memory's bins (`BinnedMatrix.missing`). */
  constructor(
    private readonly memory: KernelMemory,
    private readonly missing: Int32Array,
    useWasm = true,
  ) {
    this.columnBytes = memory.rows * (memory.wide ? 2 : 1);
    const compiled = useWasm ? memory.compile(functions(memory), 'row partitioner') : undefined;
    this.wasm = compiled && {
      partition: compiled['partition'] as RangeFn,
      addByLut: compiled['addByLut'] as RangeFn,
      addToRange: compiled['addToRange'] as AddFn,
      sample: compiled['sample'] as SampleFn,
    };
  }

  /** True when the loops run in WebAssembly. */
  get compiled(): boolean {
    return this.wasm !== undefined;
  }

  /** Sets the split to apply: bins 0..bin go left, the feature's missing values go left when `defaultLeft`. */
  setSplit(feature: number, bin: number, defaultLeft: boolean): void {
    const code = this.missing[feature]!;
    const lut = this.memory.lut;
    for (let b = 0; b < code; b++) lut[b] = b <= bin ? 1 : 0;
    lut[code] = defaultLeft ? 1 : 0;
  }

  /** Partitions `rowIndex[begin..end)` by the current split on `feature`; returns where the right part starts. */
  partition(feature: number, begin: number, end: number): number {
    if (end <= begin) return begin;
    if (this.wasm) return this.wasm.partition(begin, end, this.memory.layout.bins + feature * this.columnBytes);
    const m = this.memory;
    return partitionRange(m.rowIndex, begin, end, m.bins, feature * m.rows, m.lut, m.scratch);
  }

  /** Adds, to the margin of each row in `rowIndex[begin..end)`, `left` or `right` by the side of the current split (on `feature`) it falls. */
  addBySplit(feature: number, begin: number, end: number, left: number, right: number): void {
    const m = this.memory;
    m.leafValues[0] = right;
    m.leafValues[1] = left;
    if (end <= begin) return;
    if (this.wasm) {
      this.wasm.addByLut(begin, end, m.layout.bins + feature * this.columnBytes);
      return;
    }
    const { margin, rowIndex, bins, lut, leafValues } = m;
    const base = feature * m.rows;
    for (let i = begin; i < end; i++) {
      const row = rowIndex[i]!;
      margin[row]! += leafValues[lut[bins[base + row]!]!]!;
    }
  }

  /**
   * Draws this round's row sample (Bernoulli with probability `threshold` / 2^32, as XGBoost's
   * subsample) with a xorshift32 stream started at `seed` (non-zero): the sampled rows go to
   * `rowIndex[0..k)` and the others after them, both in ascending order. Returns k (at least 1).
   */
  sampleRows(threshold: number, seed: number): number {
    const m = this.memory;
    const n = m.rows;
    let k: number;
    if (this.wasm) {
      k = this.wasm.sample(n, threshold | 0, seed | 0);
    } else {
      const { rowIndex, scratch } = m;
      let x = seed | 0;
      let o = 0;
      k = 0;
      for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        if (x >>> 0 < threshold) rowIndex[k++] = i;
        else scratch[o++] = i;
      }
      rowIndex.set(scratch.subarray(0, o), k);
    }
    // Never an empty sample: the first row left out joins it (the rest stay in order after it).
    return k === 0 && n > 0 ? 1 : k;
  }

  /** Adds `value` to the margins of the rows `rowIndex[begin..end)`. */
  addToRange(begin: number, end: number, value: number): void {
    if (end <= begin) return;
    if (this.wasm) {
      this.wasm.addToRange(begin, end, value);
      return;
    }
    const { margin, rowIndex } = this.memory;
    for (let i = begin; i < end; i++) margin[rowIndex[i]!]! += value;
  }
}

/**
 * The WebAssembly functions, with the memory's addresses compiled in:
 * - partition(begin, end, column) → mid: for i in [begin, end): row = ri[i]; g = lut[bin(row)];
 *   ri[l] = row; scr[r] = row; l += g; r += 1 - g; then scr[0..r) is copied to ri[l..); returns l.
 * - addByLut(begin, end, column): margin[row] += leafValues[lut[bin(row)]] for the rows ri[begin..end).
 * - addToRange(begin, end, value): margin[row] += value for the rows ri[begin..end).
 * `column` is the byte address of the split feature's column of bins.
 */
function functions(memory: KernelMemory): WasmFunction[] {
  const L = memory.layout;
  const [begin, end, column, i, l, r, row, g] = [0, 1, 2, 3, 4, 5, 6, 7];
  const bin: Bytes = memory.wide
    ? [...op.get(column), ...op.get(row), ...op.i32(1), ...op.shl, ...op.add, ...op.load16()]
    : [...op.get(column), ...op.get(row), ...op.add, ...op.load8()];
  const loopHead: Bytes[] = [op.block, op.loop, op.get(i), op.get(end), op.geU, op.brIf(1), op.get(i), op.i32(2), op.shl, op.load(L.rowIndex), op.set(row)];
  const loopTail: Bytes[] = [op.get(i), op.i32(1), op.add, op.set(i), op.br(0), op.end, op.end];
  const partition: WasmFunction = {
    name: 'partition',
    params: [I32, I32, I32],
    results: [I32],
    locals: [[5, I32]],
    body: [
      op.get(begin),
      op.set(i),
      op.get(begin),
      op.set(l),
      op.i32(0),
      op.set(r),
      ...loopHead,
      bin,
      op.load8(L.lut),
      op.set(g),
      op.get(l),
      op.i32(2),
      op.shl,
      op.get(row),
      op.store(L.rowIndex),
      op.get(r),
      op.i32(2),
      op.shl,
      op.get(row),
      op.store(L.scratch),
      op.get(l),
      op.get(g),
      op.add,
      op.set(l),
      op.get(r),
      op.i32(1),
      op.add,
      op.get(g),
      op.sub,
      op.set(r),
      ...loopTail,
      op.get(l),
      op.i32(2),
      op.shl,
      op.i32(L.rowIndex),
      op.add,
      op.i32(L.scratch),
      op.get(r),
      op.i32(2),
      op.shl,
      op.memoryCopy,
      op.get(l),
    ],
  };
  // Same local numbering (l, r, g unused) so that `bin` and the loop pieces apply.
  const addByLut: WasmFunction = {
    name: 'addByLut',
    params: [I32, I32, I32],
    results: [],
    locals: [[5, I32]],
    body: [
      op.get(begin),
      op.set(i),
      ...loopHead,
      op.get(row),
      op.i32(3),
      op.shl,
      op.get(row),
      op.i32(3),
      op.shl,
      op.f64Load(L.margin),
      bin,
      op.load8(L.lut),
      op.i32(3),
      op.shl,
      op.f64Load(L.leafValues),
      op.f64Add,
      op.f64Store(L.margin),
      ...loopTail,
    ],
  };
  // addToRange(begin, end, value: f64): locals i (3), l, r, row (6) as above; value is param 2.
  const addToRange: WasmFunction = {
    name: 'addToRange',
    params: [I32, I32, F64],
    results: [],
    locals: [[5, I32]],
    body: [
      op.get(begin),
      op.set(i),
      ...loopHead,
      op.get(row),
      op.i32(3),
      op.shl,
      op.get(row),
      op.i32(3),
      op.shl,
      op.f64Load(L.margin),
      op.get(2),
      op.f64Add,
      op.f64Store(L.margin),
      ...loopTail,
    ],
  };
  // sample(n, threshold, seed) → k; locals i (3), k (4), o (5), x (6).
  const [count, threshold, seed, x] = [0, 1, 2, 6];
  const sample: WasmFunction = {
    name: 'sample',
    params: [I32, I32, I32],
    results: [I32],
    locals: [[5, I32]],
    body: [
      op.get(seed),
      op.set(x),
      op.i32(0),
      op.set(i),
      op.i32(0),
      op.set(l),
      op.i32(0),
      op.set(r),
      op.block,
      op.loop,
      op.get(i),
      op.get(count),
      op.geU,
      op.brIf(1),
      op.get(x),
      op.get(x),
      op.i32(13),
      op.shl,
      op.xor,
      op.set(x),
      op.get(x),
      op.get(x),
      op.i32(17),
      op.shrU,
      op.xor,
      op.set(x),
      op.get(x),
      op.get(x),
      op.i32(5),
      op.shl,
      op.xor,
      op.set(x),
      op.get(x),
      op.get(threshold),
      op.ltU,
      op.set(g),
      op.get(l),
      op.i32(2),
      op.shl,
      op.get(i),
      op.store(L.rowIndex),
      op.get(r),
      op.i32(2),
      op.shl,
      op.get(i),
      op.store(L.scratch),
      op.get(l),
      op.get(g),
      op.add,
      op.set(l),
      op.get(r),
      op.i32(1),
      op.add,
      op.get(g),
      op.sub,
      op.set(r),
      ...loopTail,
      op.get(l),
      op.i32(2),
      op.shl,
      op.i32(L.rowIndex),
      op.add,
      op.i32(L.scratch),
      op.get(r),
      op.i32(2),
      op.shl,
      op.memoryCopy,
      op.get(l),
    ],
  };
  return [partition, addByLut, addToRange, sample];
}

/**
 * Stable in-place partition of `rowIndex[begin..end)` in JavaScript: rows whose bin
 * (`bins[base + row]`) has `lut[bin]` = 1 first. Returns where the right part starts.
 */
export function partitionRange(
  rowIndex: Uint32Array,
  begin: number,
  end: number,
  bins: Uint8Array | Uint16Array,
  base: number,
  lut: Uint8Array,
  scratch: Uint32Array,
): number {
  let l = begin;
  let r = 0;
  for (let i = begin; i < end; i++) {
    const row = rowIndex[i]!;
    if (lut[bins[base + row]!] === 1) rowIndex[l++] = row;
    else scratch[r++] = row;
  }
  rowIndex.set(scratch.subarray(0, r), l);
  return l;
}
