/** Buffers for `sortFloat32WithRows` (reused across columns). */
export interface RadixBuffers {
  keys: Uint32Array;
  rows: Uint32Array;
  keysTmp: Uint32Array;
  rowsTmp: Uint32Array;
  /** Three digit histograms of 2048 counts. */
  counts: Int32Array;
}

/** Buffers for columns of up to `n` values. */
export function radixBuffers(n: number): RadixBuffers {
  return { keys: new Uint32Array(n), rows: new Uint32Array(n), keysTmp: new Uint32Array(n), rowsTmp: new Uint32Array(n), counts: new Int32Array(3 * 2048) };
}

/**
 * Stable LSD radix sort (11-bit digits) of `buf.keys[0..n)` carrying `buf.rows` along. A key is a
 * float32's bits mapped to sort like the number (negative: every bit flipped; else the sign bit
 * flipped; -0 before +0). On return `buf.keys` / `buf.rows` hold the sorted order and `sorted`
 * (length ≥ n) the float32 values. Digits shared by every key are skipped.
 */
export function sortFloat32WithRows(buf: RadixBuffers, n: number, sorted: Float32Array): void {
  const all = buf.counts;
  all.fill(0);
  {
    const keys = buf.keys;
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      all[k & 2047]!++;
      all[2048 + ((k >>> 11) & 2047)]!++;
      all[4096 + (k >>> 22)]!++;
    }
  }
  for (let pass = 0; pass < 3; pass++) {
    const shift = 11 * pass;
    const counts = all.subarray(2048 * pass, 2048 * pass + 2048);
    const { keys, rows, keysTmp, rowsTmp } = buf;
    let skip = false;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[d]!;
      if (c === n) skip = true;
      counts[d] = sum;
      sum += c;
    }
    if (skip) continue;
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const at = counts[(k >>> shift) & 2047]!++;
      keysTmp[at] = k;
      rowsTmp[at] = rows[i]!;
    }
    buf.keys = keysTmp;
    buf.keysTmp = keys;
    buf.rows = rowsTmp;
    buf.rowsTmp = rows;
  }
  const bits = new Uint32Array(sorted.buffer, sorted.byteOffset, sorted.length);
  const keys = buf.keys;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    bits[i] = k & 0x80000000 ? k ^ 0x80000000 : ~k;
  }
}
