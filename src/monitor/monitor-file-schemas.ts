import { z } from 'zod';
import { quote } from './one-line.js';
import { INFERRED_TYPES } from './types.js';

/**
 * zod schemas of Model Monitor's statistics.json and constraints.json: every field the service
 * writes (older and newer containers, see docs: sagemaker-reference §1 and §12), each with the
 * expectation its error message states. Objects are loose: unknown keys are kept, never rejected.
 * Numbers must be finite (JSON.parse turns `1e999` into Infinity).
 */

const finite = z.number({ error: 'must be a finite number' });
const nonNegative = z.number({ error: 'must be a finite number >= 0' }).min(0, { error: 'must be a finite number >= 0' });
const positive = z.number({ error: 'must be a finite number > 0' }).gt(0, { error: 'must be a finite number > 0' });
const fraction = z
  .number({ error: 'must be a number from 0 to 1' })
  .min(0, { error: 'must be a number from 0 to 1' })
  .max(1, { error: 'must be a number from 0 to 1' });
const count = z.int({ error: 'must be an integer >= 0' }).min(0, { error: 'must be an integer >= 0' });
const text = z.string({ error: 'must be a string' });
const name = z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' });
const object = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape, { error: 'must be an object' });
const list = <T extends z.core.SomeType>(item: T) => z.array(item, { error: 'must be a list' });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(', ')}` });
const enabled = oneOf(['Enabled', 'Disabled']);
const inferredType = oneOf(INFERRED_TYPES);

/** KLL levels an item count could need: 2^64 values is beyond any dataset. */
export const MAX_KLL_LEVELS = 64;

const common = object({ num_present: count, num_missing: count });

const numericalStatistics = object({
  common,
  mean: finite,
  sum: finite,
  std_dev: nonNegative,
  min: finite,
  max: finite,
  /** Containers from late 2024 on. */
  completeness: fraction.optional(),
  approximate_num_distinct_values: count.optional(),
  distribution: object({
    kll: object({
      buckets: list(object({ lower_bound: finite, upper_bound: finite, count: nonNegative })),
      sketch: object({
        parameters: object({
          c: z.number({ error: 'must be a number in (0, 1]' }).gt(0, { error: 'must be a number in (0, 1]' }).max(1, { error: 'must be a number in (0, 1]' }),
          k: positive,
        }),
        data: list(list(finite)).max(MAX_KLL_LEVELS, { error: `must hold at most ${MAX_KLL_LEVELS} levels` }),
      }),
    }),
  }),
});

const stringStatistics = object({
  common,
  /** A double, approximate: it can exceed item_count. */
  distinct_count: nonNegative,
  completeness: fraction.optional(),
  /** Absent for high-cardinality columns. */
  distribution: object({ categorical: object({ buckets: list(object({ value: text, count })) }) }).optional(),
});

/** statistics.json. */
export const statisticsSchema = object({
  version: finite.optional(),
  dataset: object({ item_count: count }),
  features: list(
    object({
      name,
      inferred_type: inferredType,
      numerical_statistics: numericalStatistics.optional(),
      string_statistics: stringStatistics.optional(),
    }),
  ),
});

/** A threshold override may be written as a number or as a string holding one. */
const thresholdOverride = z.union(
  [
    nonNegative,
    z
      .string()
      .regex(/^\s*[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/, { error: 'must be a number >= 0' })
      .refine((v) => Number.isFinite(Number(v)), { error: 'must be a number >= 0' }),
  ],
  { error: 'must be a number >= 0' },
);

/** Per-feature overrides driftline honours; other keys are kept as written. */
const overrides = object({
  exclude: z.union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' }).optional(),
  comparison_threshold: thresholdOverride.optional(),
  comparison_method: oneOf(['Simple', 'Robust']).optional(),
});

/** constraints.json (older files lack the categorical keys; missing settings take the service's defaults). */
export const constraintsSchema = object({
  version: finite.optional(),
  features: list(
    object({
      name,
      inferred_type: inferredType,
      completeness: fraction,
      num_constraints: object({ is_non_negative: z.boolean({ error: 'must be true or false' }) }).optional(),
      string_constraints: object({ domains: list(text).optional(), monitoring_config_overrides: overrides.optional() }).optional(),
      monitoringConfigOverrides: overrides.optional(),
      monitoring_config_overrides: overrides.optional(),
    }),
  ),
  monitoring_config: object({
    evaluate_constraints: enabled.optional(),
    emit_metrics: enabled.optional(),
    datatype_check_threshold: fraction.optional(),
    domain_content_threshold: fraction.optional(),
    distribution_constraints: object({
      perform_comparison: enabled.optional(),
      comparison_threshold: nonNegative.optional(),
      comparison_method: oneOf(['Simple', 'Robust']).optional(),
      categorical_comparison_threshold: nonNegative.optional(),
      categorical_drift_method: oneOf(['LInfinity', 'ChiSquared']).optional(),
    }).optional(),
  }).optional(),
});

/** The first problem zod found, as one line: `<file>: feature '<name>': <field> <expectation>, got <value>`. */
export function describeIssue(source: string, doc: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  let where = '';
  let rest = path;
  if (path[0] === 'features' && typeof path[1] === 'number') {
    where = `${featureLabel(doc, path[1])}: `;
    rest = path.slice(2);
  }
  const field = fieldPath(rest);
  const value = valueAt(doc, path);
  const expectation = issue.message.startsWith('must ') ? issue.message : `must be valid (${issue.message})`;
  if (rest.length === 0) return `${source}: ${where.slice(0, -2) || 'the file'} ${expectation}, got ${show(value)}`;
  if (value === undefined) return `${source}: ${where}${field} is missing (it ${expectation})`;
  return `${source}: ${where}${field} ${expectation}, got ${show(value)}`;
}

/** `feature 'fare_amount'`, or `feature 3` when the feature has no usable name. */
export function featureLabel(doc: unknown, index: number): string {
  const f = valueAt(doc, ['features', index]);
  const n = f && typeof f === 'object' ? (f as { name?: unknown }).name : undefined;
  return typeof n === 'string' && n !== '' ? `feature ${quote(n)}` : `feature ${index + 1}`;
}

function fieldPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function valueAt(doc: unknown, path: readonly (string | number)[]): unknown {
  let v = doc;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** A value as the message shows it: numbers as JavaScript prints them (Infinity too), strings quoted and cut. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') {
    const s = JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v);
    return s.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  }
  return String(v);
}
