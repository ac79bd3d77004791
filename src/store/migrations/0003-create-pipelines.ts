import type { Kysely } from 'kysely';

/** Pipelines (every definition version kept), executions and their steps: the engine's durable state. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipelines')
    .addColumn('name', 'varchar(256)', (c) => c.primaryKey())
    .addColumn('arn', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('pipeline_versions')
    .addColumn('pipeline_name', 'varchar(256)', (c) => c.notNull().references('pipelines.name').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('pipeline_versions_pk', ['pipeline_name', 'version'])
    .execute();
  await db.schema
    .createTable('pipeline_executions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('arn', 'text', (c) => c.notNull())
    .addColumn('pipeline_name', 'varchar(256)', (c) => c.notNull().references('pipelines.name').onDelete('cascade'))
    .addColumn('pipeline_version', 'integer', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('parameters_json', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('owner', 'varchar(256)')
    .addColumn('heartbeat_at', 'bigint')
    .addColumn('stop_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('pipeline_executions_pipeline_idx').on('pipeline_executions').columns(['pipeline_name', 'created_at']).execute();
  await db.schema.createIndex('pipeline_executions_status_idx').on('pipeline_executions').columns(['status']).execute();
  await db.schema
    .createTable('pipeline_execution_steps')
    .addColumn('execution_id', 'varchar(64)', (c) => c.notNull().references('pipeline_executions.id').onDelete('cascade'))
    .addColumn('step_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('pipeline_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('step_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempt_count', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('failure_reason', 'text')
    .addColumn('cache_key', 'varchar(64)')
    .addColumn('cache_hit_json', 'text')
    .addColumn('properties_json', 'text')
    .addColumn('metadata_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pipeline_execution_steps_pk', ['execution_id', 'step_name'])
    .execute();
  await db.schema
    .createIndex('pipeline_execution_steps_cache_idx')
    .on('pipeline_execution_steps')
    .columns(['pipeline_name', 'cache_key', 'ended_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pipeline_execution_steps').execute();
  await db.schema.dropTable('pipeline_executions').execute();
  await db.schema.dropTable('pipeline_versions').execute();
  await db.schema.dropTable('pipelines').execute();
}
