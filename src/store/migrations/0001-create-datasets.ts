import type { Kysely } from 'kysely';

/** Datasets and their files (inputs and outputs, with content hashes) for lineage. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('datasets')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('row_count', 'bigint', (c) => c.notNull())
    .addColumn('details_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('datasets_created_at_idx').on('datasets').columns(['created_at', 'id']).execute();
  await db.schema
    .createTable('dataset_files')
    .addColumn('dataset_id', 'varchar(64)', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('rows', 'bigint')
    .addPrimaryKeyConstraint('dataset_files_pk', ['dataset_id', 'position'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dataset_files').execute();
  await db.schema.dropTable('datasets').execute();
}
