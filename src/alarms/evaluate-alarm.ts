import { periodStart, periodStatistics, statisticValue, type AnyStatistic, type MetricDatum } from '../metrics/index.js';

import type { AlarmState } from './alarm-states.js';

export { ALARM_STATES, type AlarmState } from './alarm-states.js';

export const COMPARISON_OPERATORS = ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export const TREAT_MISSING_DATA = ['missing', 'notBreaching', 'breaching', 'ignore'] as const;
export type TreatMissingData = (typeof TREAT_MISSING_DATA)[number];

/** What the evaluation needs of an alarm (PutMetricAlarm's fields). */
export interface AlarmRule {
  readonly statistic: AnyStatistic;
  /** Seconds. */
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly treatMissingData: TreatMissingData;
}

/** The outcome of one evaluation: the state, and CloudWatch's reason text and reason data. */
export interface AlarmEvaluation {
  readonly state: AlarmState;
  readonly reason: string;
  /** JSON, as CloudWatch's `StateReasonData`. */
  readonly reasonData: string;
}

/** With `missing`, how many periods before the evaluation range are searched for data before the state becomes INSUFFICIENT_DATA. */
export const MISSING_LOOKBACK_PERIODS = 5;

/**
 * How many periods of data to read for an evaluation at `now`: the evaluation range plus the
 * look-back `missing` uses.
 */
export function evaluationWindow(rule: AlarmRule, now: number): { from: number; to: number } {
  const p = rule.period * 1000;
  const to = periodStart(now, p) + p;
  return { from: to - (rule.evaluationPeriods + MISSING_LOOKBACK_PERIODS) * p, to };
}

const OPERATOR_TEXT: Record<ComparisonOperator, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

function breaches(rule: AlarmRule, v: number): boolean {
  switch (rule.comparisonOperator) {
    case 'GreaterThanThreshold':
      return v > rule.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return v >= rule.threshold;
    case 'LessThanThreshold':
      return v < rule.threshold;
    case 'LessThanOrEqualToThreshold':
      return v <= rule.threshold;
  }
}

/**
 * Evaluates an alarm at `now` with CloudWatch's semantics ("M out of N"):
 * - the evaluation range is the last N periods, aligned on the period, up to the one holding `now`;
 * - each period's value is the statistic of its data points; a period without data is missing;
 * - ALARM when at least M periods breach; OK otherwise;
 * - missing periods: `notBreaching` counts them as good, `breaching` as bad; `ignore` leaves them
 *   out (no data at all keeps the state); `missing` leaves them out and looks back up to
 *   `MISSING_LOOKBACK_PERIODS` periods for the newest N periods with data, INSUFFICIENT_DATA when
 *   there are none (an hourly monitor's metric arrives some seconds after its period starts, and a
 *   schedule not aligned on the period stamps it in the previous one: neither may be missed, and
 *   the alarm must not flap to INSUFFICIENT_DATA and back in between).
 */
export function evaluateAlarm(rule: AlarmRule, data: readonly MetricDatum[], now: number, previous: AlarmState): AlarmEvaluation {
  const p = rule.period * 1000;
  const last = periodStart(now, p);
  const first = last - (rule.evaluationPeriods - 1) * p;
  const stats = periodStatistics(
    data.filter((d) => d.timestamp < last + p),
    p,
    rule.statistic.startsWith('p') ? [rule.statistic] : [],
  );
  const byStart = new Map(stats.map((s) => [s.timestamp, statisticValue(s, rule.statistic)]));
  const range: { start: number; value: number | undefined }[] = [];
  for (let t = last; t >= first; t -= p) range.push({ start: t, value: byStart.get(t) });
  let present = range.filter((r): r is { start: number; value: number } => r.value !== undefined);
  // With `missing`, periods without data are left out and CloudWatch looks further back for data
  // points: the newest N periods with data within the look-back are evaluated (a monitor's data
  // point stamped inside the previous period still counts a few seconds into the next one).
  if (rule.treatMissingData === 'missing' && present.length < range.length) {
    for (let t = first - p; t >= first - MISSING_LOOKBACK_PERIODS * p && present.length < range.length; t -= p) {
      const v = byStart.get(t);
      if (v !== undefined) present = [...present, { start: t, value: v }];
    }
  }
  const missing = range.length - present.length;
  const breaching = present.filter((r) => breaches(rule, r.value)).length + (rule.treatMissingData === 'breaching' ? missing : 0);
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: cwTime(now),
    startDate: cwTime(first),
    statistic: rule.statistic,
    period: rule.period,
    recentDatapoints: present.map((r) => r.value),
    threshold: rule.threshold,
    evaluatedDatapoints: present.map((r) => ({ timestamp: cwTime(r.start), value: r.value })),
  });
  const m = rule.datapointsToAlarm;
  const minimum = `(minimum ${m} datapoint${m === 1 ? '' : 's'} for ${previous === 'ALARM' ? 'ALARM -> OK' : 'OK -> ALARM'} transition)`;
  if (present.length === 0 && rule.treatMissingData === 'ignore')
    return { state: previous, reason: `no datapoints in the last ${range.length} period(s): the state stays ${previous}`, reasonData };
  if (present.length === 0 && rule.treatMissingData === 'missing')
    return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${range.length} datapoint${range.length === 1 ? ' was' : 's were'} unknown.`, reasonData };
  const shown = present.map((r) => `${fmt(r.value)} (${shortTime(r.start)})`).join(', ');
  const counted = rule.treatMissingData === 'notBreaching' || rule.treatMissingData === 'breaching' ? range.length : present.length;
  if (breaching >= m) {
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: ${breaching} out of the last ${counted} datapoints [${shown}] ${breaching === 1 ? 'was' : 'were'} ${OPERATOR_TEXT[rule.comparisonOperator]} the threshold (${fmt(rule.threshold)}) ${minimum}.`,
      reasonData,
    };
  }
  return {
    state: 'OK',
    reason: `Threshold Crossed: ${counted - breaching} out of the last ${counted} datapoints [${shown}] ${counted - breaching === 1 ? 'was' : 'were'} not ${OPERATOR_TEXT[rule.comparisonOperator]} the threshold (${fmt(rule.threshold)}) ${minimum}.`,
    reasonData,
  };
}

function fmt(v: number): string {
  return String(v);
}

/** `01/05/24 13:00:00` (dd/mm/yy, UTC), as CloudWatch's reason text shows times. */
function shortTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** `2024-05-01T13:14:05.112+0000`, CloudWatch's time format in reason data and events. */
export function cwTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
