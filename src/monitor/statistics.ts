import type { ColumnProfile } from './column-profile.js';
import type { DatasetProfile } from './dataset-profile.js';
import { KLL_DEFAULTS, type KllSketch } from './kll-sketch.js';
import type { FeatureStatistics, InferredType, KllBucket, StatisticsFile } from './types.js';

/**
 * A column's inferred type as Model Monitor reports it: Integral when every present value is an
 * integer, Fractional when every one is a number, String otherwise (Unknown when all are missing).
 */
export function inferType(c: ColumnProfile): InferredType {
  if (c.present === 0) return 'Unknown';
  if (c.strings > 0) return 'String';
  return c.fractional > 0 ? 'Fractional' : 'Integral';
}

/** A statistic that overflowed a double is written as the largest double of its sign: JSON has no Infinity. */
export function saturate(x: number): number {
  return Number.isFinite(x) ? x : x > 0 ? Number.MAX_VALUE : x < 0 ? -Number.MAX_VALUE : 0;
}

/** The i-th of the ten bucket edges over [min, max]; by interpolation when max - min overflows (values near ±1.8e308). */
function bucketEdge(min: number, max: number, i: number): number {
  const edge = min + ((max - min) * i) / 10;
  return Number.isFinite(edge) ? edge : min * (1 - i / 10) + max * (i / 10);
}

/** The ten equal-width buckets over [min, max] from the sketch (the last one includes max). */
export function kllBuckets(sketch: KllSketch, min: number, max: number): KllBucket[] {
  const buckets: KllBucket[] = [];
  for (let i = 0; i < 10; i++) {
    const lower = bucketEdge(min, max, i);
    const upper = bucketEdge(min, max, i + 1);
    const count = (i === 9 ? sketch.weightBelow(max, true) : sketch.weightBelow(upper)) - sketch.weightBelow(lower);
    buckets.push({ lower_bound: lower, upper_bound: upper, count });
  }
  return buckets;
}

/** statistics.json for a profile. */
export function toStatistics(profile: DatasetProfile): StatisticsFile {
  return { version: 0.0, dataset: { item_count: profile.itemCount }, features: profile.columns.map(featureStatistics) };
}

function featureStatistics(c: ColumnProfile): FeatureStatistics {
  const type = inferType(c);
  const common = { num_present: c.present, num_missing: c.missing };
  if (type === 'Integral' || type === 'Fractional') {
    return {
      name: c.name,
      inferred_type: type,
      numerical_statistics: {
        common,
        mean: c.average,
        sum: saturate(c.sum),
        std_dev: saturate(c.stdDev),
        min: c.min,
        max: c.max,
        distribution: {
          kll: {
            buckets: kllBuckets(c.sketch, c.min, c.max),
            sketch: { parameters: { c: KLL_DEFAULTS.c, k: KLL_DEFAULTS.k }, data: c.sketch.toLevels() },
          },
        },
      },
    };
  }
  if (type === 'String') {
    const buckets = [...c.categories.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([value, count]) => ({ value, count }));
    return {
      name: c.name,
      inferred_type: type,
      string_statistics: { common, distinct_count: c.distinctCount, distribution: { categorical: { buckets } } },
    };
  }
  return { name: c.name, inferred_type: type };
}
