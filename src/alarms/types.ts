import type { AnyStatistic } from '../metrics/index.js';
import type { AlarmState, ComparisonOperator, TreatMissingData } from './evaluate-alarm.js';

/** PutMetricAlarm's fields (one metric, no math expressions), as CloudWatch names them. */
export interface MetricAlarmDefinition {
  readonly AlarmName: string;
  readonly AlarmDescription?: string;
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: readonly { readonly Name: string; readonly Value: string }[];
  /** `Statistic` (Average, Sum, Minimum, Maximum, SampleCount) or an `ExtendedStatistic` (p90). */
  readonly Statistic: AnyStatistic;
  /** Seconds: 10, 20, 30 or a multiple of 60. */
  readonly Period: number;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm: number;
  readonly Threshold: number;
  readonly ComparisonOperator: ComparisonOperator;
  readonly TreatMissingData: TreatMissingData;
  readonly ActionsEnabled: boolean;
}

/** A stored alarm: its definition and its current state. */
export interface AlarmRecord {
  readonly definition: MetricAlarmDefinition;
  readonly arn: string;
  readonly state: AlarmState;
  readonly stateReason: string;
  /** JSON (CloudWatch's `StateReasonData`). */
  readonly stateReasonData?: string;
  /** Epoch milliseconds of the last state change. */
  readonly stateUpdatedAt: number;
  /** Epoch milliseconds of the last evaluation (changed or not). */
  readonly evaluatedAt?: number;
  readonly createdAt: number;
  /** Bumped by every write (evaluations and definition updates never overwrite each other). */
  readonly revision: number;
}

/** One entry of DescribeAlarmHistory. */
export interface AlarmHistoryItem {
  readonly alarmName: string;
  readonly timestamp: number;
  readonly type: 'StateUpdate' | 'ConfigurationUpdate';
  readonly summary: string;
  /** JSON: the old and new state, as CloudWatch's `HistoryData`. */
  readonly data: string;
}
