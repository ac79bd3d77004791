import type { Kysely } from 'kysely';
import { NotFoundError, isAppError } from '../../core/errors.js';
import { decodeOffsetToken, encodeOffsetToken, pageSize, type Page, type PageRequest } from '../../core/paging.js';
import type { Dataset, DatasetFile } from '../../data/index.js';
import type { DatasetStore } from '../../data/index.js';
import type { DatasetFilesTable, DatasetsTable, MetadataDb } from '../schema.js';
import { translateSqlError } from './sql-errors.js';

/** DatasetStore on SQL (SQLite or PostgreSQL through Kysely). */
export class SqlDatasetStore implements DatasetStore {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async create(dataset: Dataset): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('datasets')
          .values({
            id: dataset.id,
            kind: dataset.kind,
            uri: dataset.uri,
            created_at: dataset.createdAt,
            row_count: dataset.rowCount,
            details_json: JSON.stringify(dataset.details),
          })
          .execute();
        if (dataset.files.length > 0) {
          await trx
            .insertInto('dataset_files')
            .values(
              dataset.files.map((f, position) => ({
                dataset_id: dataset.id,
                position,
                role: f.role,
                uri: f.uri,
                size_bytes: f.sizeBytes,
                sha256: f.sha256,
                rows: f.rows ?? null,
              })),
            )
            .execute();
        }
      });
    } catch (err) {
      throw translateSqlError(err, 'create dataset', { name: 'dataset', key: dataset.id });
    }
  }

  async get(id: string): Promise<Dataset> {
    try {
      const row = await this.db.selectFrom('datasets').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError('dataset', id);
      const [dataset] = await this.withFiles([row]);
      return dataset!;
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get dataset');
    }
  }

  async list(page?: PageRequest): Promise<Page<Dataset>> {
    const limit = pageSize(page);
    const offset = decodeOffsetToken(page?.pageToken);
    try {
      const rows = await this.db
        .selectFrom('datasets')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .offset(offset)
        .execute();
      const items = await this.withFiles(rows.slice(0, limit));
      return rows.length > limit ? { items, nextPageToken: encodeOffsetToken(offset + limit) } : { items };
    } catch (err) {
      throw translateSqlError(err, 'list datasets');
    }
  }

  private async withFiles(rows: DatasetsTable[]): Promise<Dataset[]> {
    if (rows.length === 0) return [];
    const files = await this.db
      .selectFrom('dataset_files')
      .selectAll()
      .where(
        'dataset_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('dataset_id')
      .orderBy('position')
      .execute();
    const byDataset = new Map<string, DatasetFile[]>();
    for (const f of files) {
      const list = byDataset.get(f.dataset_id) ?? [];
      list.push(toFile(f));
      byDataset.set(f.dataset_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as Dataset['kind'],
      uri: r.uri,
      createdAt: Number(r.created_at),
      rowCount: Number(r.row_count),
      files: byDataset.get(r.id) ?? [],
      details: JSON.parse(r.details_json) as Record<string, unknown>,
    }));
  }
}

function toFile(f: DatasetFilesTable): DatasetFile {
  const base = { role: f.role as DatasetFile['role'], uri: f.uri, sizeBytes: Number(f.size_bytes), sha256: f.sha256 };
  return f.rows === null ? base : { ...base, rows: Number(f.rows) };
}
