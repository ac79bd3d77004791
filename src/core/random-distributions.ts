import type { Random } from './random.js';

/** A standard normal draw (Box–Muller). */
export function normal(r: Random): number {
  let u = r.next();
  while (u <= Number.EPSILON) u = r.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
}

/** exp(N(mu, sigma)). */
export function logNormal(r: Random, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normal(r));
}

/** A Gamma(shape, 1) draw (Marsaglia–Tsang; boosted for shape < 1). */
export function gamma(r: Random, shape: number): number {
  if (shape < 1) return gamma(r, shape + 1) * r.next() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(r);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = r.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) draw. */
export function beta(r: Random, a: number, b: number): number {
  const x = gamma(r, a);
  const y = gamma(r, b);
  return x / (x + y);
}

/** Draws indices in proportion to fixed non-negative weights (cumulative table + binary search). */
export class WeightedSampler {
  private readonly cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += Math.max(0, w);
      this.cumulative[i] = sum;
    });
    if (sum <= 0) throw new RangeError('weights must have a positive sum');
  }

  /** An index i with probability weights[i] / sum(weights). */
  sample(r: Random): number {
    const c = this.cumulative;
    const target = r.next() * c[c.length - 1]!;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
