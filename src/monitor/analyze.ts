import { chiSquaredPValue } from './chi-squared.js';
import type { ColumnProfile } from './column-profile.js';
import type { DatasetProfile } from './dataset-profile.js';
import { binCounts, lInfinity, psiAndJs, wasserstein } from './distances.js';
import { KllSketch, ksDistance, robustDistance } from './kll-sketch.js';
import { effectiveConfig } from './monitor-files.js';
import { inferType, toStatistics } from './statistics.js';
import {
  EXTRA_COLUMNS,
  MISSING_COLUMNS,
  type AnalysisOutcome,
  type EmittedMetric,
  type FeatureDrift,
  type FeatureSettings,
  type UncheckedFeature,
  type Violation,
} from './analysis-types.js';
import type { ConstraintsFile, FeatureConstraints, FeatureStatistics, MonitoringConfig, StatisticsFile } from './types.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** Numbers in descriptions are full-precision doubles, as the service prints them. */
const full = (x: number) => String(x);

/**
 * Checks a current dataset profile against a baseline (statistics + constraints) the way Model
 * Monitor's analyzer does: columns matched by name (the caller names the columns of headerless data
 * and capture by position), the six checks, drift distances with the configured method and
 * threshold, plus PSI, Jensen–Shannon and normalised Wasserstein distances. A check that cannot be
 * run for a feature is listed in `unchecked` with the reason, never dropped silently.
 * `settings` (per feature, from the command line) win over constraints.json overrides.
 */
export function analyze(
  baseline: StatisticsFile,
  constraints: ConstraintsFile,
  current: DatasetProfile,
  settings: Readonly<Record<string, FeatureSettings>> = {},
): AnalysisOutcome {
  const config = effectiveConfig(constraints.monitoring_config);
  const violations: Violation[] = [];
  const unchecked: UncheckedFeature[] = [];
  const drift: FeatureDrift[] = [];
  const metrics: EmittedMetric[] = [];
  const features = constraints.features;
  const statistics = toStatistics(current);

  const columns = new Map<string, ColumnProfile>();
  const extraColumns: string[] = [];
  const known = new Set(features.map((f) => f.name));
  for (const c of current.columns) {
    if (known.has(c.name) && !columns.has(c.name)) columns.set(c.name, c);
    else extraColumns.push(c.name);
  }
  const missingColumns = features.filter((f) => !columns.has(f.name)).map((f) => f.name);
  const counts = `Number of columns in current dataset: ${current.columns.length}, Number of columns in baseline constraints: ${features.length}`;
  if (missingColumns.length > 0) {
    violations.push({
      feature_name: MISSING_COLUMNS,
      constraint_check_type: 'missing_column_check',
      description: `There are missing columns in current dataset. ${counts}. Missing: ${missingColumns.map((n) => JSON.stringify(n)).join(', ')}`,
    });
  }
  if (extraColumns.length > 0) {
    violations.push({
      feature_name: EXTRA_COLUMNS,
      constraint_check_type: 'extra_column_check',
      description: `There are extra columns in current dataset. ${counts}. Extra: ${extraColumns.map((n) => JSON.stringify(n)).join(', ')}`,
    });
  }
  const baseByName = new Map(baseline.features.map((f) => [f.name, f]));

  const evaluate = config.evaluate_constraints !== 'Disabled';
  for (const constraint of features) {
    const col = columns.get(constraint.name);
    if (!col) continue;
    const name = constraint.name;
    const override = { ...overridesOf(constraint), ...settings[name] };
    const total = col.present + col.missing;
    const completeness = total > 0 ? col.present / total : 0;
    metrics.push({ name: `feature_non_null_${name}`, value: completeness });
    if (!evaluate) continue;

    // data_type_check: the share of present values of the baseline's type.
    if (col.present > 0 && (constraint.inferred_type === 'Integral' || constraint.inferred_type === 'Fractional')) {
      const matching = constraint.inferred_type === 'Integral' ? col.integral : col.integral + col.fractional;
      const share = matching / col.present;
      if (share < config.datatype_check_threshold) {
        violations.push({
          feature_name: name,
          constraint_check_type: 'data_type_check',
          description: `Data type match requirement is not met. Expected data type: ${constraint.inferred_type}, Expected match: ${pct(config.datatype_check_threshold)}. Observed: Only ${pct(share)} of data is ${constraint.inferred_type}.`,
        });
      }
    }
    // completeness_check.
    if (completeness < constraint.completeness - 1e-12) {
      violations.push({
        feature_name: name,
        constraint_check_type: 'completeness_check',
        description: `Data completeness requirement is not met. Expected completeness: ${pct(constraint.completeness)}. Observed: Only ${pct(completeness)} of data is present.`,
      });
    }
    // categorical_values_check.
    const domains = constraint.string_constraints?.domains;
    if (domains && domains.length > 0 && col.present > 0) {
      const allowed = new Set(domains);
      let inside = 0;
      for (const [value, count] of col.categories) if (allowed.has(value)) inside += count;
      const share = inside / col.present;
      if (share < config.domain_content_threshold) {
        violations.push({
          feature_name: name,
          constraint_check_type: 'categorical_values_check',
          description: `Value: ${full(share)} does not meet the constraint requirement! `,
        });
      }
    }

    // baseline_drift_check.
    if (config.distribution_constraints.perform_comparison === 'Disabled') continue;
    const measured = measureDrift(baseByName.get(name), col, constraint, override, config);
    if ('reason' in measured) {
      unchecked.push({ feature: name, check: 'baseline_drift_check', reason: measured.reason });
      continue;
    }
    drift.push(measured);
    metrics.push({ name: `feature_baseline_drift_${name}`, value: measured.distance });
    if (measured.exceeded && !measured.excluded) {
      violations.push({
        feature_name: name,
        constraint_check_type: 'baseline_drift_check',
        description: `Baseline drift distance: ${full(measured.distance)} exceeds threshold: ${full(measured.threshold)}`,
      });
    }
  }

  const status = violations.length > 0 ? 'CompletedWithViolations' : 'Completed';
  return { status, exitMessage: exitMessage(violations.length, unchecked), statistics, violations, unchecked, missingColumns, extraColumns, drift, metrics };
}

