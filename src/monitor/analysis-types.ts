import type { StatisticsFile } from './types.js';

/** The six check types of constraint_violations.json. */
export const CHECK_TYPES = [
  'data_type_check',
  'completeness_check',
  'baseline_drift_check',
  'missing_column_check',
  'extra_column_check',
  'categorical_values_check',
] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

/** One entry of constraint_violations.json. */
export interface Violation {
  readonly feature_name: string;
  readonly constraint_check_type: CheckType;
  readonly description: string;
}

/** Per-feature settings that win over constraints.json (from the command line). */
export interface FeatureSettings {
  readonly exclude?: boolean;
  readonly threshold?: number;
  readonly method?: 'Simple' | 'Robust';
}

/** Every distance driftline measures for a feature, so a team can pick the measure it trusts. */
export interface FeatureDrift {
  readonly feature: string;
  readonly type: string;
  /** The method whose value is compared with the threshold (Simple/Robust, LInfinity/ChiSquared). */
  readonly method: string;
  /** The value compared with the threshold and published as feature_baseline_drift_<f>. */
  readonly distance: number;
  readonly threshold: number;
  readonly exceeded: boolean;
  /** Excluded features are measured and reported, never raise a violation. */
  readonly excluded: boolean;
  readonly simple?: number;
  readonly robust?: number;
  /** Normalised rank error bound of the two sketches: the KS value is within this of the exact one. */
  readonly sketchErrorBound?: number;
  /** True when both sketches still hold every value, so `simple` is the exact two-sample KS statistic. */
  readonly ksExact?: boolean;
  readonly psi?: number;
  readonly jensenShannon?: number;
  /** Wasserstein-1 distance divided by the baseline's standard deviation. */
  readonly wassersteinNormalized?: number;
}

/** A check that could not be run for a feature, and why (a run never claims "no violations" for it). */
export interface UncheckedFeature {
  readonly feature: string;
  readonly check: CheckType;
  readonly reason: string;
}

/** The pseudo feature names of table-level violations, as the service writes them. */
export const MISSING_COLUMNS = 'Missing columns';
export const EXTRA_COLUMNS = 'Extra columns';

/** A metric value a monitoring run emits (SageMaker's names). */
export interface EmittedMetric {
  readonly name: string;
  readonly value: number;
}

/** Model Monitor's execution statuses for a finished run. */
export type AnalysisStatus = 'Completed' | 'CompletedWithViolations' | 'Failed';

/** What an analysis produced. */
export interface AnalysisOutcome {
  readonly status: AnalysisStatus;
  readonly exitMessage: string;
  readonly failureReason?: string;
  readonly statistics?: StatisticsFile;
  readonly violations: readonly Violation[];
  /** Checks that could not be run, per feature, with the reason. */
  readonly unchecked: readonly UncheckedFeature[];
  /** Baseline features the current data lacks, and current columns the baseline lacks (by name). */
  readonly missingColumns: readonly string[];
  readonly extraColumns: readonly string[];
  readonly drift: readonly FeatureDrift[];
  readonly metrics: readonly EmittedMetric[];
  /** For captured traffic: files, records, rows, and malformed lines (counted, never fatal). */
  readonly capture?: {
    readonly files: number;
    readonly records: number;
    readonly rows: number;
    readonly outsideWindow: number;
    readonly shadowSkipped: number;
    readonly malformed: number;
    readonly malformedExamples: readonly string[];
  };
}
