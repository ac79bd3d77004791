import { createRandom, type Random } from '../core/random.js';

/** The sketch parameters SageMaker's analyzer writes. */
export const KLL_DEFAULTS = { k: 2048, c: 0.64 } as const;

/**
 * A KLL quantile sketch (Karnin, Lang, Liberty), the structure Model Monitor stores in
 * `statistics.json` (`distribution.kll.sketch`): compactor levels where an item of level h stands
 * for 2^h values. Level capacities shrink geometrically by `c` from the top level down. Exact
 * (one level holding every value) until the first compaction. Mergeable; compaction coin flips
 * come from a seeded generator, so a sketch is deterministic for its input order.
 */
export class KllSketch {
  private levels: number[][] = [[]];
  private size = 0;
  /** Sum of the level capacities; it changes only when a level is added, so it is cached. */
  private limit = -1;
  /** New values wait here and enter level 0 a thousand at a time (fewer, larger compactions). */
  private readonly buffer = new Float64Array(1024);
  private buffered = 0;
  private n = 0;
  private readonly random: Random;

  constructor(
    readonly k: number = KLL_DEFAULTS.k,
    readonly c: number = KLL_DEFAULTS.c,
    seed = 0x6b6c6c,
  ) {
    this.random = createRandom(seed);
  }

  /** Rebuilds a sketch from the `data` levels of a statistics file. */
  static fromLevels(data: readonly (readonly number[])[], k: number = KLL_DEFAULTS.k, c: number = KLL_DEFAULTS.c): KllSketch {
    const sketch = new KllSketch(k, c);
    sketch.levels = data.length === 0 ? [[]] : data.map((level) => Array.from(Float64Array.from(level.map(Number)).sort()));
    sketch.size = sketch.levels.reduce((s, l) => s + l.length, 0);
    sketch.n = sketch.levels.reduce((s, l, h) => s + l.length * 2 ** h, 0);
    sketch.limit = -1;
    return sketch;
  }

  /** How many values the sketch stands for. */
  get count(): number {
    return this.n;
  }

  /** The compactor levels, lowest first (what statistics.json stores as `data`). */
  toLevels(): number[][] {
    this.flush();
    return this.levels.map((l) => [...l]);
  }

  update(value: number): void {
    this.buffer[this.buffered++] = value;
    this.n++;
    if (this.buffered === this.buffer.length) this.flush();
  }

  /** Moves buffered values into level 0 and compacts as needed. */
  private flush(): void {
    if (this.buffered === 0) return;
    this.levels[0] = mergeSorted(this.levels[0]!, this.buffer.subarray(0, this.buffered).sort());
    this.size += this.buffered;
    this.buffered = 0;
    while (this.size >= (this.limit < 0 ? this.maxSize() : this.limit)) this.compress();
  }

  /** Adds another sketch's values to this one. */
  merge(other: KllSketch): void {
    this.flush();
    other.flush();
    while (this.levels.length < other.levels.length) this.levels.push([]);
    this.limit = -1;
    other.levels.forEach((level, h) => {
      this.levels[h] = mergeSorted(this.levels[h]!, level);
    });
    this.size = this.levels.reduce((s, l) => s + l.length, 0);
    this.n += other.n;
    while (this.size >= this.maxSize()) this.compress();
  }

  /** The cumulative distribution: sorted distinct values and the weight of items <= each. */
  cdf(): { values: Float64Array; cumulative: Float64Array; total: number } {
    this.flush();
    const items: { v: number; w: number }[] = [];
    this.levels.forEach((level, h) => {
      const w = 2 ** h;
      for (const v of level) items.push({ v, w });
    });
    items.sort((a, b) => a.v - b.v);
    const values: number[] = [];
    const cumulative: number[] = [];
    let acc = 0;
    for (const it of items) {
      acc += it.w;
      if (values.length > 0 && values[values.length - 1] === it.v) cumulative[cumulative.length - 1] = acc;
      else {
        values.push(it.v);
        cumulative.push(acc);
      }
    }
    return { values: Float64Array.from(values), cumulative: Float64Array.from(cumulative), total: acc };
  }

