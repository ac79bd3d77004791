import type { MonitoringExecutionRecord, MonitoringScheduleRecord } from './monitoring-types.js';

/** Monitoring schedules and their executions (SQL adapter in `store/`). */
export interface MonitoringStore {
  /** Inserts (revision 1, `already_exists` when taken) or replaces at the next revision; undefined when another writer got there first. */
  saveSchedule(s: MonitoringScheduleRecord): Promise<MonitoringScheduleRecord | undefined>;
  /** `not_found` if absent. */
  getSchedule(name: string): Promise<MonitoringScheduleRecord>;
  /** By name. */
  listSchedules(): Promise<MonitoringScheduleRecord[]>;
  /** `not_found` if absent; its executions stay. */
  deleteSchedule(name: string): Promise<void>;
  /** Inserts or replaces by id. */
  putExecution(e: MonitoringExecutionRecord): Promise<void>;
  /** Newest scheduled time first. */
  listExecutions(scheduleName: string, limit?: number): Promise<MonitoringExecutionRecord[]>;
}
