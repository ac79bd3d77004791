import type { AlarmHistoryItem, AlarmRecord } from './types.js';

/** Alarms and their history (SQL adapter in `store/`). */
export interface AlarmStore {
  /** Inserts or replaces the alarm; a replace must find revision `alarm.revision - 1` (else undefined). */
  saveAlarm(alarm: AlarmRecord, history?: AlarmHistoryItem): Promise<AlarmRecord | undefined>;
  /** `not_found` if absent. */
  getAlarm(name: string): Promise<AlarmRecord>;
  /** By name; optionally only those in one state or with a name prefix. */
  listAlarms(filter?: { readonly state?: string; readonly prefix?: string }): Promise<AlarmRecord[]>;
  /** `not_found` if absent; its history goes too. */
  deleteAlarm(name: string): Promise<void>;
  /** Newest first. */
  history(name: string, limit?: number): Promise<AlarmHistoryItem[]>;
}
