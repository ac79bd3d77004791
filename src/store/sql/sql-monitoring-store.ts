import type { Kysely } from 'kysely';
import { NotFoundError, isAppError } from '../../core/errors.js';
import type { MonitoringExecutionRecord, MonitoringScheduleRecord, MonitoringStore } from '../../scheduler/index.js';
import type { MetadataDb } from '../schema.js';
import { translateSqlError } from './sql-errors.js';

/** MonitoringStore on SQL: records as JSON with the columns lookups use. */
export class SqlMonitoringStore implements MonitoringStore {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async saveSchedule(s: MonitoringScheduleRecord): Promise<MonitoringScheduleRecord | undefined> {
    const row = { revision: s.revision, record_json: JSON.stringify(s), updated_at: s.updatedAt };
    try {
      if (s.revision === 1) {
        await this.db
          .insertInto('monitoring_schedules')
          .values({ name: s.name, ...row })
          .execute();
        return s;
      }
      const res = await this.db
        .updateTable('monitoring_schedules')
        .set(row)
        .where('name', '=', s.name)
        .where('revision', '=', s.revision - 1)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1 ? s : undefined;
    } catch (err) {
      throw translateSqlError(err, 'save monitoring schedule', { name: 'monitoring schedule', key: s.name });
    }
  }

  async getSchedule(name: string): Promise<MonitoringScheduleRecord> {
    try {
      const row = await this.db.selectFrom('monitoring_schedules').select(['record_json']).where('name', '=', name).executeTakeFirst();
      if (!row) throw new NotFoundError('monitoring schedule', name);
      return JSON.parse(row.record_json) as MonitoringScheduleRecord;
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get monitoring schedule');
    }
  }

  async listSchedules(): Promise<MonitoringScheduleRecord[]> {
    try {
      const rows = await this.db.selectFrom('monitoring_schedules').select(['record_json']).orderBy('name').execute();
      return rows.map((r) => JSON.parse(r.record_json) as MonitoringScheduleRecord);
    } catch (err) {
      throw translateSqlError(err, 'list monitoring schedules');
    }
  }

  async deleteSchedule(name: string): Promise<void> {
    try {
      const res = await this.db.deleteFrom('monitoring_schedules').where('name', '=', name).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw new NotFoundError('monitoring schedule', name);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'delete monitoring schedule');
    }
  }

  async putExecution(e: MonitoringExecutionRecord): Promise<void> {
    try {
      const values = { schedule_name: e.scheduleName, scheduled_time: e.scheduledTime, status: e.status, record_json: JSON.stringify(e) };
      await this.db
        .insertInto('monitoring_executions')
        .values({ id: e.id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    } catch (err) {
      throw translateSqlError(err, 'save monitoring execution');
    }
  }

  async listExecutions(scheduleName: string, limit = 50): Promise<MonitoringExecutionRecord[]> {
    try {
      const rows = await this.db
        .selectFrom('monitoring_executions')
        .select(['record_json'])
        .where('schedule_name', '=', scheduleName)
        .orderBy('scheduled_time', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(1, Math.min(1000, limit)))
        .execute();
      return rows.map((r) => JSON.parse(r.record_json) as MonitoringExecutionRecord);
    } catch (err) {
      throw translateSqlError(err, 'list monitoring executions');
    }
  }
}