  /** The weight of items < x (or <= x with `inclusive`). */
  weightBelow(x: number, inclusive = false): number {
    this.flush();
    let w = 0;
    this.levels.forEach((level, h) => {
      let k = 0;
      for (const v of level) if (v < x || (inclusive && v === x)) k++;
      w += k * 2 ** h;
    });
    return w;
  }

  /** The value at normalised rank q in [0, 1]. */
  quantile(q: number): number {
    const { values, cumulative, total } = this.cdf();
    if (values.length === 0) return NaN;
    const target = q * total;
    for (let i = 0; i < values.length; i++) if (cumulative[i]! >= target) return values[i]!;
    return values[values.length - 1]!;
  }

  /**
   * A bound on the normalised rank error with high probability: 0 while exact, else the
   * empirical KLL bound 2.296 / k^0.9723 used by Apache DataSketches.
   */
  get rankErrorBound(): number {
    this.flush();
    return this.levels.length === 1 ? 0 : 2.296 / this.k ** 0.9723;
  }

  private capacity(h: number): number {
    const depth = this.levels.length - h - 1;
    return Math.max(2, Math.ceil(this.k * this.c ** depth));
  }

  private maxSize(): number {
    let s = 0;
    for (let h = 0; h < this.levels.length; h++) s += this.capacity(h);
    this.limit = s;
    return s;
  }

  private compress(): void {
    for (let h = 0; h < this.levels.length; h++) {
      const level = this.levels[h]!;
      if (level.length >= this.capacity(h)) {
        if (h + 1 >= this.levels.length) {
          this.levels.push([]);
          this.limit = -1;
        }
        // Levels are kept sorted, so compaction needs no sort: the promoted items merge into the next level.
        const even = level.length - (level.length % 2);
        const keep = level.length % 2 === 1 ? [level[even]!] : [];
        const offset = this.random.next() < 0.5 ? 0 : 1;
        const promoted: number[] = [];
        for (let i = offset; i < even; i += 2) promoted.push(level[i]!);
        this.levels[h + 1] = mergeSorted(this.levels[h + 1]!, promoted);
        this.levels[h] = keep;
        this.size -= even / 2;
        return;
      }
    }
  }
}

/** Merges two ascending sequences into a new ascending array. */
function mergeSorted(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/**
 * The largest gap between the two CDFs (inclusive ranks) over every value either sketch holds:
 * Model Monitor's `Simple` distance, the two-sample KS statistic when both sketches are exact.
 */
export function ksDistance(a: KllSketch, b: KllSketch): number {
  let gap = 0;
  const ok = walkCdfs(a, b, (_x, _faBefore, _fbBefore, fa, fb) => {
    gap = Math.max(gap, Math.abs(fa - fb));
  });
  return ok ? gap : NaN;
}

/**
 * Walks the two sketches' CDFs over every value either holds, in increasing order, giving each
 * value with both CDFs just below it and at it (inclusive). Returns false when a sketch is empty
 * or holds NaN.
 */
export function walkCdfs(a: KllSketch, b: KllSketch, visit: (x: number, faBefore: number, fbBefore: number, fa: number, fb: number) => void): boolean {
  const A = a.cdf();
  const B = b.cdf();
  if (A.total === 0 || B.total === 0) return false;
  let i = 0;
  let j = 0;
  let fa = 0;
  let fb = 0;
  while (i < A.values.length || j < B.values.length) {
    const va = i < A.values.length ? A.values[i]! : Infinity;
    const vb = j < B.values.length ? B.values[j]! : Infinity;
    const x = Math.min(va, vb);
    // A NaN item (never from a checked file) would stop both walks from advancing: give up instead of spinning.
    if (va !== x && vb !== x) return false;
    const faBefore = fa;
    const fbBefore = fb;
    if (va === x) fa = A.cumulative[i++]! / A.total;
    if (vb === x) fb = B.cumulative[j++]! / B.total;
    visit(x, faBefore, fbBefore, fa, fb);
  }
  return true;
}

/** Model Monitor's `Robust` distance: the KS statistic less the two-sample critical value at c_alpha = 1.8. */
export function robustDistance(simple: number, n: number, m: number, cAlpha = 1.8): number {
  return Math.max(0, simple - cAlpha * Math.sqrt((n + m) / (n * m)));
}
