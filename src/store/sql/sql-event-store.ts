import type { Kysely, Selectable } from 'kysely';
import { NotFoundError, isAppError } from '../../core/errors.js';
import { decodeOffsetToken, pageOfRows, pageSize, type Page } from '../../core/paging.js';
import type { DeliveryQuery, DeliveryRecord, DeliveryStatus, EventEnvelope, EventQuery, EventStore, RuleRecord, StoredEvent } from '../../events/index.js';
import type { EventDeliveriesTable, MetadataDb } from '../schema.js';
import { isUniqueViolation, translateSqlError } from './sql-errors.js';

function toDelivery(r: Selectable<EventDeliveriesTable>): DeliveryRecord {
  return {
    id: r.id,
    eventId: r.event_id,
    ruleName: r.rule_name,
    targetId: r.target_id,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    ...(r.last_error === null ? {} : { lastError: r.last_error }),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function toRule(r: { rule_json: string; next_fire_at: number | null }): RuleRecord {
  const { nextFireAt: _ignored, ...rule } = JSON.parse(r.rule_json) as RuleRecord;
  return r.next_fire_at === null ? rule : { ...rule, nextFireAt: Number(r.next_fire_at) };
}

/** EventStore on SQL: events and rules as JSON with the columns listings filter on; deliveries as columns. */
export class SqlEventStore implements EventStore {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async insertEvent(event: EventEnvelope, receivedAt: number): Promise<void> {
    try {
      await this.db
        .insertInto('events')
        .values({
          id: event.id,
          source: event.source,
          detail_type: event['detail-type'],
          time: event.time,
          received_at: receivedAt,
          event_json: JSON.stringify(event),
        })
        .execute();
    } catch (err) {
      throw translateSqlError(err, 'insert event', { name: 'event', key: event.id });
    }
  }

  async getEvent(id: string): Promise<StoredEvent> {
    try {
      const row = await this.db.selectFrom('events').select(['event_json', 'received_at']).where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError('event', id);
      return { event: JSON.parse(row.event_json) as EventEnvelope, receivedAt: Number(row.received_at) };
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get event');
    }
  }

  async listEvents(query: EventQuery = {}): Promise<Page<StoredEvent>> {
    try {
      const limit = pageSize(query);
      const offset = decodeOffsetToken(query.pageToken);
      let q = this.db.selectFrom('events').select(['event_json', 'received_at']);
      if (query.source !== undefined) q = q.where('source', '=', query.source);
      if (query.detailType !== undefined) q = q.where('detail_type', '=', query.detailType);
      const rows = await q
        .orderBy('received_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .offset(offset)
        .execute();
      return pageOfRows(
        rows.map((r) => ({ event: JSON.parse(r.event_json) as EventEnvelope, receivedAt: Number(r.received_at) })),
        limit,
        offset,
      );
    } catch (err) {
      throw translateSqlError(err, 'list events');
    }
  }

  async putRule(rule: RuleRecord): Promise<void> {
    try {
      const values = { state: rule.state, next_fire_at: rule.nextFireAt ?? null, rule_json: JSON.stringify(rule), updated_at: rule.updatedAt };
      await this.db
        .insertInto('event_rules')
        .values({ name: rule.name, ...values })
        .onConflict((oc) => oc.column('name').doUpdateSet(values))
        .execute();
    } catch (err) {
      throw translateSqlError(err, 'put rule');
    }
  }

  async getRule(name: string): Promise<RuleRecord> {
    try {
      const row = await this.db.selectFrom('event_rules').select(['rule_json', 'next_fire_at']).where('name', '=', name).executeTakeFirst();
      if (!row) throw new NotFoundError('rule', name);
      return toRule(row);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get rule');
    }
  }

  async listRules(): Promise<RuleRecord[]> {
    try {
      const rows = await this.db.selectFrom('event_rules').select(['rule_json', 'next_fire_at']).orderBy('name').execute();
      return rows.map(toRule);
    } catch (err) {
      throw translateSqlError(err, 'list rules');
    }
  }

  async deleteRule(name: string): Promise<void> {
    try {
      const res = await this.db.deleteFrom('event_rules').where('name', '=', name).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw new NotFoundError('rule', name);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'delete rule');
    }
  }

  async advanceSchedule(name: string, expected: number, next: number | undefined): Promise<boolean> {
    try {
      const res = await this.db
        .updateTable('event_rules')
        .set({ next_fire_at: next ?? null })
        .where('name', '=', name)
        .where('next_fire_at', '=', expected)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    } catch (err) {
      throw translateSqlError(err, 'advance rule schedule');
    }
  }

  async insertDeliveries(deliveries: readonly DeliveryRecord[]): Promise<number> {
    let inserted = 0;
    for (const d of deliveries) {
      try {
        await this.db
          .insertInto('event_deliveries')
          .values({
            id: d.id,
            event_id: d.eventId,
            rule_name: d.ruleName,
            target_id: d.targetId,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.nextAttemptAt,
            last_error: d.lastError ?? null,
            created_at: d.createdAt,
            updated_at: d.updatedAt,
          })
          .execute();
        inserted++;
      } catch (err) {
        if (isUniqueViolation(err)) continue;
        throw translateSqlError(err, 'insert delivery');
      }
    }
    return inserted;
  }

  async getDelivery(id: string): Promise<DeliveryRecord> {
    try {
      const row = await this.db.selectFrom('event_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError('delivery', id);
      return toDelivery(row);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get delivery');
    }
  }

  async listDeliveries(query: DeliveryQuery = {}): Promise<Page<DeliveryRecord>> {
    try {
      const limit = pageSize(query);
      const offset = decodeOffsetToken(query.pageToken);
      let q = this.db.selectFrom('event_deliveries').selectAll();
      if (query.status !== undefined) q = q.where('status', '=', query.status);
      if (query.eventId !== undefined) q = q.where('event_id', '=', query.eventId);
      if (query.ruleName !== undefined) q = q.where('rule_name', '=', query.ruleName);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .offset(offset)
        .execute();
      return pageOfRows(rows.map(toDelivery), limit, offset);
    } catch (err) {
      throw translateSqlError(err, 'list deliveries');
    }
  }

  async dueDeliveries(now: number, limit: number): Promise<DeliveryRecord[]> {
    try {
      const rows = await this.db
        .selectFrom('event_deliveries')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toDelivery);
    } catch (err) {
      throw translateSqlError(err, 'list due deliveries');
    }
  }

  async updateDelivery(next: DeliveryRecord, expect: Pick<DeliveryRecord, 'status' | 'attempts' | 'nextAttemptAt'>): Promise<boolean> {
    try {
      const res = await this.db
        .updateTable('event_deliveries')
        .set({
          status: next.status,
          attempts: next.attempts,
          next_attempt_at: next.nextAttemptAt,
          last_error: next.lastError ?? null,
          updated_at: next.updatedAt,
        })
        .where('id', '=', next.id)
        .where('status', '=', expect.status)
        .where('attempts', '=', expect.attempts)
        .where('next_attempt_at', '=', expect.nextAttemptAt)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    } catch (err) {
      throw translateSqlError(err, 'update delivery');
    }
  }

  async purgeBefore(cutoff: number): Promise<{ events: number; deliveries: number }> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const d = await trx.deleteFrom('event_deliveries').where('status', '=', 'succeeded').where('updated_at', '<', cutoff).executeTakeFirst();
        const e = await trx
          .deleteFrom('events')
          .where('received_at', '<', cutoff)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('event_deliveries').select('event_deliveries.id').whereRef('event_deliveries.event_id', '=', 'events.id'))),
          )
          .executeTakeFirst();
        return { events: Number(e.numDeletedRows), deliveries: Number(d.numDeletedRows) };
      });
    } catch (err) {
      throw translateSqlError(err, 'purge events');
    }
  }
}
