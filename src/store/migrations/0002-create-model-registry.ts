import { sql, type Kysely } from 'kysely';

/**
 * The model registry: groups and numbered package versions. Plain types only (varchar, text,
 * integer, bigint) so the same migration runs on SQLite and PostgreSQL. Nested SageMaker
 * structures (metrics, baselines, inference specification, maps, approval history) are JSON text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('model_package_groups')
    .addColumn('name', 'varchar(63)', (c) => c.primaryKey())
    // The ARN lower-cases the name, so its uniqueness makes group names unique case-insensitively.
    .addColumn('arn', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('tags_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // The highest version registered; updating it first is what serialises concurrent registrations.
    .addColumn('latest_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('model_packages')
    .addColumn('group_name', 'varchar(63)', (c) => c.notNull().references('model_package_groups.name'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('arn', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('approval_status', 'varchar(32)', (c) => c.notNull())
    .addColumn('approval_by', 'text')
    .addColumn('approval_at', 'bigint')
    .addColumn('approval_reason', 'text')
    .addColumn('approval_history_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_at', 'bigint', (c) => c.notNull())
    .addColumn('model_data_url', 'text', (c) => c.notNull())
    .addColumn('model_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('inference_specification_json', 'text', (c) => c.notNull())
    .addColumn('model_metrics_json', 'text', (c) => c.notNull())
    .addColumn('drift_check_baselines_json', 'text', (c) => c.notNull())
    .addColumn('generated_by', 'text')
    .addColumn('customer_metadata_json', 'text', (c) => c.notNull())
    .addColumn('tags_json', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('idempotency_key', 'varchar(255)')
    .addPrimaryKeyConstraint('model_packages_pk', ['group_name', 'version'])
    .execute();
  await db.schema
    .createIndex('model_packages_idempotency_key_idx')
    .on('model_packages')
    .columns(['group_name', 'idempotency_key'])
    .unique()
    .where(sql.ref('idempotency_key'), 'is not', null)
    .execute();
  await db.schema.createIndex('model_packages_approval_idx').on('model_packages').columns(['group_name', 'approval_status', 'version']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('model_packages').execute();
  await db.schema.dropTable('model_package_groups').execute();
}
