import type { KernelMemory } from './kernel-memory.js';
import { F64, I32, op, type Bytes, type WasmFunction } from './wasm-assembler.js';

type SampleFn = (lo: number, hi: number, threshold: number, seed: number, sums: number, scratchAt: number) => number;
type PartitionFn = (begin: number, end: number, column: number, lut: number, scratchAt: number) => number;
type SetLeafFn = (begin: number, end: number, value: number, from: number, to: number) => void;
type SetBySplitFn = (begin: number, end: number, column: number, lut: number, left: number, right: number, from: number, to: number) => void;

/**
 * The row loops of tree growth over a `KernelMemory`: drawing a round's row sample, partitioning
 * row numbers by a split (in place, stably), and writing leaf values into the margins. Each works on
 * a range of `memory.rowIndex` and uses the scratch array from a position given by the caller (each
 * thread its own part: the same cache lines each time, where the range's own positions would be cold
 * memory for every node), so threads can run them at once on disjoint ranges (row shards). A row goes
 * left of a split on `feature` at `bin` when its bin is at most `bin` (-1: none is), or when it is
 * missing and `defaultLeft`. Leaf values
 * are written as `to[row] = from[row] + value` between the two margin arrays (0 and 1): running a
 * loop again gives the same margins. The loops run as small WebAssembly functions compiled at run
 * time (branch-free, no bounds checks: partitioning is about 3x faster than the JavaScript loop,
 * whose cost is the gather of each row's bin), or in JavaScript without WebAssembly (tested to match).
 */
export class RowPartitioner {
  private readonly columnBytes: number;
  private readonly wasm: { sample: SampleFn; partition: PartitionFn; setLeaf: SetLeafFn; setBySplit: SetBySplitFn } | undefined;

  /** This thread's split lookup table (bin → 1 when left), and the split it holds. */
  private readonly lut: Uint8Array;
  private readonly lutAddress: number;
  private lutSplit = -1;

  /**
   * `missing`: each feature's missing marker in the memory's bins (`BinnedMatrix.missing`); `thread`:
   * which of the memory's split lookup tables this partitioner uses (one per thread).
   */
  constructor(
    private readonly memory: KernelMemory,
    private readonly missing: Int32Array,
    useWasm = true,
    thread = 0,
  ) {
    this.columnBytes = memory.rows * (memory.wide ? 2 : 1);
    this.lut = memory.lut(thread);
    this.lutAddress = memory.layout.luts + thread * memory.layout.lutBytes;
    const compiled = useWasm ? memory.compile(functions(memory), 'row partitioner') : undefined;
    this.wasm = compiled && {
      sample: compiled['sample'] as SampleFn,
      partition: compiled['partition'] as PartitionFn,
      setLeaf: compiled['setLeaf'] as SetLeafFn,
      setBySplit: compiled['setBySplit'] as SetBySplitFn,
    };
  }

  /** True when the loops run in WebAssembly. */
  get compiled(): boolean {
    return this.wasm !== undefined;
  }

  /**
   * Draws the sample of rows lo..hi-1 (Bernoulli with probability `threshold` / 2^32, as XGBoost's
   * subsample) with a xorshift32 stream whose state before row lo is `seed` (non-zero): the sampled
   * rows go to `rowIndex[lo..lo+k)` and the others after them up to hi, both ascending (through
   * `scratch[scratchAt..)`). Returns k; the sampled rows' gradient and hessian sums (in row order) go
   * to `memory.sums[2 * slot]` and `[2 * slot + 1]`.
   */
  sampleRange(lo: number, hi: number, threshold: number, seed: number, slot: number, scratchAt: number): number {
    const m = this.memory;
    if (this.wasm) return this.wasm.sample(lo, hi, threshold | 0, seed | 0, m.layout.sums + 16 * slot, scratchAt);
    const { rowIndex, scratch, gpair } = m;
    let x = seed | 0;
    let k = lo;
    let o = scratchAt;
    let g = 0;
    let h = 0;
    for (let i = lo; i < hi; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      if (x >>> 0 < threshold >>> 0) {
        rowIndex[k++] = i;
        g += gpair[2 * i]!;
        h += gpair[2 * i + 1]!;
      } else {
        scratch[o++] = i;
      }
    }
    rowIndex.set(scratch.subarray(scratchAt, o), k);
    m.sums[2 * slot] = g;
    m.sums[2 * slot + 1] = h;
    return k - lo;
  }

  /**
   * Partitions `rowIndex[begin..end)` by the split, with `scratch[scratchAt..scratchAt + end - begin)`
   * for the right part on the way; returns where the right part starts.
   */
  partition(feature: number, bin: number, defaultLeft: boolean, begin: number, end: number, scratchAt: number): number {
    if (end <= begin) return begin;
    const lut = this.setSplit(feature, bin, defaultLeft);
    if (this.wasm) return this.wasm.partition(begin, end, this.column(feature), this.lutAddress, scratchAt);
    const m = this.memory;
    const { rowIndex, scratch, bins } = m;
    const base = feature * m.rows;
    let l = begin;
    let r = scratchAt;
    for (let i = begin; i < end; i++) {
      const row = rowIndex[i]!;
      if (lut[bins[base + row]!] === 1) rowIndex[l++] = row;
      else scratch[r++] = row;
    }
    rowIndex.set(scratch.subarray(scratchAt, r), l);
    return l;
  }

