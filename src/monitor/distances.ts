import { walkCdfs, type KllSketch } from './kll-sketch.js';

const EPS = 1e-6;

/**
 * Population stability index and Jensen–Shannon distance (base 2, in [0, 1]) between two
 * histograms over the same bins (counts). Empty bins get a tiny floor so PSI stays finite.
 */
export function psiAndJs(baseline: readonly number[], current: readonly number[]): { psi: number; jensenShannon: number } {
  const tb = baseline.reduce((s, v) => s + v, 0);
  const tc = current.reduce((s, v) => s + v, 0);
  if (tb === 0 || tc === 0) return { psi: NaN, jensenShannon: NaN };
  let psi = 0;
  let js = 0;
  for (let i = 0; i < baseline.length; i++) {
    const p = Math.max(baseline[i]! / tb, EPS);
    const q = Math.max((current[i] ?? 0) / tc, EPS);
    psi += (q - p) * Math.log(q / p);
    const m = (p + q) / 2;
    js += 0.5 * p * Math.log2(p / m) + 0.5 * q * Math.log2(q / m);
  }
  return { psi, jensenShannon: Math.sqrt(Math.max(0, js)) };
}

/** Counts of a sketch's weight in the bins delimited by `edges` (values below the first edge go to bin 0, above the last to the last bin). */
export function binCounts(sketch: KllSketch, edges: readonly number[]): number[] {
  const counts: number[] = [];
  const total = sketch.count;
  let previous = 0;
  for (let i = 1; i < edges.length; i++) {
    const below = i === edges.length - 1 ? total : sketch.weightBelow(edges[i]!);
    counts.push(below - previous);
    previous = below;
  }
  return counts;
}

/** The Wasserstein-1 distance between the two sketched distributions (area between the CDFs). */
export function wasserstein(a: KllSketch, b: KllSketch): number {
  // Half widths: a step between values near -1.8e308 and 1.8e308 overflows, its half does not.
  let halfArea = 0;
  let prev = NaN;
  const ok = walkCdfs(a, b, (x, faBefore, fbBefore) => {
    const gap = Math.abs(faBefore - fbBefore);
    if (!Number.isNaN(prev) && gap > 0) halfArea += gap * (x / 2 - prev / 2);
    prev = x;
  });
  return ok ? halfArea * 2 : NaN;
}

/** Model Monitor's categorical LInfinity distance: the largest gap between category frequencies. */
export function lInfinity(baseline: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): number {
  const tb = [...baseline.values()].reduce((s, v) => s + v, 0);
  const tc = [...current.values()].reduce((s, v) => s + v, 0);
  if (tb === 0 || tc === 0) return NaN;
  let gap = 0;
  for (const key of new Set([...baseline.keys(), ...current.keys()])) {
    gap = Math.max(gap, Math.abs((baseline.get(key) ?? 0) / tb - (current.get(key) ?? 0) / tc));
  }
  return gap;
}
