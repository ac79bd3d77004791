import type { BinnedMatrix } from './binned-matrix.js';
import { createMemory, instantiate, type WasmFunction, type WasmMemory } from './wasm-assembler.js';

const PAGE = 65536;
/** Above this many bytes the kernels stay in JavaScript (wasm32 addresses, with room to spare). */
const MAX_WASM_BYTES = 2 ** 31;
/** Row shards (threads) a memory has room for. */
export const MAX_SHARDS = 256;

/** How a kernel runs: WebAssembly with SIMD, scalar WebAssembly, or JavaScript. */
export type KernelKind = 'simd' | 'webassembly' | 'javascript';

/** Byte addresses of the regions of a `KernelMemory`. */
export interface KernelLayout {
  readonly bins: number;
  readonly byRow: number;
  readonly rowIndex: number;
  readonly scratch: number;
  readonly gpair: number;
  /** Two margin arrays: a tree reads one and writes the other (see `margins`). */
  readonly margin: number;
  readonly margin1: number;
  readonly label: number;
  /** Per row shard (MAX_SHARDS at most): the sums of its sampled rows' gradient pairs (two doubles). */
  readonly sums: number;
  /** Per thread (MAX_SHARDS at most): a split's lookup table, bin → 1 when it goes left (`lutBytes` each). */
  readonly luts: number;
  readonly lutBytes: number;
  /** `histCount` histograms of `histLength` doubles, one after the other. */
  readonly hist: number;
}

/** What a worker thread needs to see the same memory (structured-cloneable: the buffer is shared). */
export interface KernelMemorySpec {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** The WebAssembly memory over `buffer`, when there is one. */
  readonly wasmMemory: WasmMemory | undefined;
  readonly pages: number;
  readonly shared: boolean;
  readonly layout: KernelLayout;
  readonly wide: boolean;
  readonly rows: number;
  readonly cols: number;
  readonly maxCode: number;
  readonly histLength: number;
  readonly histCount: number;
}

/**
 * One block of memory holding every array the training loops touch, so that WebAssembly kernels
 * (see `RowPartitioner`, `MemoryHistogramKernels`) can work on all of them: the column-major and
 * row-major bins, the row order and a scratch array, the gradient pairs, two arrays of training
 * margins, the labels and histograms. It is a WebAssembly memory when
 * WebAssembly is available (and the data fits in 2 GB), a plain buffer otherwise; shared (a
 * SharedArrayBuffer) when asked, for histogram workers, which view it through `spec`.
 */
export class KernelMemory {
  readonly layout: KernelLayout;
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly bins: Uint8Array | Uint16Array;
  readonly byRow: Uint8Array | Uint16Array;
  readonly rowIndex: Uint32Array;
  readonly scratch: Uint32Array;
  readonly gpair: Float64Array;
  /** The two margin arrays (margin 0 first: where training starts). */
  readonly margins: readonly [Float64Array, Float64Array];
  readonly label: Float64Array;
  /** Per shard: gradient and hessian sums of its sampled rows (see `RowPartitioner.sampleRange`). */
  readonly sums: Float64Array;
  /** All `histCount` histograms. */
  readonly hists: Float64Array;
  readonly wide: boolean;
  readonly rows: number;
  readonly cols: number;
  readonly histLength: number;
  /** Histogram kernels made over this memory (one per feature set), by kind. */
  readonly kernelCounts: Record<KernelKind, number> = { simd: 0, webassembly: 0, javascript: 0 };
  /** Kernels that failed to compile over this memory (each then ran in JavaScript, or as scalar WebAssembly instead of SIMD). */
  compileFailures = 0;
  /** Told of each compile failure: the kernel's name and the engine's error. */
  onCompileFailure: ((kernel: string, error: unknown) => void) | undefined;

