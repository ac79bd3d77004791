/**
 * Pearson's chi-squared goodness-of-fit of current category counts against baseline proportions,
 * as Deequ does it for Model Monitor's `ChiSquared` method: only current values of baseline
 * categories count; small expected counts are merged (into the next-smallest) until every expected
 * count is >= 10 for two categories, or at most 20% are < 5 for more. Returns the p-value, NaN when
 * fewer than two categories are left.
 */
export function chiSquaredPValue(baseline: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): { statistic: number; pValue: number } {
  const tb = [...baseline.values()].reduce((s, v) => s + v, 0);
  const cats = [...baseline.keys()];
  const observed = cats.map((k) => current.get(k) ?? 0);
  const tc = observed.reduce((s, v) => s + v, 0);
  if (tb === 0 || tc === 0) return { statistic: NaN, pValue: NaN };
  let groups = cats.map((k, i) => ({ expected: ((baseline.get(k) ?? 0) / tb) * tc, observed: observed[i]! }));
  const ok = () => (groups.length === 2 ? groups.every((g) => g.expected >= 10) : groups.filter((g) => g.expected < 5).length <= 0.2 * groups.length);
  while (groups.length >= 2 && !ok()) {
    groups = [...groups].sort((a, b) => a.expected - b.expected);
    const [a, b, ...rest] = groups;
    groups = [{ expected: a!.expected + b!.expected, observed: a!.observed + b!.observed }, ...rest];
  }
  if (groups.length < 2) return { statistic: NaN, pValue: NaN };
  let statistic = 0;
  for (const g of groups) statistic += g.expected > 0 ? (g.observed - g.expected) ** 2 / g.expected : 0;
  return { statistic, pValue: upperRegularizedGamma((groups.length - 1) / 2, statistic / 2) };
}

/** Q(a, x) = Γ(a, x) / Γ(a): series for x < a + 1, continued fraction otherwise. */
export function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnGammaA = lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lnGammaA);
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGammaA) * h;
}

/** ln Γ(x) (Lanczos, g = 7). */
function lnGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const xx = x - 1;
  let a = g[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += g[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}
