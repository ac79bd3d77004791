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
