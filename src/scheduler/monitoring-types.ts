/** A Model Monitor data-quality schedule on an endpoint (CreateMonitoringSchedule, the parts driftline uses). */
export interface MonitoringScheduleRecord {
  readonly name: string;
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
  readonly startedAt: number;
  readonly endedAt?: number;
}
