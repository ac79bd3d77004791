import { HyperLogLog } from './hyper-log-log.js';
import { KllSketch } from './kll-sketch.js';

/** How many distinct string values are counted exactly before the profile keeps only the most frequent. */
export const MAX_TRACKED_CATEGORIES = 1000;

const INTEGRAL = /^[+-]?\d+$/;

/**
 * The power of two (from 1 to 2^1023) at or above `magnitude`: moments are kept in units of it, so
 * that values near the largest double (1e308) cannot overflow the squared deviations. Dividing by a
 * power of two is exact, so ordinary data gives the same results bit for bit.
 */
export function momentScale(magnitude: number): number {
  if (!(magnitude > 1)) return 1;
  return magnitude >= 2 ** 1023 ? 2 ** 1023 : 2 ** Math.ceil(Math.log2(magnitude));
}

/**
 * A one-pass, mergeable profile of one column: counts by type, moments (Welford/Chan), extremes,
 * a KLL sketch of the numeric values, and bounded category counts of the string values.
 * Memory is bounded whatever the row count.
 */
export class ColumnProfile {
  present = 0;
  missing = 0;
  integral = 0;
  fractional = 0;
  strings = 0;
  mean = 0;
  /** Welford's sum of squared deviations, in units of `scale`². */
  m2 = 0;
  /** A power of two at or above every |value| seen (see momentScale). */
  scale = 1;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly sketch = new KllSketch();
  readonly categories = new Map<string, number>();
  /** True once categories were dropped to stay bounded: string counts are then approximate. */
  categoriesTruncated = false;
  /** Distinct values of every counted category, for the distinct count once counts are truncated. */
  readonly distinct = new HyperLogLog();

  constructor(readonly name: string) {}

  /** Adds one raw cell: null/empty is missing; numbers from typed sources carry their own kind. */
  add(value: string | number | null, numericKind?: 'integral' | 'fractional'): void {
    if (value === null || value === '') {
      this.missing++;
      return;
    }
    this.present++;
    let x: number;
    if (typeof value === 'number') {
      if (Number.isNaN(value)) {
        this.present--;
        this.missing++;
        return;
      }
      x = value;
      if ((numericKind ?? (Number.isInteger(value) ? 'integral' : 'fractional')) === 'integral') this.integral++;
      else this.fractional++;
    } else {
      const text = value.trim();
      x = text === '' ? NaN : Number(text);
      if (!Number.isFinite(x)) {
        this.strings++;
        this.countCategory(value);
        return;
      }
      if (INTEGRAL.test(text)) this.integral++;
      else this.fractional++;
      // Numeric text is counted as a category only while cheap: it matters only if the column turns out String.
      if (this.strings > 0 || this.categories.size < MAX_TRACKED_CATEGORIES || this.categories.has(value)) this.countCategory(value);
      else this.categoriesTruncated = true;
    }
    this.addNumber(x);
  }

  /** Adds a chunk of typed numbers (NaN = missing) of one kind: the fast path for Parquet columns. */
  addNumbers(values: Float64Array, count: number, kind: 'integral' | 'fractional'): void {
    let present = 0;
    for (let i = 0; i < count; i++) {
      const x = values[i]!;
      if (x !== x) continue;
      present++;
      if (kind === 'integral') this.integral++;
      else this.fractional++;
      this.addNumber(x);
    }
    this.present += present;
    this.missing += count - present;
  }

  private addNumber(x: number): void {
    const n = this.integral + this.fractional;
    if (Math.abs(x) > this.scale) this.rescale(momentScale(Math.abs(x)));
    const s = this.scale;
    const delta = x / s - this.mean / s;
    this.mean = (this.mean / s + delta / n) * s;
    this.m2 += delta * (x / s - this.mean / s);
    this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.sketch.update(x);
  }

  private rescale(scale: number): void {
    this.m2 *= (this.scale / scale) ** 2;
    this.scale = scale;
  }

  private countCategory(value: string): void {
    this.distinct.add(value);
    const seen = this.categories.get(value);
    if (seen !== undefined) {
      this.categories.set(value, seen + 1);
      return;
    }
    if (this.categories.size >= MAX_TRACKED_CATEGORIES) {
      this.categoriesTruncated = true;
      this.dropRarest();
    }
    this.categories.set(value, 1);
  }

  private dropRarest(): void {
    // Misra–Gries style: decrement every counter, dropping the ones that reach zero.
    for (const [k, v] of this.categories) {
      if (v <= 1) this.categories.delete(k);
      else this.categories.set(k, v - 1);
    }
  }

  /** Numeric values counted (integral + fractional). */
  get numeric(): number {
    return this.integral + this.fractional;
  }

  /** The arithmetic mean as Model Monitor reports it: sum / count (the running `mean` when the sum overflows a double). */
  get average(): number {
    if (this.numeric === 0) return NaN;
    const a = this.sum / this.numeric;
    return Number.isFinite(a) ? a : this.mean;
  }

  /** Distinct string values: exact while every category is counted, else the HyperLogLog estimate. */
  get distinctCount(): number {
    return this.categoriesTruncated ? Math.max(this.categories.size, Math.round(this.distinct.estimate())) : this.categories.size;
  }

  /** Population standard deviation of the numeric values. */
  get stdDev(): number {
    const n = this.numeric;
    return n > 0 ? Math.sqrt(this.m2 / n) * this.scale : NaN;
  }

  /** Adds another shard's profile of the same column (Chan's parallel moments). */
  merge(other: ColumnProfile): void {
    const n1 = this.numeric;
    const n2 = other.numeric;
    if (n2 > 0) {
      const n = n1 + n2;
      const s = Math.max(this.scale, other.scale);
      this.rescale(s);
      const otherM2 = other.m2 * (other.scale / s) ** 2;
      const delta = other.mean / s - this.mean / s;
      this.mean = n1 === 0 ? other.mean : (this.mean / s + (delta * n2) / n) * s;
      this.m2 = this.m2 + otherM2 + (delta * delta * n1 * n2) / n;
      this.sum += other.sum;
      this.min = Math.min(this.min, other.min);
      this.max = Math.max(this.max, other.max);
      this.sketch.merge(other.sketch);
    }
    this.present += other.present;
    this.missing += other.missing;
    this.integral += other.integral;
    this.fractional += other.fractional;
    this.strings += other.strings;
    this.categoriesTruncated ||= other.categoriesTruncated;
    this.distinct.merge(other.distinct);
    for (const [k, v] of other.categories) {
      const seen = this.categories.get(k);
      if (seen !== undefined) this.categories.set(k, seen + v);
      else {
        if (this.categories.size >= MAX_TRACKED_CATEGORIES) {
          this.categoriesTruncated = true;
          this.dropRarest();
        }
        this.categories.set(k, v);
      }
    }
  }
}
