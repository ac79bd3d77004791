import { z } from 'zod';
import { InvalidArgumentError } from '../../core/errors.js';
import { describeIssue } from '../monitor-file-schemas.js';
import { quote } from '../one-line.js';
import { javaDouble } from './java-double.js';
import { REGRESSION_METRICS, type MetricEstimate, type RegressionMetricName } from './regression-metrics.js';

/**
 * Model Monitor's model-quality files for the Regression problem type (sagemaker-reference §13.4,
 * §13.5, §13.8): statistics.json with `regression_metrics`, constraints.json with
 * `regression_constraints`, constraint_violations.json with `metric_name`.
 */

/** A double as Jackson writes it: a number, or the strings "NaN", "Infinity", "-Infinity" for the others. */
export type JsonDouble = number | 'NaN' | 'Infinity' | '-Infinity';

export function toJsonDouble(x: number): JsonDouble {
  return Number.isFinite(x) ? x : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

export function fromJsonDouble(v: JsonDouble): number {
  return typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
}

export interface RegressionMetricEntry {
  readonly value: JsonDouble;
  readonly standard_deviation: JsonDouble;
}

/** statistics.json of a model-quality baseline or monitoring run (Regression). */
export interface RegressionStatisticsFile {
  readonly version: number;
  readonly dataset: { readonly item_count: number; readonly evaluation_time?: string };
  readonly regression_metrics: Readonly<Record<RegressionMetricName, RegressionMetricEntry>>;
}

/** The comparison operators of model-quality constraints: the two the service writes, and their "or equal" forms. */
export const COMPARISON_OPERATORS = ['GreaterThanThreshold', 'LessThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanOrEqualToThreshold'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export interface RegressionConstraint {
  readonly threshold: JsonDouble;
  readonly comparison_operator: ComparisonOperator;
}

/** constraints.json of a model-quality baseline (Regression); metrics left out are not checked. */
export interface RegressionConstraintsFile {
  readonly version: number;
  readonly regression_constraints: Readonly<Partial<Record<RegressionMetricName, RegressionConstraint>>>;
}

/** One entry of a model-quality constraint_violations.json (keys in the service's order). */
export interface ModelQualityViolation {
  readonly constraint_check_type: ComparisonOperator;
  readonly description: string;
  readonly metric_name: RegressionMetricName;
}

/** The operator the service suggests per metric: errors must not grow, r2 must not shrink (§13.5). */
export const SUGGESTED_OPERATORS: Readonly<Record<RegressionMetricName, ComparisonOperator>> = {
  mae: 'GreaterThanThreshold',
  mse: 'GreaterThanThreshold',
  rmse: 'GreaterThanThreshold',
  r2: 'LessThanThreshold',
};

// --- schemas -------------------------------------------------------------------------------------

const jsonDouble = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])], { error: 'must be a number (or "NaN")' });
const object = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape, { error: 'must be an object' });
const count = z.int({ error: 'must be an integer >= 0' }).min(0, { error: 'must be an integer >= 0' });
const metricEntry = object({ value: jsonDouble, standard_deviation: jsonDouble });
const constraint = object({
  threshold: jsonDouble,
  comparison_operator: z.enum(COMPARISON_OPERATORS, { error: `must be one of ${COMPARISON_OPERATORS.join(', ')}` }),
});

/** statistics.json (Regression): every field checked; unknown keys kept. */
export const regressionStatisticsSchema = object({
  version: z.number({ error: 'must be a finite number' }).optional(),
  dataset: object({ item_count: count, evaluation_time: z.string({ error: 'must be a string' }).optional() }),
  regression_metrics: object({ mae: metricEntry, mse: metricEntry, rmse: metricEntry, r2: metricEntry }),
});

/** constraints.json (Regression). */
export const regressionConstraintsSchema = object({
  version: z.number({ error: 'must be a finite number' }).optional(),
  regression_constraints: object({ mae: constraint.optional(), mse: constraint.optional(), rmse: constraint.optional(), r2: constraint.optional() }),
});

const OTHER_SECTIONS = ['binary_classification', 'multiclass_classification'];

/** Reads a model-quality statistics.json (Regression) written by the service or driftline; problems in one line. */
export function parseRegressionStatistics(text: string, source = 'statistics.json'): RegressionStatisticsFile {
  const doc = parseObject(text, source, 'statistics', 'regression_metrics');
  const result = regressionStatisticsSchema.safeParse(doc);
  if (!result.success) throw new InvalidArgumentError(describeIssue(source, doc, result.error.issues[0]!));
  const stats = doc as unknown as RegressionStatisticsFile;
  return { ...stats, version: stats.version ?? 0 };
}

