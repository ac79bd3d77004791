/**
 * The sample's deployment pipeline (CodePipeline `sagemaker-<project>-deploy`): an Approved model
 * version goes to a staging endpoint, waits for a person's approval, then goes to production with
 * data capture, a monitoring schedule and a drift alarm.
 */

export const STAGE_NAMES = ['DeployStaging', 'ManualApproval', 'DeployProd'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export const STAGE_STATUSES = ['Pending', 'InProgress', 'Succeeded', 'Failed', 'Rejected', 'Superseded', 'Abandoned'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export const DEPLOYMENT_STATUSES = ['InProgress', 'Succeeded', 'Failed', 'Rejected', 'Superseded'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** A stage config in the sample's JSON shape (`staging-config.json`, `prod-config.json`). */
export interface StageConfig {
  readonly stage_name: string;
  readonly instance_count: number;
  readonly instance_type: string;
  readonly auto_scaling?: {
    readonly min_capacity: number;
    readonly max_capacity: number;
    /** Invocations per instance per minute (the sample's CDK app: 750). */
    readonly target_value?: number;
    readonly scale_in_cooldown?: number;
    readonly scale_out_cooldown?: number;
  };
  /** Present on the production stage: data capture, the monitoring schedule and the drift alarm. */
  readonly schedule_config?: {
    readonly data_capture_sampling_percentage: number;
    readonly schedule_expression: string;
    readonly metric_name: string;
    readonly metric_threshold: number;
    /** Seconds. */
    readonly period: number;
  };
  /**
   * driftline: a model-quality schedule on the production endpoint (captured predictions merged with
   * their ground truth) and an alarm on one of its metrics; created when the version has a
   * model-quality baseline (DriftCheckBaselines.ModelQuality).
   */
  readonly model_quality_config?: {
    readonly schedule_expression: string;
    /** `rmse` (default), `mae`, `mse` (alarm above the threshold) or `r2` (alarm below). */
    readonly metric_name: 'rmse' | 'mae' | 'mse' | 'r2';
    /** The alarm threshold; absent: the version's baseline value times `threshold_ratio`. */
    readonly metric_threshold?: number;
    /** Default 1.25 (rmse 25% worse than on the validation split: healthy hours measured 1.01-1.04 times it on real and synthetic data; r2: the baseline divided by it). */
    readonly threshold_ratio?: number;
    /** Seconds. */
    readonly period: number;
    readonly start_time_offset?: string;
    readonly end_time_offset?: string;
    /** Fewer labelled rows in a window fail the run instead of publishing noisy metrics (default 200). */
    readonly minimum_records?: number;
  };
  /** driftline: pin a version instead of the one approved (the sample's `variant_config.model_package_version`). */
  readonly model_package_version?: number;
}

/** The monitoring schedule the production stage records (CreateMonitoringSchedule's shape; run by the scheduler). */
export interface MonitoringScheduleDefinition {
  readonly MonitoringScheduleName: string;
  readonly EndpointName: string;
  readonly ScheduleExpression: string;
  /** The baseline the schedule checks against: the version's DriftCheckBaselines.ModelDataQuality. */
  readonly BaselineStatisticsUri?: string;
  readonly BaselineConstraintsUri?: string;
  /** Model quality: where the labels are, and the window's offsets. */
  readonly MonitoringType?: 'DataQuality' | 'ModelQuality';
  readonly GroundTruthS3Uri?: string;
  readonly StartTimeOffset?: string;
  readonly EndTimeOffset?: string;
  readonly MinimumRecords?: number;
}

/** The alarm the production stage records (PutMetricAlarm's shape; evaluated by the alarms context). */
export interface MetricAlarmDefinition {
  readonly AlarmName: string;
  readonly AlarmDescription: string;
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: readonly { readonly Name: string; readonly Value: string }[];
  readonly Statistic: 'Average';
  readonly Period: number;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm: number;
  readonly Threshold: number;
  readonly ComparisonOperator: 'GreaterThanThreshold' | 'LessThanThreshold';
  readonly TreatMissingData: 'missing';
}

/** What a stage did, for the execution's history. */
export interface StageRecord {
  readonly name: StageName;
  readonly status: StageStatus;
  /** Epoch milliseconds. */
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** One line: what happened (or why it failed). */
  readonly message?: string;
  /** ManualApproval: who decided, and their comment. */
  readonly actor?: string;
  readonly comment?: string;
  /** Deploy stages: the endpoint, its config and the generation that must come InService. */
  readonly endpointName?: string;
  readonly endpointConfigName?: string;
  readonly endpointGeneration?: number;
  /** ManualApproval: when it times out (epoch ms). */
  readonly deadline?: number;
  /** DeployProd: what it recorded for monitoring. */
  readonly monitoringSchedule?: MonitoringScheduleDefinition;
  readonly alarm?: MetricAlarmDefinition;
  /** DeployProd: the model-quality schedule and alarm, when the version has a model-quality baseline. */
  readonly modelQualitySchedule?: MonitoringScheduleDefinition;
  readonly modelQualityAlarm?: MetricAlarmDefinition;
}

/** One execution of the deployment pipeline, for one model version. */
export interface DeploymentRecord {
  readonly id: string;
  /** The model package group (the sample's project). */
  readonly group: string;
  readonly version: number;
  readonly modelPackageArn: string;
  readonly status: DeploymentStatus;
  readonly stages: readonly StageRecord[];
  /** What started it: `approval of <group>/<version> by <actor>` or `manual`. */
  readonly trigger: string;
  readonly failureReason?: string;
  /** Bumped by every write (optimistic concurrency between the server and CLI commands). */
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly stagingConfig: StageConfig;
  readonly prodConfig: StageConfig;
  /** How long the manual approval waits, in milliseconds. */
  readonly approvalTimeoutMs: number;
}
