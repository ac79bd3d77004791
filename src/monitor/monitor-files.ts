import { InvalidArgumentError } from '../core/errors.js';
import { DEFAULT_MONITORING_CONFIG, INFERRED_TYPES, type ConstraintsFile, type MonitoringConfig, type StatisticsFile } from './types.js';

/**
 * Reads a statistics.json written by Model Monitor (or driftline), keeping every field as written.
 * Checks the shape it needs and reports the first problem in one line.
 */
export function parseStatistics(text: string, source = 'statistics.json'): StatisticsFile {
  const doc = parseJson(text, source) as Partial<StatisticsFile>;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.features)) throw new InvalidArgumentError(`${source}: not a statistics file (no "features" array)`);
  doc.features.forEach((f, i) => {
    if (typeof f?.name !== 'string') throw new InvalidArgumentError(`${source}: feature ${i + 1} has no name`);
    if (!(INFERRED_TYPES as readonly string[]).includes(f.inferred_type)) {
      throw new InvalidArgumentError(`${source}: feature '${f.name}' has unknown inferred_type '${String(f.inferred_type)}'`);
    }
    const kll = f.numerical_statistics?.distribution?.kll;
    if (f.numerical_statistics && kll?.sketch && !Array.isArray(kll.sketch.data)) {
      throw new InvalidArgumentError(`${source}: feature '${f.name}' has a KLL sketch without data levels`);
    }
  });
  return { ...doc, version: doc.version ?? 0, dataset: doc.dataset ?? { item_count: 0 }, features: doc.features } as StatisticsFile;
}

/**
 * Reads a constraints.json written by Model Monitor (or driftline). Older files lack the
 * categorical keys of `distribution_constraints`, and some spell per-feature overrides
 * `monitoring_config_overrides`; both are accepted. Missing settings take the service's defaults.
 */
export function parseConstraints(text: string, source = 'constraints.json'): ConstraintsFile {
  const doc = parseJson(text, source) as Partial<ConstraintsFile> & { monitoring_config?: Partial<MonitoringConfig> };
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.features)) throw new InvalidArgumentError(`${source}: not a constraints file (no "features" array)`);
  doc.features.forEach((f, i) => {
    if (typeof f?.name !== 'string') throw new InvalidArgumentError(`${source}: feature ${i + 1} has no name`);
  });
  return { ...doc, version: doc.version ?? 0, features: doc.features, monitoring_config: effectiveConfig(doc.monitoring_config) } as ConstraintsFile;
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
      categorical_comparison_threshold: dist?.categorical_comparison_threshold ?? dist?.comparison_threshold ?? d.distribution_constraints.categorical_comparison_threshold,
    },
  } as MonitoringConfig;
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`${source}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
}
