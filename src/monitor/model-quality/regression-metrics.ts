import { createRandom } from '../../core/random.js';

/** The regression metrics of Model Monitor's model-quality statistics, in the service's key order. */
export const REGRESSION_METRICS = ['mae', 'mse', 'rmse', 'r2'] as const;
export type RegressionMetricName = (typeof REGRESSION_METRICS)[number];

/** The point values of the four metrics. */
export type RegressionValues = Readonly<Record<RegressionMetricName, number>>;

/** Below this many rows the service writes `"NaN"` as every standard deviation (sagemaker-reference §13.4). */
export const MIN_ROWS_FOR_STD = 200;
/** Subsamples of the standard deviation estimate, and the share of rows each holds (§13.4). */
export const STD_SAMPLES = 5;
export const STD_SAMPLE_FRACTION = 0.8;
/** Seed of the subsamples: the service's are random; driftline's are seeded so that a baseline is reproducible. */
export const DEFAULT_STD_SEED = 42;

/**
 * mae, mse, rmse and r2 of predictions `p` against ground truth `y` (sagemaker-reference §13.4):
 * `mae = Σ|y-p|/n`, `mse = Σ(y-p)²/n`, `rmse = √mse`, `r2 = 1 - Σ(y-p)² / Σ(y-ȳ)²`, each sum a plain
 * left-to-right double sum in row order (that reproduces the service's files to the last digit).
 * `rows` selects a subset (in that order); r2 is NaN or -Infinity when the labels are all equal.
 */
export function regressionValues(y: ArrayLike<number>, p: ArrayLike<number>, rows?: ArrayLike<number>): RegressionValues {
  const n = rows ? rows.length : y.length;
  let sumAbs = 0;
  let sumSq = 0;
  let sumY = 0;
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k]! : k;
    const e = y[i]! - p[i]!;
    sumAbs += Math.abs(e);
    sumSq += e * e;
    sumY += y[i]!;
  }
  const meanY = sumY / n;
  let ssTot = 0;
  for (let k = 0; k < n; k++) {
    const d = y[rows ? rows[k]! : k]! - meanY;
    ssTot += d * d;
  }
  const mse = sumSq / n;
  return { mae: sumAbs / n, mse, rmse: Math.sqrt(mse), r2: 1 - sumSq / ssTot };
}

/** A metric with its standard deviation; NaN standard deviations are written as the string "NaN". */
export interface MetricEstimate {
  readonly value: number;
  readonly standardDeviation: number;
}

/**
 * The four metrics with their standard deviations as the service estimates them (§13.4): with at
 * least 200 rows, each metric is recomputed on 5 random subsamples of 80% of the rows (without
 * replacement) and the standard deviation of those 5 values is reported; below 200 rows it is NaN.
 * The service's subsamples are random (two runs differ); driftline's come from a seeded generator,
 * so the same data and seed give the same file. Which standard deviation the service takes is
 * unconfirmed: driftline reports the sample standard deviation (n - 1) of the 5 values.
 */
export function regressionMetrics(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  options: { seed?: number } = {},
): Readonly<Record<RegressionMetricName, MetricEstimate>> {
  const values = regressionValues(y, p);
  const n = y.length;
  const std: Record<RegressionMetricName, number> = { mae: NaN, mse: NaN, rmse: NaN, r2: NaN };
  if (n >= MIN_ROWS_FOR_STD) {
    const random = createRandom(options.seed ?? DEFAULT_STD_SEED);
    const size = Math.floor(n * STD_SAMPLE_FRACTION);
    const index = new Uint32Array(n);
    const samples: RegressionValues[] = [];
    for (let s = 0; s < STD_SAMPLES; s++) {
      for (let i = 0; i < n; i++) index[i] = i;
      // Partial Fisher-Yates: the first `size` entries are a uniform sample without replacement, sorted back into row order.
      for (let i = 0; i < size; i++) {
        const j = i + random.int(n - i);
        const t = index[i]!;
        index[i] = index[j]!;
        index[j] = t;
      }
      samples.push(regressionValues(y, p, index.slice(0, size).sort()));
    }
    for (const m of REGRESSION_METRICS) std[m] = sampleStd(samples.map((s) => s[m]));
  }
  const out = {} as Record<RegressionMetricName, MetricEstimate>;
  for (const m of REGRESSION_METRICS) out[m] = { value: values[m], standardDeviation: std[m] };
  return out;
}

/** The sample standard deviation (n - 1). */
export function sampleStd(xs: readonly number[]): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
}
