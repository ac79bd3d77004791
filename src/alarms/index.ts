export {
  evaluateAlarm,
  evaluationWindow,
  cwTime,
  ALARM_STATES,
  COMPARISON_OPERATORS,
  TREAT_MISSING_DATA,
  MISSING_LOOKBACK_PERIODS,
  type AlarmState,
  type AlarmRule,
  type AlarmEvaluation,
  type ComparisonOperator,
  type TreatMissingData,
} from './evaluate-alarm.js';
export type { AlarmHistoryItem, AlarmRecord, MetricAlarmDefinition } from './types.js';
export type { AlarmStore } from './alarm-store.js';
export { AlarmService, parseMetricAlarm, alarmArn, CLOUDWATCH_EVENT_SOURCE, ALARM_STATE_CHANGE, type AlarmServiceDeps } from './alarm-service.js';
