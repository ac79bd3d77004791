import { InvalidArgumentError } from '../core/errors.js';
import { KllSketch, KLL_DEFAULTS } from './kll-sketch.js';
import { momentScale } from './column-profile.js';
import { kllBuckets, saturate } from './statistics.js';
import type { FeatureStatistics, InferredType, StatisticsFile } from './types.js';

/**
 * Combines statistics.json files of shards of one dataset (profiled separately, e.g. by several
 * workers) into the statistics of the whole: counts and sums add, means and population standard
 * deviations combine exactly (Chan), KLL sketches merge, category counts add. Features must match
 * by name and order.
 */
export function mergeStatistics(parts: readonly StatisticsFile[]): StatisticsFile {
  if (parts.length === 0) throw new InvalidArgumentError('nothing to merge');
  const names = parts[0]!.features.map((f) => f.name);
  for (const p of parts) {
    if (p.features.length !== names.length || p.features.some((f, i) => f.name !== names[i])) {
      throw new InvalidArgumentError('statistics to merge must have the same features in the same order');
    }
  }
  return {
    version: 0.0,
    dataset: { item_count: parts.reduce((s, p) => s + p.dataset.item_count, 0) },
    features: names.map((name, i) =>
      mergeFeature(
        name,
        parts.map((p) => p.features[i]!),
      ),
    ),
  };
}

function mergeFeature(name: string, fs: readonly FeatureStatistics[]): FeatureStatistics {
  const types = new Set(fs.map((f) => f.inferred_type).filter((t) => t !== 'Unknown'));
  const type: InferredType = types.has('String') ? 'String' : types.has('Fractional') ? 'Fractional' : types.has('Integral') ? 'Integral' : 'Unknown';
  const missing = fs.reduce((s, f) => s + (f.numerical_statistics?.common.num_missing ?? f.string_statistics?.common.num_missing ?? 0), 0);
  const present = fs.reduce((s, f) => s + (f.numerical_statistics?.common.num_present ?? f.string_statistics?.common.num_present ?? 0), 0);
  if (type === 'Integral' || type === 'Fractional') {
    const parts = fs.map((f) => f.numerical_statistics).filter((n) => n !== undefined && n.common.num_present > 0);
    let n = 0;
    let mean = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const p of parts) {
      min = Math.min(min, p!.min);
      max = Math.max(max, p!.max);
    }
    // Squared deviations in units of a power of two above every value, so that 1e308 cannot overflow them.
    const scale = momentScale(Math.max(Math.abs(min), Math.abs(max)));
    let m2 = 0;
    const sketch = new KllSketch();
    for (const p of parts) {
      const k = p!.common.num_present;
      const delta = p!.mean / scale - mean / scale;
      const total = n + k;
      m2 += (p!.std_dev / scale) ** 2 * k + (delta * delta * n * k) / total;
      mean = (mean / scale + (delta * k) / total) * scale;
      n = total;
      sum += p!.sum;
      const kll = p!.distribution.kll.sketch;
      sketch.merge(KllSketch.fromLevels(kll.data, kll.parameters.k, kll.parameters.c));
    }
    const average = n > 0 && Number.isFinite(sum / n) ? sum / n : mean;
    return {
      name,
      inferred_type: type,
      numerical_statistics: {
        common: { num_present: present, num_missing: missing },
        mean: n > 0 ? average : NaN,
        sum: saturate(sum),
        std_dev: n > 0 ? Math.sqrt(m2 / n) * scale : NaN,
        min,
        max,
        distribution: {
          kll: { buckets: kllBuckets(sketch, min, max), sketch: { parameters: { c: KLL_DEFAULTS.c, k: KLL_DEFAULTS.k }, data: sketch.toLevels() } },
        },
      },
    };
  }
  if (type === 'String') {
    const counts = new Map<string, number>();
    for (const f of fs)
      for (const b of f.string_statistics?.distribution?.categorical.buckets ?? []) counts.set(String(b.value), (counts.get(String(b.value)) ?? 0) + b.count);
    const buckets = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([value, count]) => ({ value, count }));
    // Shards whose categories were truncated report more distinct values than their buckets show: keep the largest as a lower bound.
    const distinct = Math.max(counts.size, ...fs.map((f) => f.string_statistics?.distinct_count ?? 0));
    // A shard without a category distribution (high cardinality) leaves the whole without one: its counts are unknown.
    const complete = fs.every((f) => !f.string_statistics || f.string_statistics.distribution);
    return {
      name,
      inferred_type: type,
      string_statistics: {
        common: { num_present: present, num_missing: missing },
        distinct_count: distinct,
        ...(complete ? { distribution: { categorical: { buckets } } } : {}),
      },
    };
  }
  return { name, inferred_type: 'Unknown' };
}