  /** Margins `to` (0 or 1) of the rows `rowIndex[begin..end)`: their margins `from` plus `value`. */
  setLeaf(begin: number, end: number, value: number, from: number, to: number): void {
    if (end <= begin) return;
    const m = this.memory;
    if (this.wasm) {
      this.wasm.setLeaf(begin, end, value, m.marginAddress(from), m.marginAddress(to));
      return;
    }
    const { rowIndex } = m;
    const a = m.margins[from]!;
    const b = m.margins[to]!;
    for (let i = begin; i < end; i++) {
      const row = rowIndex[i]!;
      b[row] = a[row]! + value;
    }
  }

  /** Like `setLeaf`, with `left` or `right` by the side of the split each row falls on (no partitioning). */
  setBySplit(feature: number, bin: number, defaultLeft: boolean, begin: number, end: number, left: number, right: number, from: number, to: number): void {
    if (end <= begin) return;
    const m = this.memory;
    const lut = this.setSplit(feature, bin, defaultLeft);
    if (this.wasm) {
      this.wasm.setBySplit(begin, end, this.column(feature), this.lutAddress, left, right, m.marginAddress(from), m.marginAddress(to));
      return;
    }
    const { rowIndex, bins } = m;
    const a = m.margins[from]!;
    const c = m.margins[to]!;
    const base = feature * m.rows;
    for (let i = begin; i < end; i++) {
      const row = rowIndex[i]!;
      c[row] = a[row]! + (lut[bins[base + row]!] === 1 ? left : right);
    }
  }

  /** Sums of the gradient pairs of the rows `rowIndex[begin..end)`, into `out[0]` (gradient) and `out[1]` (hessian). */
  sums(begin: number, end: number, out: Float64Array): void {
    const { rowIndex, gpair } = this.memory;
    let g = 0;
    let h = 0;
    for (let i = begin; i < end; i++) {
      const r = rowIndex[i]!;
      g += gpair[2 * r]!;
      h += gpair[2 * r + 1]!;
    }
    out[0] = g;
    out[1] = h;
  }

  /** Fills this thread's lookup table for the split (unless it holds it): bins 0..bin left, the feature's missing marker left when `defaultLeft`. */
  private setSplit(feature: number, bin: number, defaultLeft: boolean): Uint8Array {
    const lut = this.lut;
    const key = (feature * 65536 + bin + 1) * 2 + (defaultLeft ? 1 : 0); // bins are below 65536
    if (key === this.lutSplit) return lut;
    const code = this.missing[feature]!;
    for (let b = 0; b < code; b++) lut[b] = b <= bin ? 1 : 0;
    lut[code] = defaultLeft ? 1 : 0;
    this.lutSplit = key;
    return lut;
  }

  /** Byte address of `feature`'s column of bins. */
  private column(feature: number): number {
    return this.memory.layout.bins + feature * this.columnBytes;
  }
}

/**
 * The WebAssembly functions, with the memory's addresses compiled in (`column`: the byte address of
 * the split feature's column of bins; `from`, `to`: byte addresses of margin arrays):
 * - sample(lo, hi, threshold, seed, sums, at) → k: xorshift32 coin flips; sampled rows to ri[lo..),
 *   the others to scr[at..) then after them; the sampled rows' gradient pair sums to `sums`.
 * - partition(begin, end, column, lut, at) → mid: for i in [begin, end): row = ri[i]; g = lut[bin(row)];
 *   ri[l] = row; scr[at + r] = row; l += g; r += 1 - g; then scr[at..at+r) is copied to ri[l..); returns l.
 * - setLeaf(begin, end, value, from, to): to[row] = from[row] + value for the rows ri[begin..end).
 * - setBySplit(begin, end, column, lut, left, right, from, to): the same with left or right by the
 *   split's lookup table.
 */
