/** CloudWatch metric data, as PutMetricData and GetMetricStatistics shape it. */

/** CloudWatch's `StandardUnit` values. */
export const METRIC_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

/** The statistics GetMetricStatistics and alarms compute per period. */
export const STATISTICS = ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount'] as const;
export type Statistic = (typeof STATISTICS)[number];
/** A statistic or an extended one (a percentile, `p0.0` to `p100`). */
export type AnyStatistic = Statistic | `p${string}`;

/** A metric's identity: namespace, name and its dimensions (name -> value, at most 30). */
export interface MetricId {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** One stored data point. */
export interface MetricDatum extends MetricId {
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly value: number;
  readonly unit: MetricUnit;
}

/** One period's statistics (GetMetricStatistics' `Datapoints`). */
export interface PeriodStatistics {
  /** Start of the period, epoch milliseconds. */
  readonly timestamp: number;
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
  readonly average: number;
  /** Requested percentiles, by name (`p90`). */
  readonly extended: Readonly<Record<string, number>>;
  readonly unit: MetricUnit;
}