  /**
   * A memory for `matrix` (its bins copied in) with `histCount` histograms of `histLength` doubles;
   * `useWasm` false keeps it a plain buffer (tests of the JavaScript fallbacks).
   */
  static create(matrix: BinnedMatrix, histLength: number, shared: boolean, useWasm = true, histCount = 1): KernelMemory {
    const n = matrix.rows;
    let maxCode = 0;
    for (let f = 0; f < matrix.cols; f++) maxCode = Math.max(maxCode, matrix.missing[f]!);
    const lutBytes = Math.ceil((maxCode + 1) / 64) * 64;
    let at = 0;
    const take = (bytes: number) => {
      const start = at;
      at += Math.ceil(bytes / 64) * 64;
      return start;
    };
    // The regions the histogram loop reads (row order, gradient pairs, histograms) and the small
    // tables come first, then those of the row loops, as before margins and labels were added.
    const layout: KernelLayout = {
      bins: take(matrix.bins.byteLength),
      byRow: take(matrix.byRow.byteLength),
      rowIndex: take(4 * n),
      scratch: take(4 * (n + MAX_SHARDS)),
      sums: take(16 * MAX_SHARDS),
      luts: take(lutBytes * MAX_SHARDS),
      lutBytes,
      gpair: take(16 * n),
      margin: take(8 * n),
      hist: take(8 * histLength * histCount),
      label: take(8 * n),
      margin1: take(8 * n),
    };

    const pages = Math.max(1, Math.ceil(at / PAGE));
    const wasmMemory = useWasm && at <= MAX_WASM_BYTES ? createMemory(pages, shared) : undefined;
    const buffer = wasmMemory?.buffer ?? (shared ? new SharedArrayBuffer(at) : new ArrayBuffer(at));
    const memory = new KernelMemory({
      buffer,
      wasmMemory,
      pages,
      shared,
      layout,
      wide: matrix.bins instanceof Uint16Array,
      rows: n,
      cols: matrix.cols,
      maxCode,
      histLength,
      histCount,
    });
    memory.bins.set(matrix.bins);
    memory.byRow.set(matrix.byRow);
    return memory;
  }

  constructor(readonly spec: KernelMemorySpec) {
    const { buffer, layout: L, rows, cols } = spec;
    this.layout = L;
    this.buffer = buffer;
    this.wide = spec.wide;
    this.rows = rows;
    this.cols = cols;
    this.histLength = spec.histLength;
    const bins = (byteOffset: number) => (spec.wide ? new Uint16Array(buffer, byteOffset, rows * cols) : new Uint8Array(buffer, byteOffset, rows * cols));
    this.bins = bins(L.bins);
    this.byRow = bins(L.byRow);
    this.rowIndex = new Uint32Array(buffer, L.rowIndex, rows);
    this.scratch = new Uint32Array(buffer, L.scratch, rows + MAX_SHARDS);
    this.gpair = new Float64Array(buffer, L.gpair, 2 * rows);
    this.margins = [new Float64Array(buffer, L.margin, rows), new Float64Array(buffer, L.margin1, rows)];
    this.label = new Float64Array(buffer, L.label, rows);
    this.sums = new Float64Array(buffer, L.sums, 2 * MAX_SHARDS);
    this.hists = new Float64Array(buffer, L.hist, spec.histLength * spec.histCount);
  }

  /** True when kernels can be compiled to WebAssembly over this memory. */
  get wasm(): boolean {
    return this.spec.wasmMemory !== undefined;
  }

  /** Thread `t`'s split lookup table (see `KernelLayout.luts`). */
  lut(t: number): Uint8Array {
    return new Uint8Array(this.buffer, this.layout.luts + t * this.layout.lutBytes, this.layout.lutBytes);
  }

  /** Byte address of margin array `k` (0 or 1). */
  marginAddress(k: number): number {
    return k === 0 ? this.layout.margin : this.layout.margin1;
  }

  /** Histogram `k` (a view). */
  hist(k: number): Float64Array {
    return this.hists.subarray(k * this.histLength, (k + 1) * this.histLength);
  }

  /** Byte address of histogram `k`. */
  histAddress(k: number): number {
    return this.layout.hist + 8 * this.histLength * k;
  }

  /**
   * Compiles `funcs` over this memory; undefined when it is not a WebAssembly memory or compiling
   * fails (counted in `compileFailures` and passed to `onCompileFailure` with `kernel`, its name).
   */
  compile(funcs: readonly WasmFunction[], kernel: string = funcs.map((f) => f.name).join(', ')): Record<string, unknown> | undefined {
    const s = this.spec;
    if (!s.wasmMemory) return undefined;
    try {
      return instantiate(funcs, s.wasmMemory, s.pages, s.shared);
    } catch (err) {
      this.compileFailures++;
      this.onCompileFailure?.(kernel, err);
      return undefined;
    }
  }
}
