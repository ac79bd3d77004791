export { parseScheduleExpression, nextFireTime, nextFireTimes, type ScheduleExpression } from './schedule-expression.js';
export type { MonitoringScheduleRecord, MonitoringExecutionRecord, MonitoringExecutionStatus } from './monitoring-types.js';
export { MONITORING_EXECUTION_STATUSES } from './monitoring-types.js';
export type { MonitoringStore } from './monitoring-store.js';
export {
  MonitoringScheduleService,
  DATA_METRICS_NAMESPACE,
  type MonitoringPorts,
  type MonitoringScheduleServiceDeps,
  type ScheduleInput,
} from './monitoring-schedule-service.js';