function functions(memory: KernelMemory): WasmFunction[] {
  const L = memory.layout;
  const binOf = (column: number, row: number): Bytes =>
    memory.wide
      ? [...op.get(column), ...op.get(row), ...op.i32(1), ...op.shl, ...op.add, ...op.load16()]
      : [...op.get(column), ...op.get(row), ...op.add, ...op.load8()];
  const loopHead = (i: number, end: number, row: number): Bytes[] => [
    op.block,
    op.loop,
    op.get(i),
    op.get(end),
    op.geU,
    op.brIf(1),
    op.get(i),
    op.i32(2),
    op.shl,
    op.load(L.rowIndex),
    op.set(row),
  ];
  const loopTail = (i: number): Bytes[] => [op.get(i), op.i32(1), op.add, op.set(i), op.br(0), op.end, op.end];
  /** Copies scr[first..first+r) to ri[l..). */
  const copyBack = (l: number, first: number, r: number): Bytes[] => [
    op.get(l),
    op.i32(2),
    op.shl,
    op.i32(L.rowIndex),
    op.add,
    op.get(first),
    op.i32(2),
    op.shl,
    op.i32(L.scratch),
    op.add,
    op.get(r),
    op.i32(2),
    op.shl,
    op.memoryCopy,
  ];
  /** Stores `row` at ri[l] and scr[first + r], then l += g, r += 1 - g. */
  const place = (row: number, l: number, first: number, r: number, g: number): Bytes[] => [
    op.get(l),
    op.i32(2),
    op.shl,
    op.get(row),
    op.store(L.rowIndex),
    op.get(first),
    op.get(r),
    op.add,
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
  ];
  // sample(lo 0, hi 1, threshold 2, seed 3, sums 4, at 5) → k; locals i 6, l 7, r 8, x 9, g 10 (i32), gs 11, hs 12 (f64).
  // A row left out adds 0 to the sums: the same sums as adding the sampled rows alone (never -0: they start at +0).
  const [lo, hi, threshold, seed, sumsAt, sat, si, sl, sr, x, sg, gs, hs] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const sample: WasmFunction = {
    name: 'sample',
    params: [I32, I32, I32, I32, I32, I32],
    results: [I32],
    locals: [
      [5, I32],
      [2, F64],
    ],
    body: [
      op.get(seed),
      op.set(x),
      op.get(lo),
      op.set(si),
      op.get(lo),
      op.set(sl),
      op.i32(0),
      op.set(sr),
      op.block,
      op.loop,
      op.get(si),
      op.get(hi),
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
      op.set(sg),
      op.get(gs),
      op.get(si),
      op.i32(4),
      op.shl,
      op.f64Load(L.gpair),
      op.f64Const(0),
      op.get(sg),
      op.select,
      op.f64Add,
      op.set(gs),
      op.get(hs),
      op.get(si),
      op.i32(4),
      op.shl,
      op.f64Load(L.gpair + 8),
      op.f64Const(0),
      op.get(sg),
      op.select,
      op.f64Add,
      op.set(hs),
      ...place(si, sl, sat, sr, sg),
      ...loopTail(si),
      ...copyBack(sl, sat, sr),
      op.get(sumsAt),
      op.get(gs),
      op.f64Store(0),
      op.get(sumsAt),
      op.get(hs),
      op.f64Store(8),
      op.get(sl),
      op.get(lo),
      op.sub,
    ],
  };
  // partition(begin 0, end 1, column 2, lut 3, at 4) → mid; locals i 5, l 6, r 7, row 8, g 9.
  const [begin, end, column, lut, at, pi, pl, pr, prow, pg] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const partition: WasmFunction = {
    name: 'partition',
    params: [I32, I32, I32, I32, I32],
    results: [I32],
    locals: [[5, I32]],
    body: [
      op.get(begin),
      op.set(pi),
      op.get(begin),
      op.set(pl),
      op.i32(0),
      op.set(pr),
      ...loopHead(pi, end, prow),
      op.get(lut),
      binOf(column, prow),
      op.add,
      op.load8(),
      op.set(pg),
      ...place(prow, pl, at, pr, pg),
      ...loopTail(pi),
      ...copyBack(pl, at, pr),
      op.get(pl),
    ],
  };
  // setLeaf(begin 0, end 1, value 2 (f64), from 3, to 4); locals i 5, row 6.
  const [value, lfrom, lto, li, lrow] = [2, 3, 4, 5, 6];
  const setLeaf: WasmFunction = {
    name: 'setLeaf',
    params: [I32, I32, F64, I32, I32],
    results: [],
    locals: [[2, I32]],
    body: [
      op.get(begin),
      op.set(li),
      ...loopHead(li, end, lrow),
      op.get(lrow),
      op.i32(3),
      op.shl,
      op.get(lto),
      op.add,
      op.get(lrow),
      op.i32(3),
      op.shl,
      op.get(lfrom),
      op.add,
      op.f64Load(0),
      op.get(value),
      op.f64Add,
      op.f64Store(0),
      ...loopTail(li),
    ],
  };
  // setBySplit(begin 0, end 1, column 2, lut 3, left 4 (f64), right 5 (f64), from 6, to 7); locals i 8, row 9.
  const [left, right, bfrom, bto, bi, brow] = [4, 5, 6, 7, 8, 9];
  const setBySplit: WasmFunction = {
    name: 'setBySplit',
    params: [I32, I32, I32, I32, F64, F64, I32, I32],
    results: [],
    locals: [[2, I32]],
    body: [
      op.get(begin),
      op.set(bi),
      ...loopHead(bi, end, brow),
      op.get(brow),
      op.i32(3),
      op.shl,
      op.get(bto),
      op.add,
      op.get(brow),
      op.i32(3),
      op.shl,
      op.get(bfrom),
      op.add,
      op.f64Load(0),
      op.get(left),
      op.get(right),
      op.get(lut),
      binOf(column, brow),
      op.add,
      op.load8(),
      op.select,
      op.f64Add,
      op.f64Store(0),
      ...loopTail(bi),
    ],
  };
  return [sample, partition, setLeaf, setBySplit];
}
