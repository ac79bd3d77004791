import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { MetricStore } from './metric-store.js';
import { parseStatistic, percentileOf, periodStatistics, statisticValue } from './period-statistics.js';
import { METRIC_UNITS, type AnyStatistic, type MetricDatum, type MetricId, type MetricUnit } from './types.js';

/** CloudWatch accepts data points up to two weeks old and two hours ahead. */
const MAX_AGE_MS = 14 * 86_400_000;
const MAX_AHEAD_MS = 2 * 3_600_000;
/** Data points kept by default (CloudWatch keeps 1-hour data 455 days; one machine keeps less). */
export const DEFAULT_RETENTION_MS = 90 * 86_400_000;

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .min(1, { error: `must be 1 to ${max} characters` })
    .max(max, { error: `must be 1 to ${max} characters` });
const finite = z.number({ error: 'must be a finite number' });

const datumSchema = z
  .strictObject(
    {
      MetricName: text(255),
      Dimensions: z
        .array(z.strictObject({ Name: text(255), Value: text(1024) }, { error: 'must be {Name, Value}' }), { error: 'must be a list' })
        .max(30, { error: 'must hold at most 30 dimensions' })
        .default([]),
      Timestamp: z.union([z.string(), z.number()], { error: 'must be an ISO-8601 time or epoch milliseconds' }).optional(),
      Value: finite.optional(),
      Values: z.array(finite, { error: 'must be a list of numbers' }).max(150, { error: 'must hold at most 150 values' }).optional(),
      Counts: z.array(finite, { error: 'must be a list of numbers' }).max(150, { error: 'must hold at most 150 counts' }).optional(),
      Unit: z.enum(METRIC_UNITS, { error: 'must be a CloudWatch unit (Count, Seconds, None…)' }).default('None'),
    },
    { error: 'must be an object' },
  )
  .superRefine((d, ctx) => {
    if ((d.Value === undefined) === (d.Values === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of Value or Values' });
    if (d.Counts && (!d.Values || d.Counts.length !== d.Values.length))
      ctx.addIssue({ code: 'custom', path: ['Counts'], message: 'must pair one count with each of Values' });
    if (d.Counts?.some((c) => !Number.isInteger(c) || c < 0 || c > 10_000))
      ctx.addIssue({ code: 'custom', path: ['Counts'], message: 'must be whole numbers from 0 to 10000' });
    const names = new Set<string>();
    d.Dimensions.forEach((dim, i) => {
      if (names.has(dim.Name)) ctx.addIssue({ code: 'custom', path: ['Dimensions', i, 'Name'], message: `'${dim.Name}' is given twice` });
      names.add(dim.Name);
    });
  });

const putSchema = z.strictObject(
  {
    Namespace: text(255).refine((n) => !/^\s|\s$/.test(n) && !n.includes(':'), { error: 'must not start or end with a space or hold a colon' }),
    MetricData: z
      .array(datumSchema, { error: 'must be a list of data points' })
      .min(1, { error: 'must hold 1 to 1000 data points' })
      .max(1000, { error: 'must hold 1 to 1000 data points' }),
  },
  { error: 'must be {"Namespace", "MetricData": [...]}' },
);

/** GetMetricStatistics' input. */
export interface GetStatisticsInput {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly from: number;
  readonly to: number;
  /** Seconds: 1, 5, 10, 30 or a multiple of 60. */
  readonly period: number;
  readonly statistics: readonly string[];
}

export interface MetricsServiceDeps {
  readonly store: MetricStore;
  readonly clock: Clock;
  readonly retentionMs?: number;
}

/**
 * CloudWatch metrics on one machine: PutMetricData (checked as CloudWatch checks it),
 * GetMetricStatistics over aligned periods, ListMetrics, and retention. Endpoints, monitoring
 * schedules and users publish here; alarms read here.
 */
export class MetricsService {
  constructor(private readonly deps: MetricsServiceDeps) {}

  /** PutMetricData from its JSON shape; returns the data points stored. */
  async putMetricData(doc: unknown): Promise<MetricDatum[]> {
    const r = putSchema.safeParse(doc);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      throw new InvalidArgumentError(`invalid PutMetricData${at ? ` field ${at.replace(/^\./, '')}` : ''}: ${issue.message.replace(/\s+/g, ' ')}`);
    }
    const now = this.deps.clock.now();
    const data: MetricDatum[] = [];
    r.data.MetricData.forEach((d, i) => {
      const timestamp = d.Timestamp === undefined ? now : parseTime(d.Timestamp, `MetricData[${i}].Timestamp`);
      if (timestamp < now - MAX_AGE_MS || timestamp > now + MAX_AHEAD_MS)
        throw new InvalidArgumentError(`invalid PutMetricData field MetricData[${i}].Timestamp: must be within the last two weeks and at most two hours ahead`);
      const base = {
        namespace: r.data.Namespace,
        name: d.MetricName,
        dimensions: Object.fromEntries(d.Dimensions.map((x) => [x.Name, x.Value])),
        timestamp,
        unit: d.Unit,
      };
      if (d.Value !== undefined) data.push({ ...base, value: d.Value });
      else
        d.Values!.forEach((v, j) => {
          for (let k = 0; k < (d.Counts?.[j] ?? 1); k++) data.push({ ...base, value: v });
        });
    });
    await this.deps.store.put(data);
    return data;
  }

  /** Stores data points made by driftline itself (endpoints, monitors); they are trusted, only their numbers are checked. */
  async publish(data: readonly MetricDatum[]): Promise<void> {
    for (const d of data) if (!Number.isFinite(d.value)) throw new InvalidArgumentError(`metric ${d.name}: value ${d.value} is not a finite number`);
    if (data.length > 0) await this.deps.store.put(data);
  }

  /** GetMetricStatistics: one entry per period with data, oldest first, in CloudWatch's field names. */
  async getMetricStatistics(input: GetStatisticsInput): Promise<{ Label: string; Datapoints: Record<string, number | string>[] }> {
    if (!(input.period === 1 || input.period === 5 || input.period === 10 || input.period === 30 || (input.period > 0 && input.period % 60 === 0)))
      throw new InvalidArgumentError(`period ${input.period} s: use 1, 5, 10, 30 or a multiple of 60 seconds`);
    if (!(input.to > input.from)) throw new InvalidArgumentError('the end time must be after the start time');
    if (input.statistics.length === 0) throw new InvalidArgumentError('name at least one statistic');
    const stats = input.statistics.map(parseStatistic);
    const data = await this.deps.store.query({ namespace: input.namespace, name: input.name, dimensions: input.dimensions ?? {} }, input.from, input.to);
    const periods = periodStatistics(
      data,
      input.period * 1000,
      stats.filter((s) => percentileOf(s) !== undefined),
    );
    return {
      Label: input.name,
      Datapoints: periods.map((p) => {
        const row: Record<string, number | string> = { Timestamp: new Date(p.timestamp).toISOString() };
        for (const s of stats) {
          const v = statisticValue(p, s as AnyStatistic);
          if (v !== undefined) {
            if (percentileOf(s) !== undefined) row[`ExtendedStatistics.${s}`] = v;
            else row[s] = v;
          }
        }
        row['Unit'] = p.unit;
        return row;
      }),
    };
  }

  listMetrics(filter?: { namespace?: string; name?: string }): Promise<MetricId[]> {
    return this.deps.store.listMetrics(filter);
  }

  latest(namespace?: string): Promise<MetricDatum[]> {
    return this.deps.store.latest(namespace);
  }

  /** Drops data points older than the retention; returns how many. */
  enforceRetention(): Promise<number> {
    return this.deps.store.deleteBefore(this.deps.clock.now() - (this.deps.retentionMs ?? DEFAULT_RETENTION_MS));
  }
}

function parseTime(t: string | number, field: string): number {
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`invalid PutMetricData field ${field}: '${String(t).slice(0, 40)}' is not a time`);
  return ms;
}

export type { MetricUnit };
