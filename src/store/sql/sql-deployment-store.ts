import type { Kysely } from 'kysely';
import { NotFoundError, isAppError } from '../../core/errors.js';
import { decodeOffsetToken, pageOfRows, pageSize, type Page } from '../../core/paging.js';
import type { DeploymentQuery, DeploymentRecord, DeploymentStore } from '../../deploy/index.js';
import type { MetadataDb } from '../schema.js';
import { translateSqlError } from './sql-errors.js';

/** DeploymentStore on SQL: the record as JSON, with the columns listings filter on. */
export class SqlDeploymentStore implements DeploymentStore {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async insertDeployment(d: DeploymentRecord): Promise<DeploymentRecord> {
    try {
      await this.db
        .insertInto('deployments')
        .values({
          id: d.id,
          group_name: d.group,
          model_package_arn: d.modelPackageArn,
          status: d.status,
          revision: d.revision,
          record_json: JSON.stringify(d),
          created_at: d.createdAt,
          updated_at: d.updatedAt,
        })
        .execute();
      return d;
    } catch (err) {
      throw translateSqlError(err, 'insert deployment', { name: 'deployment', key: d.id });
    }
  }

  async getDeployment(id: string): Promise<DeploymentRecord> {
    try {
      const row = await this.db.selectFrom('deployments').select(['record_json']).where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError('deployment', id);
      return JSON.parse(row.record_json) as DeploymentRecord;
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get deployment');
    }
  }

  async listDeployments(query: DeploymentQuery = {}): Promise<Page<DeploymentRecord>> {
    try {
      const limit = pageSize(query);
      const offset = decodeOffsetToken(query.pageToken);
      let q = this.db.selectFrom('deployments').select(['record_json']);
      if (query.group !== undefined) q = q.where('group_name', '=', query.group);
      if (query.status !== undefined) q = q.where('status', '=', query.status);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .offset(offset)
        .execute();
      return pageOfRows(
        rows.map((r) => JSON.parse(r.record_json) as DeploymentRecord),
        limit,
        offset,
      );
    } catch (err) {
      throw translateSqlError(err, 'list deployments');
    }
  }

  async replaceDeployment(d: DeploymentRecord): Promise<DeploymentRecord | undefined> {
    try {
      const res = await this.db
        .updateTable('deployments')
        .set({ status: d.status, revision: d.revision, record_json: JSON.stringify(d), updated_at: d.updatedAt })
        .where('id', '=', d.id)
        .where('revision', '=', d.revision - 1)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) return d;
      await this.getDeployment(d.id);
      return undefined;
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'update deployment');
    }
  }
}