/** Reads a model-quality constraints.json (Regression); unknown metrics and empty constraint sets are refused in one line. */
export function parseRegressionConstraints(text: string, source = 'constraints.json'): RegressionConstraintsFile {
  const doc = parseObject(text, source, 'constraints', 'regression_constraints');
  const result = regressionConstraintsSchema.safeParse(doc);
  if (!result.success) throw new InvalidArgumentError(describeIssue(source, doc, result.error.issues[0]!));
  const constraints = doc as unknown as RegressionConstraintsFile;
  const keys = Object.keys(constraints.regression_constraints);
  const unknown = keys.find((k) => !(REGRESSION_METRICS as readonly string[]).includes(k));
  if (unknown !== undefined)
    throw new InvalidArgumentError(
      `${source}: regression_constraints: unknown metric ${quote(unknown)} (regression metrics are ${REGRESSION_METRICS.join(', ')})`,
    );
  if (keys.length === 0) throw new InvalidArgumentError(`${source}: regression_constraints holds no metric to check`);
  return { ...constraints, version: constraints.version ?? 0 };
}

function parseObject(text: string, source: string, what: string, section: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = (err as Error).message.replace(/\s+/g, ' ').slice(0, 200);
    throw new InvalidArgumentError(`${source}: not valid JSON (${why})`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || typeof (doc as Record<string, unknown>)[section] !== 'object') {
    const suffix = what === 'statistics' ? '_metrics' : '_constraints';
    const other = doc && typeof doc === 'object' ? OTHER_SECTIONS.find((s) => `${s}${suffix}` in doc) : undefined;
    if (other !== undefined) throw new InvalidArgumentError(`${source}: holds ${other}${suffix}; only the Regression problem type is supported`);
    throw new InvalidArgumentError(`${source}: not a model-quality ${what} file for Regression (no "${section}" object)`);
  }
  return doc as Record<string, unknown>;
}

// --- building and checking -------------------------------------------------------------------------

/** statistics.json for metrics computed on `itemCount` rows at `evaluationTime` (ms). */
export function toRegressionStatistics(
  metrics: Readonly<Record<RegressionMetricName, MetricEstimate>>,
  itemCount: number,
  evaluationTime: number,
): RegressionStatisticsFile {
  const entries = {} as Record<RegressionMetricName, RegressionMetricEntry>;
  for (const m of REGRESSION_METRICS) entries[m] = { value: toJsonDouble(metrics[m].value), standard_deviation: toJsonDouble(metrics[m].standardDeviation) };
  return { version: 0.0, dataset: { item_count: itemCount, evaluation_time: new Date(evaluationTime).toISOString() }, regression_metrics: entries };
}

/**
 * The constraints the service suggests (§13.5): each threshold is the baseline value bit for bit,
 * `GreaterThanThreshold` for mae/mse/rmse and `LessThanThreshold` for r2. `thresholds` replace
 * the suggested value of some metrics.
 */
export function suggestRegressionConstraints(
  stats: RegressionStatisticsFile,
  thresholds: Readonly<Partial<Record<RegressionMetricName, number>>> = {},
): RegressionConstraintsFile {
  const out: Partial<Record<RegressionMetricName, RegressionConstraint>> = {};
  for (const m of REGRESSION_METRICS) {
    const given = thresholds[m];
    out[m] = { threshold: given !== undefined ? toJsonDouble(given) : stats.regression_metrics[m].value, comparison_operator: SUGGESTED_OPERATORS[m] };
  }
  return { version: 0.0, regression_constraints: out };
}

/** True when `value <op> threshold` holds, i.e. the constraint is violated (equality violates only the "OrEqualTo" forms; NaN never does). */
export function violates(value: number, op: ComparisonOperator, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

/**
 * The violations of a window's statistics against constraints, in metric order mae, mse, rmse, r2,
 * with the service's description: `Metric rmse with 1.1872 +/- 0.0213 was GreaterThanThreshold '0.866'`
 * (Java doubles; a NaN standard deviation prints as `NaN`, as Java would).
 */
export function checkRegressionConstraints(stats: RegressionStatisticsFile, constraints: RegressionConstraintsFile): ModelQualityViolation[] {
  const violations: ModelQualityViolation[] = [];
  for (const m of REGRESSION_METRICS) {
    const c = constraints.regression_constraints[m];
    if (!c) continue;
    const value = fromJsonDouble(stats.regression_metrics[m].value);
    const std = fromJsonDouble(stats.regression_metrics[m].standard_deviation);
    const threshold = fromJsonDouble(c.threshold);
    if (!violates(value, c.comparison_operator, threshold)) continue;
    violations.push({
      constraint_check_type: c.comparison_operator,
      description: `Metric ${m} with ${javaDouble(value)} +/- ${javaDouble(std)} was ${c.comparison_operator} '${javaDouble(threshold)}'`,
      metric_name: m,
    });
  }
  return violations;
}
