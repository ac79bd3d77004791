import type { Kysely } from 'kysely';

/** Model Monitor schedules on endpoints and their executions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitoring_schedules')
    .addColumn('name', 'varchar(63)', (c) => c.primaryKey())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('record_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('monitoring_executions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('schedule_name', 'varchar(63)', (c) => c.notNull())
    .addColumn('scheduled_time', 'bigint', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('record_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('monitoring_executions_schedule_idx').on('monitoring_executions').columns(['schedule_name', 'scheduled_time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('monitoring_executions').execute();
  await db.schema.dropTable('monitoring_schedules').execute();
}
