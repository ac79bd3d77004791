import { InvalidArgumentError } from '../core/errors.js';
import type { AnyStatistic, MetricDatum, PeriodStatistics } from './types.js';

/** The start of the period holding `t`: periods are aligned on multiples of their length since the epoch (hours start at :00). */
export function periodStart(t: number, periodMs: number): number {
  return Math.floor(t / periodMs) * periodMs;
}

/** Parses an extended statistic `p90`, `p99.9`: its percentile in [0, 100], or undefined when `stat` is not one. */
export function percentileOf(stat: string): number | undefined {
  const m = /^p(\d{1,3}(?:\.\d{1,2})?)$/.exec(stat);
  if (!m) return undefined;
  const p = Number(m[1]);
  return p <= 100 ? p : undefined;
}

/** Checks a statistic name: Average, Sum, Minimum, Maximum, SampleCount or a percentile p0-p100. */
export function parseStatistic(stat: string): AnyStatistic {
  if (['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount'].includes(stat) || percentileOf(stat) !== undefined) return stat as AnyStatistic;
  throw new InvalidArgumentError(`unknown statistic '${stat}': use Average, Sum, Minimum, Maximum, SampleCount or a percentile like p90`);
}

/**
 * Groups data points into periods (aligned as `periodStart`) and computes each period's statistics;
 * periods without data are absent. Percentiles are nearest-rank over the period's values.
 */
export function periodStatistics(data: readonly MetricDatum[], periodMs: number, percentiles: readonly string[] = []): PeriodStatistics[] {
  const groups = new Map<number, MetricDatum[]>();
  for (const d of data) {
    const start = periodStart(d.timestamp, periodMs);
    const g = groups.get(start);
    if (g) g.push(d);
    else groups.set(start, [d]);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([timestamp, ds]) => {
      let sum = 0;
      let minimum = Infinity;
      let maximum = -Infinity;
      for (const d of ds) {
        sum += d.value;
        if (d.value < minimum) minimum = d.value;
        if (d.value > maximum) maximum = d.value;
      }
      const extended: Record<string, number> = {};
      if (percentiles.length > 0) {
        const sorted = ds.map((d) => d.value).sort((a, b) => a - b);
        for (const name of percentiles) {
          const p = percentileOf(name);
          if (p === undefined) continue;
          const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
          extended[name] = sorted[rank - 1]!;
        }
      }
      return { timestamp, sampleCount: ds.length, sum, minimum, maximum, average: sum / ds.length, extended, unit: ds[0]!.unit };
    });
}

/** One statistic of a period. */
export function statisticValue(s: PeriodStatistics, stat: AnyStatistic): number | undefined {
  switch (stat) {
    case 'Average':
      return s.average;
    case 'Sum':
      return s.sum;
    case 'Minimum':
      return s.minimum;
    case 'Maximum':
      return s.maximum;
    case 'SampleCount':
      return s.sampleCount;
    default:
      return s.extended[stat];
  }
}
