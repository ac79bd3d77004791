export const MONITORING_TYPES = ['DataQuality', 'ModelQuality'] as const;
export type MonitoringType = (typeof MONITORING_TYPES)[number];

/** A model-quality job definition's endpoint input and ground truth (CreateModelQualityJobDefinition, Regression). */
export interface ModelQualitySettings {
  readonly problemType: 'Regression';
  /** The prediction's column in the endpoint's output (`InferenceAttribute`, "0" for the first). */
  readonly inferenceAttribute: string;
  /** Where the labels are (`GroundTruthS3Input.S3Uri`): `<uri>/yyyy/mm/dd/hh/*.jsonl`. */
  readonly groundTruthUri: string;
  /** ISO-8601 offsets of the window's start and end from the run's time (`-P1D`, `-PT1H`); none: the period before the run. */
  readonly startTimeOffset?: string;
  readonly endTimeOffset?: string;
  /** Fewer labelled rows than this and the run fails instead of publishing metrics of a handful of trips. */
  readonly minimumRecords?: number;
}

/** A Model Monitor schedule on an endpoint (CreateMonitoringSchedule, the parts driftline uses). */
export interface MonitoringScheduleRecord {
  readonly name: string;
  /** DataQuality (default) or ModelQuality (predictions merged with ground truth). */
  readonly monitoringType?: MonitoringType;
  /** With ModelQuality. */
  readonly modelQuality?: ModelQualitySettings;
  readonly endpointName: string;
  /** `cron(0 * ? * * *)`, `rate(5 minutes)`… */
  readonly scheduleExpression: string;
  readonly baselineStatisticsUri: string;
  readonly baselineConstraintsUri: string;
  /** Features left out of the checks (e.g. `month` when the baseline holds one month). */
  readonly excludeFeatures: readonly string[];
  readonly status: 'Scheduled' | 'Stopped';
  /** The next nominal run time (epoch ms), stored so that a restart neither loses nor repeats a run. */
  readonly nextFireAt?: number;
  /** Where a `rate()` schedule's slots are counted from: when the expression was set. */
  readonly phaseFrom?: number;
  /** The nominal time of the last run started. */
  readonly lastScheduledTime?: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly revision: number;
}

export const MONITORING_EXECUTION_STATUSES = ['InProgress', 'Completed', 'CompletedWithViolations', 'Failed'] as const;
export type MonitoringExecutionStatus = (typeof MONITORING_EXECUTION_STATUSES)[number];

/** One run of a schedule (a MonitoringExecutionSummary). */
export interface MonitoringExecutionRecord {
  readonly id: string;
  readonly scheduleName: string;
  readonly endpointName: string;
  /** The nominal time of the run; the data window ends there. */
  readonly scheduledTime: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly status: MonitoringExecutionStatus;
  readonly failureReason?: string;
  /** The folder holding statistics.json, constraint_violations.json and the report. */
  readonly outputPath: string;
  readonly violations: number;
  readonly rows?: number;
  readonly monitoringType?: MonitoringType;
  /** ModelQuality: how many captured records the window held, how many found their label. */
  readonly merge?: { readonly captureRecords: number; readonly mergedRecords: number; readonly unlabelledRecords: number; readonly labelsNotMatched: number };
  readonly startedAt: number;
  readonly endedAt?: number;
}
