import type { Kysely } from 'kysely';

/** EventBridge: every published event, the rules (pattern and/or schedule, targets as JSON) and one delivery per event × rule × target. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('source', 'varchar(255)', (c) => c.notNull())
    .addColumn('detail_type', 'varchar(255)', (c) => c.notNull())
    .addColumn('time', 'varchar(64)', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('event_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_received_idx').on('events').columns(['received_at']).execute();
  await db.schema.createIndex('events_source_idx').on('events').columns(['source', 'detail_type']).execute();
  await db.schema
    .createTable('event_rules')
    .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('next_fire_at', 'bigint')
    .addColumn('rule_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('event_deliveries')
    .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('event_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('rule_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('target_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('event_deliveries_key', ['event_id', 'rule_name', 'target_id'])
    .execute();
  await db.schema.createIndex('event_deliveries_due_idx').on('event_deliveries').columns(['status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('event_deliveries').execute();
  await db.schema.dropTable('event_rules').execute();
  await db.schema.dropTable('events').execute();
}