/** Model Monitor's exit message, which also says which checks could not be run (it never claims "no violations" for them). */
function exitMessage(violations: number, unchecked: readonly UncheckedFeature[]): string {
  const head =
    violations === 0
      ? `Completed: Job completed successfully with no violations${unchecked.length > 0 ? ' in the checks that ran' : ''}`
      : `CompletedWithViolations: Job completed successfully with ${violations} violations`;
  if (unchecked.length === 0) return `${head}.`;
  const shown = unchecked.slice(0, 5).map((u) => `${u.feature} (${u.check})`);
  const more = unchecked.length > 5 ? ` and ${unchecked.length - 5} more` : '';
  return `${head}; ${unchecked.length} check${unchecked.length > 1 ? 's' : ''} could not be run: ${shown.join(', ')}${more}.`;
}

function overridesOf(constraint: FeatureConstraints): FeatureSettings {
  const raw = (constraint.monitoringConfigOverrides ??
    constraint.monitoring_config_overrides ??
    constraint.string_constraints?.monitoring_config_overrides ??
    {}) as Record<string, unknown>;
  const out: { exclude?: boolean; threshold?: number; method?: 'Simple' | 'Robust' } = {};
  if (raw['exclude'] === true || raw['exclude'] === 'true') out.exclude = true;
  const t = Number(raw['comparison_threshold']);
  if (raw['comparison_threshold'] !== undefined && Number.isFinite(t)) out.threshold = t;
  if (raw['comparison_method'] === 'Simple' || raw['comparison_method'] === 'Robust') out.method = raw['comparison_method'];
  return out;
}

/** The drift of one feature, or why it cannot be measured. */
function measureDrift(
  base: FeatureStatistics | undefined,
  col: ColumnProfile,
  constraint: FeatureConstraints,
  override: FeatureSettings,
  config: MonitoringConfig,
): FeatureDrift | { reason: string } {
  const dc = config.distribution_constraints;
  const excluded = override.exclude === true;
  const currentType = inferType(col);
  if (!base) return { reason: 'the baseline statistics.json has no feature of this name' };
  const numericBase = base.numerical_statistics;
  const stringBase = base.string_statistics;
  if (!numericBase && !stringBase) return { reason: 'the baseline statistics.json has neither numerical_statistics nor string_statistics for it' };
  if (col.present === 0) return { reason: 'the current data has no values in this column' };
  if (numericBase && (col.numeric > 0 || !stringBase)) {
    const kll = numericBase.distribution.kll;
    const b = KllSketch.fromLevels(kll.sketch.data, kll.sketch.parameters.k, kll.sketch.parameters.c);
    if (b.count === 0) return { reason: 'the baseline KLL sketch holds no values' };
    if (col.numeric === 0) return { reason: 'the current data has no numeric values in this column' };
    const simple = ksDistance(b, col.sketch);
    const robust = robustDistance(simple, b.count, col.sketch.count);
    const method = override.method ?? dc.comparison_method;
    const distance = method === 'Simple' ? simple : robust;
    if (!Number.isFinite(distance)) return { reason: `the ${method} distance could not be computed` };
    const threshold = override.threshold ?? dc.comparison_threshold;
    const edges = [numericBase.min, ...kll.buckets.slice(0, -1).map((x) => x.upper_bound), numericBase.max];
    const { psi, jensenShannon } = psiAndJs(
      kll.buckets.map((x) => x.count),
      binCounts(col.sketch, edges),
    );
    const w = wasserstein(b, col.sketch);
    return {
      feature: constraint.name,
      type: currentType,
      method,
      distance,
      threshold,
      exceeded: distance > threshold,
      excluded,
      simple,
      robust,
      sketchErrorBound: Math.max(b.rankErrorBound, col.sketch.rankErrorBound) * 2,
      ksExact: b.rankErrorBound === 0 && col.sketch.rankErrorBound === 0,
      psi,
      jensenShannon,
      wassersteinNormalized: numericBase.std_dev > 0 ? w / numericBase.std_dev : NaN,
    };
  }
  const categorical = stringBase?.distribution?.categorical;
  if (!categorical) return { reason: 'the baseline has no category distribution (a high-cardinality String feature)' };
  const baseCounts = new Map(categorical.buckets.map((x) => [x.value, x.count]));
  if (![...baseCounts.values()].some((c) => c > 0)) return { reason: 'the baseline category counts are all zero' };
  const threshold = override.threshold ?? dc.categorical_comparison_threshold ?? dc.comparison_threshold;
  if (dc.categorical_drift_method === 'ChiSquared') {
    // The p-value is reported; drift when it falls below the threshold.
    const { pValue } = chiSquaredPValue(baseCounts, col.categories);
    if (Number.isNaN(pValue)) return { reason: 'ChiSquared needs current values in at least two baseline categories (after merging small ones)' };
    return { feature: constraint.name, type: currentType, method: 'ChiSquared', distance: pValue, threshold, exceeded: pValue < threshold, excluded };
  }
  const distance = lInfinity(baseCounts, col.categories);
  if (Number.isNaN(distance)) return { reason: 'the LInfinity distance could not be computed' };
  return { feature: constraint.name, type: currentType, method: 'LInfinity', distance, threshold, exceeded: distance > threshold, excluded };
}
