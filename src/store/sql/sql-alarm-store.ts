import type { Kysely } from 'kysely';
import type { AlarmHistoryItem, AlarmRecord, AlarmStore } from '../../alarms/index.js';
import { NotFoundError, isAppError } from '../../core/errors.js';
import type { MetadataDb } from '../schema.js';
import { translateSqlError } from './sql-errors.js';

/** AlarmStore on SQL: the record as JSON with its state and revision as columns; history numbered per alarm. */
export class SqlAlarmStore implements AlarmStore {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async saveAlarm(alarm: AlarmRecord, history?: AlarmHistoryItem): Promise<AlarmRecord | undefined> {
    const name = alarm.definition.AlarmName;
    try {
      return await this.db.transaction().execute(async (trx) => {
        const row = { state: alarm.state, revision: alarm.revision, record_json: JSON.stringify(alarm), updated_at: alarm.stateUpdatedAt };
        if (alarm.revision === 1) {
          const exists = await trx.selectFrom('metric_alarms').select(['name']).where('name', '=', name).executeTakeFirst();
          if (exists) return undefined;
          await trx
            .insertInto('metric_alarms')
            .values({ name, ...row })
            .execute();
        } else {
          const res = await trx
            .updateTable('metric_alarms')
            .set(row)
            .where('name', '=', name)
            .where('revision', '=', alarm.revision - 1)
            .executeTakeFirst();
          if (Number(res.numUpdatedRows) !== 1) return undefined;
        }
        if (history) {
          const last = await trx
            .selectFrom('alarm_history')
            .select((eb) => eb.fn.max('seq').as('seq'))
            .where('alarm_name', '=', name)
            .executeTakeFirst();
          await trx
            .insertInto('alarm_history')
            .values({
              alarm_name: name,
              seq: Number(last?.seq ?? 0) + 1,
              timestamp: history.timestamp,
              type: history.type,
              summary: history.summary,
              data_json: history.data,
            })
            .execute();
        }
        return alarm;
      });
    } catch (err) {
      throw translateSqlError(err, 'save alarm');
    }
  }

  async getAlarm(name: string): Promise<AlarmRecord> {
    try {
      const row = await this.db.selectFrom('metric_alarms').select(['record_json']).where('name', '=', name).executeTakeFirst();
      if (!row) throw new NotFoundError('alarm', name);
      return JSON.parse(row.record_json) as AlarmRecord;
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get alarm');
    }
  }

  async listAlarms(filter: { state?: string; prefix?: string } = {}): Promise<AlarmRecord[]> {
    try {
      let q = this.db.selectFrom('metric_alarms').select(['name', 'record_json']);
      if (filter.state !== undefined) q = q.where('state', '=', filter.state);
      const rows = await q.orderBy('name').execute();
      return rows.filter((r) => filter.prefix === undefined || r.name.startsWith(filter.prefix)).map((r) => JSON.parse(r.record_json) as AlarmRecord);
    } catch (err) {
      throw translateSqlError(err, 'list alarms');
    }
  }

  async deleteAlarm(name: string): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('alarm_history').where('alarm_name', '=', name).execute();
        const res = await trx.deleteFrom('metric_alarms').where('name', '=', name).executeTakeFirst();
        if (Number(res.numDeletedRows) === 0) throw new NotFoundError('alarm', name);
      });
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'delete alarm');
    }
  }

  async history(name: string, limit = 100): Promise<AlarmHistoryItem[]> {
    try {
      const rows = await this.db
        .selectFrom('alarm_history')
        .selectAll()
        .where('alarm_name', '=', name)
        .orderBy('seq', 'desc')
        .limit(Math.max(1, Math.min(1000, limit)))
        .execute();
      return rows.map((r) => ({
        alarmName: r.alarm_name,
        timestamp: Number(r.timestamp),
        type: r.type as AlarmHistoryItem['type'],
        summary: r.summary,
        data: r.data_json,
      }));
    } catch (err) {
      throw translateSqlError(err, 'alarm history');
    }
  }
}
