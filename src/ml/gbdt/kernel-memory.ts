import type { BinnedMatrix } from './binned-matrix.js';
import { createMemory, instantiate, type WasmFunction, type WasmMemory } from './wasm-assembler.js';

const PAGE = 65536;
/** Above this many bytes the kernels stay in JavaScript (wasm32 addresses, with room to spare). */
const MAX_WASM_BYTES = 2 ** 31;

/** Byte addresses of the regions of a `KernelMemory`. */
export interface KernelLayout {
  readonly bins: number;
  readonly byRow: number;
  readonly rowIndex: number;
  readonly scratch: number;
  readonly lut: number;
  readonly gpair: number;
  readonly margin: number;
  readonly hist: number;
  readonly leafValues: number;
}

/**
 * One block of memory holding every array the training loops touch, so that WebAssembly kernels
 * (see `RowPartitioner`, `SerialHistogramBuilder`) can work on all of them: the column-major and
 * row-major bins, the row order and a scratch array, a split's lookup table, the gradient pairs, the
 * training margins, a histogram and a pair of leaf values. It is a WebAssembly memory when
 * WebAssembly is available (and the data fits in 2 GB), a plain buffer otherwise; shared (a
 * SharedArrayBuffer) when asked, for histogram workers.
 */
export class KernelMemory {
  readonly layout: KernelLayout;
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly bins: Uint8Array | Uint16Array;
  readonly byRow: Uint8Array | Uint16Array;
  readonly rowIndex: Uint32Array;
  readonly scratch: Uint32Array;
  readonly lut: Uint8Array;
  readonly gpair: Float64Array;
  readonly margin: Float64Array;
  readonly hist: Float64Array;
  readonly leafValues: Float64Array;
  /** True when the bins are Uint16. */
  readonly wide: boolean;
  private readonly memory: WasmMemory | undefined;
  private readonly pages: number;

  constructor(
    readonly matrix: BinnedMatrix,
    histLength: number,
    readonly shared: boolean,
    useWasm = true,
  ) {
    const n = matrix.rows;
    let maxCode = 0;
    for (let f = 0; f < matrix.cols; f++) maxCode = Math.max(maxCode, matrix.missing[f]!);
    this.wide = matrix.bins instanceof Uint16Array;
    let at = 0;
    const take = (bytes: number) => {
      const start = at;
      at += Math.ceil(bytes / 64) * 64;
      return start;
    };
    this.layout = {
      bins: take(matrix.bins.byteLength),
      byRow: take(matrix.byRow.byteLength),
      rowIndex: take(4 * n),
      scratch: take(4 * n),
      lut: take(maxCode + 1),
      gpair: take(16 * n),
      margin: take(8 * n),
      hist: take(8 * histLength),
      leafValues: take(16),
    };
    this.pages = Math.max(1, Math.ceil(at / PAGE));
    this.memory = useWasm && at <= MAX_WASM_BYTES ? createMemory(this.pages, shared) : undefined;
    this.buffer = this.memory?.buffer ?? (shared ? new SharedArrayBuffer(at) : new ArrayBuffer(at));
    const L = this.layout;
    const bins = (byteOffset: number) => (this.wide ? new Uint16Array(this.buffer, byteOffset, matrix.bins.length) : new Uint8Array(this.buffer, byteOffset, matrix.bins.length));
    this.bins = bins(L.bins);
    this.bins.set(matrix.bins);
    this.byRow = bins(L.byRow);
    this.byRow.set(matrix.byRow);
    this.rowIndex = new Uint32Array(this.buffer, L.rowIndex, n);
    this.scratch = new Uint32Array(this.buffer, L.scratch, n);
    this.lut = new Uint8Array(this.buffer, L.lut, maxCode + 1);
    this.gpair = new Float64Array(this.buffer, L.gpair, 2 * n);
    this.margin = new Float64Array(this.buffer, L.margin, n);
    this.hist = new Float64Array(this.buffer, L.hist, histLength);
    this.leafValues = new Float64Array(this.buffer, L.leafValues, 2);
  }

  /** True when kernels can be compiled to WebAssembly over this memory. */
  get wasm(): boolean {
    return this.memory !== undefined;
  }

  /** Compiles `funcs` over this memory; undefined when it is not a WebAssembly memory or compiling fails. */
  compile(funcs: readonly WasmFunction[]): Record<string, unknown> | undefined {
    return this.memory ? instantiate(funcs, this.memory, this.pages, this.shared) : undefined;
  }
}
