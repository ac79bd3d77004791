import type { Kysely } from 'kysely';

/** Endpoint configs, endpoints (desired and reported state) and deployment pipeline executions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('endpoint_configs')
    .addColumn('name', 'varchar(63)', (c) => c.primaryKey())
    .addColumn('config_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('endpoints')
    .addColumn('name', 'varchar(63)', (c) => c.primaryKey())
    .addColumn('arn', 'text', (c) => c.notNull())
    .addColumn('config_name', 'varchar(63)', (c) => c.notNull().references('endpoint_configs.name'))
    .addColumn('previous_config_name', 'varchar(63)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('served_generation', 'integer', (c) => c.notNull())
    .addColumn('instances_json', 'text', (c) => c.notNull())
    .addColumn('tags_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('deployments')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('group_name', 'varchar(63)', (c) => c.notNull())
    .addColumn('model_package_arn', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('record_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deployments_group_idx').on('deployments').columns(['group_name', 'created_at']).execute();
  await db.schema.createIndex('deployments_status_idx').on('deployments').columns(['status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('deployments').execute();
  await db.schema.dropTable('endpoints').execute();
  await db.schema.dropTable('endpoint_configs').execute();
}
