import type { Kysely } from 'kysely';

/** CloudWatch-style metric data points; `dimensions_key` is the canonical JSON of the sorted dimensions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('metric_datapoints')
    .addColumn('namespace', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('dimensions_key', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('unit', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('metric_datapoints_metric_idx').on('metric_datapoints').columns(['namespace', 'name', 'dimensions_key', 'timestamp']).execute();
  await db.schema.createIndex('metric_datapoints_time_idx').on('metric_datapoints').columns(['timestamp']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('metric_datapoints').execute();
}
