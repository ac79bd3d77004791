import type { Kysely } from 'kysely';

/** CloudWatch-style alarms (definition and state) and their history. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('metric_alarms')
    .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('state', 'varchar(32)', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('record_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('alarm_history')
    .addColumn('alarm_name', 'varchar(255)', (c) => c.notNull().references('metric_alarms.name').onDelete('cascade'))
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('data_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('alarm_history_pk', ['alarm_name', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alarm_history').execute();
  await db.schema.dropTable('metric_alarms').execute();
}
