/**
 * A HyperLogLog distinct-count sketch (2^12 registers, about 1.6% standard error), mergeable by
 * register-wise maximum. Used for string columns once they have too many distinct values to count.
 */
export class HyperLogLog {
  static readonly P = 12;
  readonly registers = new Uint8Array(1 << HyperLogLog.P);

  add(value: string): void {
    const h = murmur3(value);
    const index = h >>> (32 - HyperLogLog.P);
    const rest = (h << HyperLogLog.P) | (1 << (HyperLogLog.P - 1));
    const rank = Math.clz32(rest) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  merge(other: HyperLogLog): void {
    for (let i = 0; i < this.registers.length; i++) if (other.registers[i]! > this.registers[i]!) this.registers[i] = other.registers[i]!;
  }

  /** The estimated number of distinct values (linear counting while many registers are empty). */
  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    if (raw <= 2.5 * m && zeros > 0) return m * Math.log(m / zeros);
    return raw;
  }
}

/** MurmurHash3 (x86, 32-bit) of a string's UTF-16 code units. */
function murmur3(key: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    let k = key.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= key.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
