/** Model Monitor's inferred column types. */
export const INFERRED_TYPES = ['Integral', 'Fractional', 'String', 'Unknown'] as const;
export type InferredType = (typeof INFERRED_TYPES)[number];

/** One bucket of the 10 equal-width buckets over [min, max]. */
export interface KllBucket {
  readonly lower_bound: number;
  readonly upper_bound: number;
  readonly count: number;
}

/** `numerical_statistics` of statistics.json. */
export interface NumericalStatistics {
  readonly common: { readonly num_present: number; readonly num_missing: number };
  readonly mean: number;
  readonly sum: number;
  /** Population standard deviation (divides by N), as the service writes it. */
  readonly std_dev: number;
  readonly min: number;
  readonly max: number;
  /** Written by containers from late 2024 on. */
  readonly completeness?: number;
  /** An integer estimate, written by containers from late 2024 on. */
  readonly approximate_num_distinct_values?: number;
  readonly distribution: {
    readonly kll: {
      readonly buckets: readonly KllBucket[];
      readonly sketch: { readonly parameters: { readonly c: number; readonly k: number }; readonly data: readonly (readonly number[])[] };
    };
  };
}

/** `string_statistics` of statistics.json. */
export interface StringStatistics {
  readonly common: { readonly num_present: number; readonly num_missing: number };
  /** A double, approximate (it can exceed item_count). */
  readonly distinct_count: number;
  /** Written by containers from late 2024 on. */
  readonly completeness?: number;
  /** Absent for high-cardinality columns (the service writes buckets only for a few dozen distinct values). */
  readonly distribution?: { readonly categorical: { readonly buckets: readonly { readonly value: string; readonly count: number }[] } };
}

/** One feature of statistics.json. */
export interface FeatureStatistics {
  readonly name: string;
  readonly inferred_type: InferredType;
  readonly numerical_statistics?: NumericalStatistics;
  readonly string_statistics?: StringStatistics;
}

/** statistics.json, as Model Monitor writes it. */
export interface StatisticsFile {
  readonly version: number;
  readonly dataset: { readonly item_count: number };
  readonly features: readonly FeatureStatistics[];
}

/** `monitoring_config` of constraints.json. */
export interface MonitoringConfig {
  readonly evaluate_constraints: 'Enabled' | 'Disabled';
  readonly emit_metrics: 'Enabled' | 'Disabled';
  readonly datatype_check_threshold: number;
  readonly domain_content_threshold: number;
  readonly distribution_constraints: {
    readonly perform_comparison: 'Enabled' | 'Disabled';
    readonly comparison_threshold: number;
    readonly comparison_method: 'Simple' | 'Robust';
    readonly categorical_comparison_threshold?: number;
    readonly categorical_drift_method?: 'LInfinity' | 'ChiSquared';
  };
}

/** One feature of constraints.json. */
export interface FeatureConstraints {
  readonly name: string;
  readonly inferred_type: InferredType;
  readonly completeness: number;
  readonly num_constraints?: { readonly is_non_negative: boolean };
  readonly string_constraints?: { readonly domains?: readonly string[]; readonly monitoring_config_overrides?: Readonly<Record<string, unknown>> };
  /** Per-feature overrides (driftline honours exclude, comparison_threshold, comparison_method). */
  readonly monitoringConfigOverrides?: Readonly<Record<string, unknown>>;
  /** The same, as an SDK fixture spells it. */
  readonly monitoring_config_overrides?: Readonly<Record<string, unknown>>;
}

/** constraints.json, as Model Monitor writes it. */
export interface ConstraintsFile {
  readonly version: number;
  readonly features: readonly FeatureConstraints[];
  readonly monitoring_config: MonitoringConfig;
}

/** The monitoring_config the service really generates. */
export const DEFAULT_MONITORING_CONFIG: MonitoringConfig = Object.freeze({
  evaluate_constraints: 'Enabled',
  emit_metrics: 'Enabled',
  datatype_check_threshold: 1.0,
  domain_content_threshold: 1.0,
  distribution_constraints: Object.freeze({
    perform_comparison: 'Enabled',
    comparison_threshold: 0.1,
    comparison_method: 'Robust',
    categorical_comparison_threshold: 0.1,
    categorical_drift_method: 'LInfinity',
  }),
}) as MonitoringConfig;
