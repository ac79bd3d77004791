/**
 * The pipeline definition document, modelled on SageMaker Pipelines' definition JSON (SDK 2.113,
 * `../shared/docs/sagemaker-reference.md` §7). A definition is plain JSON: it is what `pipeline upsert`
 * stores, what the engine runs, and what the typed builder (pipeline-builder.ts) produces.
 */

export const DEFINITION_VERSION = '2020-12-01';

export type ParameterType = 'String' | 'Integer' | 'Float' | 'Boolean';
export type ParameterValue = string | number | boolean;

export interface ParameterDefinition {
  readonly Name: string;
  readonly Type: ParameterType;
  readonly DefaultValue?: ParameterValue;
  readonly EnumValues?: readonly string[];
}

/** `{"Get": "Parameters.X" | "Steps.S.Path" | "Execution.Var"}`. */
export interface GetExpression {
  readonly Get: string;
}

export interface JoinExpression {
  readonly 'Std:Join': { readonly On: string; readonly Values: readonly Expression[] };
}

export interface JsonGetExpression {
  readonly 'Std:JsonGet': { readonly PropertyFile: GetExpression | string; readonly Path: string };
}

/** A value in step arguments: a literal, a reference, or a function of other values. */
export type Expression = GetExpression | JoinExpression | JsonGetExpression | ParameterValue | null;

export const COMPARISON_TYPES = ['Equals', 'GreaterThan', 'GreaterThanOrEqualTo', 'LessThan', 'LessThanOrEqualTo'] as const;
export type ComparisonType = (typeof COMPARISON_TYPES)[number];

export type ConditionDefinition =
  | { readonly Type: ComparisonType; readonly LeftValue: Expression; readonly RightValue: Expression }
  | { readonly Type: 'In'; readonly QueryValue: Expression; readonly Values: readonly Expression[] }
  | { readonly Type: 'Not'; readonly Expression: ConditionDefinition }
  | { readonly Type: 'Or'; readonly Conditions: readonly ConditionDefinition[] };

export const STEP_TYPES = ['Processing', 'Training', 'QualityCheck', 'Condition', 'RegisterModel', 'Fail'] as const;
export type StepType = (typeof STEP_TYPES)[number];

export interface CacheConfig {
  readonly Enabled: boolean;
  /** ISO-8601 duration, e.g. `PT1H`, `P30D`. */
  readonly ExpireAfter?: string;
}

/** Failure classes a retry policy can name (SageMaker's step and job exception types). */
export const RETRYABLE_FAILURES = ['Step.SERVICE_FAULT', 'Step.THROTTLING', 'Job.INTERNAL_ERROR', 'Job.CAPACITY_ERROR', 'Job.RESOURCE_LIMIT'] as const;
export type FailureType = (typeof RETRYABLE_FAILURES)[number];

export interface RetryPolicy {
  /** Step-level failure types (`Step.*`). */
  readonly ExceptionType?: readonly string[];
  /** Job-level failure types (`Job.*`). */
  readonly FailureValue?: readonly string[];
  /** Seconds before the first retry (default 1). */
  readonly IntervalSeconds?: number;
  /** Multiplier of the interval per retry (default 2). */
  readonly BackoffRate?: number;
  /** Most retries after the first attempt (default 5, at most 20), as SageMaker counts them. */
  readonly MaxAttempts?: number;
}

export interface PropertyFileDefinition {
  readonly PropertyFileName: string;
  readonly OutputName: string;
  readonly FilePath: string;
}

export interface StepDefinition {
  readonly Name: string;
  readonly Type: StepType;
  readonly Arguments: Readonly<Record<string, unknown>>;
  readonly DependsOn?: readonly string[];
  readonly DisplayName?: string;
  readonly Description?: string;
  readonly CacheConfig?: CacheConfig;
  readonly RetryPolicies?: readonly RetryPolicy[];
  readonly PropertyFiles?: readonly PropertyFileDefinition[];
  /** QualityCheck extras (SageMaker keeps them beside Arguments). */
  readonly CheckType?: 'DATA_QUALITY';
  readonly ModelPackageGroupName?: Expression;
  readonly SkipCheck?: boolean;
  readonly RegisterNewBaseline?: boolean;
  readonly FailOnViolation?: boolean;
  readonly SuppliedBaselineStatistics?: Expression;
  readonly SuppliedBaselineConstraints?: Expression;
}

export interface PipelineDefinition {
  readonly Version: string;
  readonly Metadata: Readonly<Record<string, unknown>>;
  readonly Parameters: readonly ParameterDefinition[];
  readonly PipelineExperimentConfig?: unknown;
  /** How many steps may run at once (SageMaker's ParallelismConfiguration); default 2. */
  readonly ParallelismConfiguration?: { readonly MaxParallelExecutionSteps: number };
  readonly Steps: readonly StepDefinition[];
}

/** Execution statuses, as SageMaker's. */
export const EXECUTION_STATUSES = ['Executing', 'Stopping', 'Stopped', 'Failed', 'Succeeded'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Step statuses, as SageMaker's. */
export const STEP_STATUSES = ['Starting', 'Executing', 'Stopping', 'Stopped', 'Failed', 'Succeeded'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export function isTerminalExecutionStatus(s: ExecutionStatus): boolean {
  return s === 'Stopped' || s === 'Failed' || s === 'Succeeded';
}

export function isTerminalStepStatus(s: StepStatus): boolean {
  return s === 'Stopped' || s === 'Failed' || s === 'Succeeded';
}
