import type { BinnedMatrix } from './binned-matrix.js';
import { I32, instantiate, op, type Bytes } from './wasm-assembler.js';

const PAGE = 65536;
/** Above this many bytes of memory the partitioner stays in JavaScript (wasm32 addresses, room to spare). */
const MAX_WASM_BYTES = 2 ** 31;

type PartitionFn = (begin: number, end: number, column: number) => number;

/**
 * Partitions row numbers by a split, in place and stably: the rows of a node sit in
 * `rowIndex[begin..end)`; after `setSplit` and `partition` those going left come first. The loop runs
 * as a small WebAssembly function compiled at run time (branch-free, no bounds checks: about 3x
 * faster than the JavaScript loop it replaces, whose cost was the gather of each row's bin), over a
 * memory that holds the column-major bins, `rowIndex`, a scratch array and the split's lookup table.
 * The memory is shared (a SharedArrayBuffer) when asked, so that histogram workers can read
 * `rowIndex`. Falls back to JavaScript when WebAssembly is unavailable or the data is too large.
 */
export class RowPartitioner {
  /** Row numbers, grouped by node. */
  readonly rowIndex: Uint32Array;
  /** Per bin index (missing marker included): 1 when the current split sends it left. */
  readonly lut: Uint8Array;
  private readonly scratch: Uint32Array;
  private readonly bins: Uint8Array | Uint16Array;
  private readonly columnBytes: number;
  private readonly binsAddress: number;
  private readonly wasm: PartitionFn | undefined;

  constructor(
    private readonly matrix: BinnedMatrix,
    shared: boolean,
    useWasm = true,
  ) {
    const n = matrix.rows;
    let maxCode = 0;
    for (let f = 0; f < matrix.cols; f++) maxCode = Math.max(maxCode, matrix.missing[f]!);
    const wide = matrix.bins instanceof Uint16Array;
    const align = (x: number) => Math.ceil(x / 64) * 64;
    this.binsAddress = 0;
    const rowIndexAt = align(matrix.bins.byteLength);
    const scratchAt = rowIndexAt + align(4 * n);
    const lutAt = scratchAt + align(4 * n);
    const total = lutAt + align(maxCode + 1);
    this.columnBytes = n * (wide ? 2 : 1);
    let buffer: ArrayBuffer | SharedArrayBuffer | undefined;
    let fn: PartitionFn | undefined;
    if (useWasm && total <= MAX_WASM_BYTES) {
      const compiled = instantiate([partitionFunction(rowIndexAt, scratchAt, lutAt, wide)], Math.max(1, Math.ceil(total / PAGE)), shared);
      fn = compiled?.exports['partition'] as PartitionFn | undefined;
      buffer = compiled?.buffer;
    }
    this.wasm = fn;
    if (buffer && fn) {
      this.bins = wide ? new Uint16Array(buffer, 0, matrix.bins.length) : new Uint8Array(buffer, 0, matrix.bins.length);
      this.bins.set(matrix.bins);
      this.rowIndex = new Uint32Array(buffer, rowIndexAt, n);
      this.scratch = new Uint32Array(buffer, scratchAt, n);
      this.lut = new Uint8Array(buffer, lutAt, maxCode + 1);
    } else {
      const mem = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
      this.bins = matrix.bins;
      this.rowIndex = new Uint32Array(mem(4 * n));
      this.scratch = new Uint32Array(n);
      this.lut = new Uint8Array(maxCode + 1);
    }
  }

  /** True when partitioning runs in WebAssembly. */
  get compiled(): boolean {
    return this.wasm !== undefined;
  }

  /** Sets the split to apply: bins 0..bin go left, the feature's missing values go left when `defaultLeft`. */
  setSplit(feature: number, bin: number, defaultLeft: boolean): void {
    const code = this.matrix.missing[feature]!;
    const lut = this.lut;
    for (let b = 0; b < code; b++) lut[b] = b <= bin ? 1 : 0;
    lut[code] = defaultLeft ? 1 : 0;
  }

  /** Partitions `rowIndex[begin..end)` by the current split on `feature`; returns where the right part starts. */
  partition(feature: number, begin: number, end: number): number {
    if (end <= begin) return begin;
    if (this.wasm) return this.wasm(begin, end, this.binsAddress + feature * this.columnBytes);
    return partitionRange(this.rowIndex, begin, end, this.bins, feature * this.matrix.rows, this.lut, this.scratch);
  }
}

/**
 * partition(begin, end, column) → mid, over rowIndex at `ri`, scratch at `scr`, the lookup table at
 * `lut` (byte addresses) and the feature's column at byte address `column`:
 *   for i in [begin, end): row = ri[i]; g = lut[bin(row)]; ri[l] = row; scr[r] = row; l += g; r += 1 - g
 *   then scr[0..r) is copied to ri[l..); returns l.
 */
function partitionFunction(ri: number, scr: number, lut: number, wide: boolean) {
  const [begin, end, column, i, l, r, row, g] = [0, 1, 2, 3, 4, 5, 6, 7];
  const bin: Bytes = wide ? [...op.get(column), ...op.get(row), ...op.i32(1), ...op.shl, ...op.add, ...op.load16()] : [...op.get(column), ...op.get(row), ...op.add, ...op.load8()];
  return {
    name: 'partition',
    params: [I32, I32, I32],
    results: [I32],
    locals: [[5, I32]] as const,
    body: [
      op.get(begin), op.set(i), op.get(begin), op.set(l), op.i32(0), op.set(r),
      op.block, op.loop,
      op.get(i), op.get(end), op.geU, op.brIf(1),
      op.get(i), op.i32(2), op.shl, op.load(ri), op.set(row),
      bin, op.load8(lut), op.set(g),
      op.get(l), op.i32(2), op.shl, op.get(row), op.store(ri),
      op.get(r), op.i32(2), op.shl, op.get(row), op.store(scr),
      op.get(l), op.get(g), op.add, op.set(l),
      op.get(r), op.i32(1), op.add, op.get(g), op.sub, op.set(r),
      op.get(i), op.i32(1), op.add, op.set(i),
      op.br(0),
      op.end, op.end,
      op.get(l), op.i32(2), op.shl, op.i32(ri), op.add, op.i32(scr), op.get(r), op.i32(2), op.shl, op.memoryCopy,
      op.get(l),
    ],
  };
}

/**
 * Stable in-place partition of `rowIndex[begin..end)` in JavaScript: rows whose bin
 * (`bins[base + row]`) has `lut[bin]` = 1 first. Returns where the right part starts.
 */
export function partitionRange(rowIndex: Uint32Array, begin: number, end: number, bins: Uint8Array | Uint16Array, base: number, lut: Uint8Array, scratch: Uint32Array): number {
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
