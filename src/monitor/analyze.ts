import { chiSquaredPValue } from './chi-squared.js';
import type { DatasetProfile } from './dataset-profile.js';
import { binCounts, lInfinity, psiAndJs, wasserstein } from './distances.js';
import { KllSketch, ksDistance, robustDistance } from './kll-sketch.js';
import { effectiveConfig } from './monitor-files.js';
import { inferType, toStatistics } from './statistics.js';
import type { AnalysisOutcome, EmittedMetric, FeatureDrift, FeatureSettings, Violation } from './analysis-types.js';
import type { ConstraintsFile, FeatureConstraints, FeatureStatistics, StatisticsFile } from './types.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => String(Number(x.toPrecision(6)));

/**
 * Checks a current dataset profile against a baseline (statistics + constraints) the way Model
 * Monitor's analyzer does: columns matched by position, the six checks, drift distances with the
 * configured method and threshold, plus PSI, Jensen–Shannon and normalised Wasserstein distances.
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
  const drift: FeatureDrift[] = [];
  const metrics: EmittedMetric[] = [];
  const features = constraints.features;
  const statistics = toStatistics(current);

  if (current.columns.length < features.length) {
    violations.push({
      feature_name: features.slice(current.columns.length).map((f) => f.name).join(', '),
      constraint_check_type: 'missing_column_check',
      description: `There are missing columns in current dataset. Number of columns in current dataset: ${current.columns.length}, Number of columns in baseline constraints: ${features.length}`,
    });
  }
  if (current.columns.length > features.length) {
    violations.push({
      feature_name: current.columns.slice(features.length).map((c) => c.name).join(', '),
      constraint_check_type: 'extra_column_check',
      description: `There are extra columns in current dataset. Number of columns in current dataset: ${current.columns.length}, Number of columns in baseline constraints: ${features.length}`,
    });
  }

  const evaluate = config.evaluate_constraints !== 'Disabled';
  features.forEach((constraint, i) => {
    const col = current.columns[i];
    if (!col) return;
    const name = constraint.name;
    const override = { ...overridesOf(constraint), ...settings[name] };
    const total = col.present + col.missing;
    const completeness = total > 0 ? col.present / total : 0;
    metrics.push({ name: `feature_non_null_${name}`, value: completeness });
    if (!evaluate) return;

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
        violations.push({ feature_name: name, constraint_check_type: 'categorical_values_check', description: `Value: ${num(share)} does not meet the constraint requirement! ` });
      }
    }

    // baseline_drift_check.
    if (config.distribution_constraints.perform_comparison === 'Disabled') return;
    const base = baseline.features.find((f) => f.name === name) ?? baseline.features[i];
    const measured = measureDrift(base, col, constraint, override, config);
    if (!measured) return;
    drift.push(measured);
    metrics.push({ name: `feature_baseline_drift_${name}`, value: measured.distance });
    if (measured.exceeded && !measured.excluded) {
      violations.push({
        feature_name: name,
        constraint_check_type: 'baseline_drift_check',
        description: `Baseline drift distance: ${num(measured.distance)} exceeds threshold: ${num(measured.threshold)}`,
      });
    }
  });

  const status = violations.length > 0 ? 'CompletedWithViolations' : 'Completed';
  return {
    status,
    exitMessage:
      status === 'Completed'
        ? 'Completed: Job completed successfully with no violations.'
        : `CompletedWithViolations: Job completed successfully with ${violations.length} violations.`,
    statistics,
    violations,
    drift,
    metrics,
  };
}

function overridesOf(constraint: FeatureConstraints): FeatureSettings {
  const raw = (constraint.monitoringConfigOverrides ??
    (constraint as { monitoring_config_overrides?: Record<string, unknown> }).monitoring_config_overrides ??
    (constraint.string_constraints as { monitoring_config_overrides?: Record<string, unknown> } | undefined)?.monitoring_config_overrides ??
    {}) as Record<string, unknown>;
  const out: { exclude?: boolean; threshold?: number; method?: 'Simple' | 'Robust' } = {};
  if (raw['exclude'] === true || raw['exclude'] === 'true') out.exclude = true;
  const t = Number(raw['comparison_threshold']);
  if (raw['comparison_threshold'] !== undefined && Number.isFinite(t)) out.threshold = t;
  if (raw['comparison_method'] === 'Simple' || raw['comparison_method'] === 'Robust') out.method = raw['comparison_method'];
  return out;
}

function measureDrift(
  base: FeatureStatistics | undefined,
  col: DatasetProfile['columns'][number],
  constraint: FeatureConstraints,
  override: FeatureSettings,
  config: ReturnType<typeof effectiveConfig>,
): FeatureDrift | undefined {
  const dc = config.distribution_constraints;
  const excluded = override.exclude === true;
  const currentType = inferType(col);
  const numericBase = base?.numerical_statistics;
  if (numericBase && col.numeric > 0) {
    const kll = numericBase.distribution?.kll;
    if (!kll?.sketch) return undefined;
    const b = KllSketch.fromLevels(kll.sketch.data, kll.sketch.parameters?.k, kll.sketch.parameters?.c);
    const simple = ksDistance(b, col.sketch);
    const robust = robustDistance(simple, b.count, col.sketch.count);
    const method = override.method ?? dc.comparison_method;
    const distance = method === 'Simple' ? simple : robust;
    const threshold = override.threshold ?? dc.comparison_threshold;
    const edges = [numericBase.min, ...kll.buckets.slice(0, -1).map((x) => x.upper_bound), numericBase.max];
    const { psi, jensenShannon } = psiAndJs(kll.buckets.map((x) => x.count), binCounts(col.sketch, edges));
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
  const stringBase = base?.string_statistics;
  if (stringBase && col.present > 0) {
    const baseCounts = new Map(stringBase.distribution.categorical.buckets.map((x) => [String(x.value), Number(x.count)]));
    const threshold = override.threshold ?? dc.categorical_comparison_threshold ?? dc.comparison_threshold;
    if (dc.categorical_drift_method === 'ChiSquared') {
      // The p-value is reported; drift when it falls below the threshold.
      const { pValue } = chiSquaredPValue(baseCounts, col.categories);
      return { feature: constraint.name, type: currentType, method: 'ChiSquared', distance: pValue, threshold, exceeded: pValue < threshold, excluded };
    }
    const distance = lInfinity(baseCounts, col.categories);
    return { feature: constraint.name, type: currentType, method: 'LInfinity', distance, threshold, exceeded: distance > threshold, excluded };
  }
  return undefined;
}
