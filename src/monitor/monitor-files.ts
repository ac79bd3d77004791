import { InvalidArgumentError } from '../core/errors.js';
import { constraintsSchema, describeIssue, featureLabel, statisticsSchema } from './monitor-file-schemas.js';
import { quote } from './one-line.js';
import { DEFAULT_MONITORING_CONFIG, type ConstraintsFile, type MonitoringConfig, type StatisticsFile } from './types.js';

/**
 * Reads a statistics.json written by Model Monitor (or driftline), keeping every field as written.
 * Every field is checked (`statisticsSchema`); the first problem is reported in one line naming
 * the file, the feature and the field.
 */
export function parseStatistics(text: string, source = 'statistics.json'): StatisticsFile {
  const doc = parseJson(text, source);
  if (!isObject(doc) || !Array.isArray(doc['features'])) throw new InvalidArgumentError(`${source}: not a statistics file (no "features" array)`);
  const result = statisticsSchema.safeParse(doc);
  if (!result.success) throw new InvalidArgumentError(describeIssue(source, doc, result.error.issues[0]!));
  const stats = doc as unknown as StatisticsFile;
  checkUniqueNames(stats.features, source);
  stats.features.forEach((f, i) => {
    const n = f.numerical_statistics;
    if (n && n.min > n.max)
      throw new InvalidArgumentError(
        `${source}: ${featureLabel(doc, i)}: numerical_statistics.min (${n.min}) is greater than numerical_statistics.max (${n.max})`,
      );
  });
  return { ...stats, version: stats.version ?? 0 };
}

/**
 * Reads a constraints.json written by Model Monitor (or driftline). Older files lack the
 * categorical keys of `distribution_constraints`, and some spell per-feature overrides
 * `monitoring_config_overrides`; both are accepted. Missing settings take the service's defaults;
 * present ones are checked (`constraintsSchema`), the first problem reported in one line.
 */
export function parseConstraints(text: string, source = 'constraints.json'): ConstraintsFile {
  const doc = parseJson(text, source);
  if (!isObject(doc) || !Array.isArray(doc['features'])) throw new InvalidArgumentError(`${source}: not a constraints file (no "features" array)`);
  const result = constraintsSchema.safeParse(doc);
  if (!result.success) throw new InvalidArgumentError(describeIssue(source, doc, result.error.issues[0]!));
  const constraints = doc as unknown as ConstraintsFile & { monitoring_config?: Partial<MonitoringConfig> };
  checkUniqueNames(constraints.features, source);
  return { ...constraints, version: constraints.version ?? 0, monitoring_config: effectiveConfig(constraints.monitoring_config) };
}

/** The monitoring configuration with the service's defaults filled in. */
export function effectiveConfig(config: Partial<MonitoringConfig> | undefined): MonitoringConfig {
  const d = DEFAULT_MONITORING_CONFIG;
  const dist = config?.distribution_constraints;
  return {
    ...d,
    ...config,
    distribution_constraints: {
      ...d.distribution_constraints,
      ...dist,
      categorical_comparison_threshold:
        dist?.categorical_comparison_threshold ?? dist?.comparison_threshold ?? d.distribution_constraints.categorical_comparison_threshold,
    },
  } as MonitoringConfig;
}

function checkUniqueNames(features: readonly { name: string }[], source: string): void {
  const seen = new Map<string, number>();
  features.forEach((f, i) => {
    const first = seen.get(f.name);
    if (first !== undefined) throw new InvalidArgumentError(`${source}: feature ${quote(f.name)} appears twice (features ${first + 1} and ${i + 1})`);
    seen.set(f.name, i);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 quotes the start of the text in its message: keep it on one line.
    const why = (err as Error).message.replace(/\s+/g, ' ').slice(0, 200);
    throw new InvalidArgumentError(`${source}: not valid JSON (${why})`, { cause: err });
  }
}
