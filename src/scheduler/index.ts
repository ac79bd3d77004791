export { parseScheduleExpression, nextFireTime, nextFireTimes, type ScheduleExpression } from './schedule-expression.js';
export type {
  MonitoringScheduleRecord,
  MonitoringExecutionRecord,
  MonitoringExecutionStatus,
  MonitoringType,
  ModelQualitySettings,
} from './monitoring-types.js';
export { MONITORING_EXECUTION_STATUSES, MONITORING_TYPES } from './monitoring-types.js';
export type { MonitoringStore } from './monitoring-store.js';
export {
  MonitoringScheduleService,
  DATA_METRICS_NAMESPACE,
  MODEL_METRICS_NAMESPACE,
  parseTimeOffset,
  type MonitoringPorts,
  type MonitoringScheduleServiceDeps,
  type ScheduleInput,
} from './monitoring-schedule-service.js';
