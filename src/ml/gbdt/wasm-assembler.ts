/**
 * A minimal WebAssembly binary encoder for the few hot loops driftline compiles at run time (no
 * toolchain, no dependency): functions over one imported memory `env.mem`, i32/f64 values.
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

export type Bytes = readonly number[];

export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: readonly Bytes[]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...Buffer.from(s, 'utf8')].map((x) => [x]));
const section = (id: number, body: Bytes): number[] => [id, ...uleb(body.length), ...body];

/** Instructions (opcodes with their immediates). Memory offsets are static byte offsets. */
export const op = {
  get: (i: number): Bytes => [0x20, ...uleb(i)],
  set: (i: number): Bytes => [0x21, ...uleb(i)],
  tee: (i: number): Bytes => [0x22, ...uleb(i)],
  i32: (n: number): Bytes => [0x41, ...sleb(n)],
  /** f64.const 0 or another double (little-endian IEEE bytes). */
  f64Const: (x: number): Bytes => [0x44, ...new Uint8Array(Float64Array.of(x).buffer)],
  add: [0x6a] as Bytes,
  sub: [0x6b] as Bytes,
  mul: [0x6c] as Bytes,
  shl: [0x74] as Bytes,
  shrU: [0x76] as Bytes,
  xor: [0x73] as Bytes,
  ltU: [0x49] as Bytes,
  geU: [0x4f] as Bytes,
  leS: [0x4c] as Bytes,
  eq: [0x46] as Bytes,
  and: [0x71] as Bytes,
  or: [0x72] as Bytes,
  /** Pops a, b and a condition: a when the condition is non-zero, else b. */
  select: [0x1b] as Bytes,
  load: (offset = 0): Bytes => [0x28, 2, ...uleb(offset)],
  load8: (offset = 0): Bytes => [0x2d, 0, ...uleb(offset)],
  load16: (offset = 0): Bytes => [0x2f, 1, ...uleb(offset)],
  store: (offset = 0): Bytes => [0x36, 2, ...uleb(offset)],
  f64Load: (offset = 0): Bytes => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset = 0): Bytes => [0x39, 3, ...uleb(offset)],
  f64Add: [0xa0] as Bytes,
  /** SIMD: 16-byte load / store and the lane-wise add of two f64 pairs. */
  v128Load: (offset = 0): Bytes => [0xfd, 0x00, 3, ...uleb(offset)],
  v128Store: (offset = 0): Bytes => [0xfd, 0x0b, 3, ...uleb(offset)],
  f64x2Add: [0xfd, 0xf0, 0x01] as Bytes,
  block: [0x02, 0x40] as Bytes,
  loop: [0x03, 0x40] as Bytes,
  br: (depth: number): Bytes => [0x0c, ...uleb(depth)],
  brIf: (depth: number): Bytes => [0x0d, ...uleb(depth)],
  end: [0x0b] as Bytes,
  memoryCopy: [0xfc, 0x0a, 0, 0] as Bytes,
};

export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  /** Extra locals after the parameters: [count, type] runs. */
  readonly locals: readonly (readonly [number, number])[];
  readonly body: readonly Bytes[];
}

/** A module importing `env.mem` (shared when asked, with `pages` both as its minimum and maximum) and exporting `funcs`. */
export function assembleModule(funcs: readonly WasmFunction[], pages: number, shared: boolean): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const limits = shared ? [0x03, ...uleb(pages), ...uleb(pages)] : [0x01, ...uleb(pages), ...uleb(pages)];
  const imports = vec([[...name('env'), ...name('mem'), 0x02, ...limits]]);
  const functions = vec(funcs.map((_, i) => uleb(i)));
  const exports = vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const codes = vec(
    funcs.map((f) => {
      const body = [...vec(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body.flat(), 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exports),
    ...section(10, codes),
  ]);
}

/** The slice of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** A memory of `pages` 64 KiB pages that cannot grow (shared when asked); undefined when WebAssembly (or shared memory) is unavailable. */
export function createMemory(pages: number, shared: boolean): WasmMemory | undefined {
  try {
    return api ? new api.Memory({ initial: pages, maximum: pages, shared }) : undefined;
  } catch {
    return undefined;
  }
}

/** Compiles `funcs` over `memory` (made by `createMemory(pages, shared)`); throws what the engine throws when that fails. */
export function instantiate(funcs: readonly WasmFunction[], memory: WasmMemory, pages: number, shared: boolean): Record<string, unknown> {
  if (!api) throw new Error('WebAssembly is not available');
  return new api.Instance(new api.Module(assembleModule(funcs, pages, shared)), { env: { mem: memory } }).exports;
}
