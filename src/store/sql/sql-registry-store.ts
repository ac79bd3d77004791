import type { Kysely, Transaction } from 'kysely';
import { NotFoundError, isAppError } from '../../core/errors.js';
import { decodeOffsetToken, encodeOffsetToken, pageSize, type Page, type PageRequest } from '../../core/paging.js';
import type {
  ApprovalChange,
  ApprovalStatus,
  InsertVersionResult,
  ListVersionsQuery,
  ModelPackage,
  ModelPackageGroup,
  RegistryStore,
} from '../../registry/index.js';
import type { MetadataDb, ModelPackageGroupsTable, ModelPackagesTable } from '../schema.js';
import { isUniqueViolation, translateSqlError } from './sql-errors.js';

/** How often a registration is tried again after a lost race (unique violation) or a busy database. */
const MAX_ATTEMPTS = 8;

/**
 * RegistryStore on SQL (SQLite or PostgreSQL through Kysely).
 *
 * Version numbers: `insertNextVersion` runs one transaction whose first statement is a write to the
 * group's row (`latest_version`). That write takes the lock before anything is read: on SQLite the
 * database write lock (other processes wait for it through `busy_timeout`; callers in one process
 * are serialised by the driver's single connection), on PostgreSQL the group row's lock. Under it
 * the transaction reads max(version), inserts max + 1 and records it, so concurrent callers get
 * consecutive versions. Should a race still end in a unique violation (or a busy or serialisation
 * error), the whole transaction is tried again a few times.
 */
export class SqlRegistryStore implements RegistryStore {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async createGroup(group: ModelPackageGroup): Promise<void> {
    try {
      await this.db
        .insertInto('model_package_groups')
        .values({
          name: group.name,
          arn: group.arn,
          description: group.description ?? null,
          tags_json: JSON.stringify(group.tags),
          created_at: group.createdAt,
          latest_version: 0,
        })
        .execute();
    } catch (err) {
      throw translateSqlError(err, 'create model package group', { name: 'model package group', key: group.name });
    }
  }

  async getGroup(name: string): Promise<ModelPackageGroup> {
    try {
      const row = await this.db.selectFrom('model_package_groups').selectAll().where('name', '=', name).executeTakeFirst();
      if (!row) throw new NotFoundError('model package group', name);
      return toGroup(row);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get model package group');
    }
  }

  async listGroups(page?: PageRequest): Promise<Page<ModelPackageGroup>> {
    const limit = pageSize(page);
    const offset = decodeOffsetToken(page?.pageToken);
    try {
      const rows = await this.db
        .selectFrom('model_package_groups')
        .selectAll()
        .orderBy('name')
        .limit(limit + 1)
        .offset(offset)
        .execute();
      const items = rows.slice(0, limit).map(toGroup);
      return rows.length > limit ? { items, nextPageToken: encodeOffsetToken(offset + limit) } : { items };
    } catch (err) {
      throw translateSqlError(err, 'list model package groups');
    }
  }

  async insertNextVersion(group: string, build: (version: number) => ModelPackage, idempotencyKey?: string): Promise<InsertVersionResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute((trx) => this.insertIn(trx, group, build, idempotencyKey));
      } catch (err) {
        if (isAppError(err)) throw err;
        if (attempt < MAX_ATTEMPTS && isRetryable(err)) {
          await new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random())));
          continue;
        }
        throw translateSqlError(err, `register a version of model package group '${group}'`);
      }
    }
  }

  private async insertIn(
    trx: Transaction<MetadataDb>,
    group: string,
    build: (version: number) => ModelPackage,
    idempotencyKey: string | undefined,
  ): Promise<InsertVersionResult> {
    // A write first: it takes the lock (see the class comment) before anything is read.
    const locked = await trx
      .updateTable('model_package_groups')
      .set((eb) => ({ latest_version: eb.ref('latest_version') }))
      .where('name', '=', group)
      .executeTakeFirst();
    if (Number(locked.numUpdatedRows) === 0) throw new NotFoundError('model package group', group);
    if (idempotencyKey !== undefined) {
      const existing = await trx
        .selectFrom('model_packages')
        .selectAll()
        .where('group_name', '=', group)
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst();
      if (existing) return { modelPackage: toPackage(existing), created: false };
    }
    const max = await trx
      .selectFrom('model_packages')
      .select((eb) => eb.fn.max('version').as('max'))
      .where('group_name', '=', group)
      .executeTakeFirst();
    const version = Number(max?.max ?? 0) + 1;
    const pkg = build(version);
    if (pkg.version !== version || pkg.group !== group) {
      throw new Error(`registry store: build(${version}) returned version ${pkg.version} of group '${pkg.group}'`);
    }
    const row = toRow(pkg, idempotencyKey ?? null);
    await trx.insertInto('model_packages').values(row).execute();
    await trx.updateTable('model_package_groups').set({ latest_version: version }).where('name', '=', group).execute();
    return { modelPackage: toPackage(row), created: true };
  }

  async getVersion(group: string, version: number): Promise<ModelPackage> {
    try {
      const row = await this.db.selectFrom('model_packages').selectAll().where('group_name', '=', group).where('version', '=', version).executeTakeFirst();
      if (!row) throw new NotFoundError('model package', `${group}/${version}`);
      return toPackage(row);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get model package');
    }
  }

  async getVersionByArn(arn: string): Promise<ModelPackage> {
    try {
      const row = await this.db.selectFrom('model_packages').selectAll().where('arn', '=', arn).executeTakeFirst();
      if (!row) throw new NotFoundError('model package', arn);
      return toPackage(row);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get model package');
    }
  }

  async listVersions(group: string, query: ListVersionsQuery = {}): Promise<Page<ModelPackage>> {
    const limit = pageSize(query);
    const offset = decodeOffsetToken(query.pageToken);
    try {
      const found = await this.db.selectFrom('model_package_groups').select('name').where('name', '=', group).executeTakeFirst();
      if (!found) throw new NotFoundError('model package group', group);
      let q = this.db.selectFrom('model_packages').selectAll().where('group_name', '=', group);
      if (query.approvalStatus !== undefined) q = q.where('approval_status', '=', query.approvalStatus);
      const rows = await q
        .orderBy('version', query.order === 'desc' ? 'desc' : 'asc')
        .limit(limit + 1)
        .offset(offset)
        .execute();
      const items = rows.slice(0, limit).map(toPackage);
      return rows.length > limit ? { items, nextPageToken: encodeOffsetToken(offset + limit) } : { items };
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'list model packages');
    }
  }

  async updateApproval(group: string, version: number, change: ApprovalChange): Promise<ModelPackage> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        // The write first again, so the history read below is under the row's lock.
        const updated = await trx
          .updateTable('model_packages')
          .set({
            approval_status: change.status,
            approval_by: change.by,
            approval_at: change.at,
            approval_reason: change.reason ?? null,
            last_modified_at: change.at,
          })
          .where('group_name', '=', group)
          .where('version', '=', version)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) throw new NotFoundError('model package', `${group}/${version}`);
        const row = await trx.selectFrom('model_packages').selectAll().where('group_name', '=', group).where('version', '=', version).executeTakeFirstOrThrow();
        const history = [...(JSON.parse(row.approval_history_json) as ApprovalChange[]), plainChange(change)];
        const approval_history_json = JSON.stringify(history);
        await trx.updateTable('model_packages').set({ approval_history_json }).where('group_name', '=', group).where('version', '=', version).execute();
        return toPackage({ ...row, approval_history_json });
      });
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'update model package approval');
    }
  }

  async updateCustomerMetadata(group: string, version: number, properties: Readonly<Record<string, string>>, at: number): Promise<ModelPackage> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        // Touch the row first so that the read below is under its lock (two updates never lose a property).
        const touched = await trx
          .updateTable('model_packages')
          .set({ last_modified_at: at })
          .where('group_name', '=', group)
          .where('version', '=', version)
          .executeTakeFirst();
        if (Number(touched.numUpdatedRows) === 0) throw new NotFoundError('model package', `${group}/${version}`);
        const row = await trx.selectFrom('model_packages').selectAll().where('group_name', '=', group).where('version', '=', version).executeTakeFirstOrThrow();
        const customer_metadata_json = JSON.stringify({ ...(JSON.parse(row.customer_metadata_json) as Record<string, string>), ...properties });
        await trx.updateTable('model_packages').set({ customer_metadata_json }).where('group_name', '=', group).where('version', '=', version).execute();
        return toPackage({ ...row, customer_metadata_json });
      });
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'update model package metadata');
    }
  }
}

/** Unique violations (a lost race), SQLite's busy or locked errors, PostgreSQL's serialisation failures and deadlocks. */
function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return (
    isUniqueViolation(err) ||
    (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === '40001' || code === '40P01'))
  );
}

function plainChange(c: ApprovalChange): ApprovalChange {
  return { status: c.status, by: c.by, at: c.at, ...(c.reason === undefined ? {} : { reason: c.reason }) };
}

function toGroup(row: ModelPackageGroupsTable): ModelPackageGroup {
  return {
    name: row.name,
    arn: row.arn,
    ...(row.description === null ? {} : { description: row.description }),
    tags: JSON.parse(row.tags_json) as Record<string, string>,
    createdAt: Number(row.created_at),
  };
}

function toRow(pkg: ModelPackage, idempotencyKey: string | null): ModelPackagesTable {
  return {
    group_name: pkg.group,
    version: pkg.version,
    arn: pkg.arn,
    status: pkg.status,
    approval_status: pkg.approvalStatus,
    approval_by: pkg.approval?.by ?? null,
    approval_at: pkg.approval?.at ?? null,
    approval_reason: pkg.approval?.reason ?? null,
    approval_history_json: JSON.stringify(pkg.approvalHistory.map(plainChange)),
    created_at: pkg.createdAt,
    last_modified_at: pkg.lastModifiedAt,
    model_data_url: pkg.modelDataUrl,
    model_sha256: pkg.modelSha256,
    inference_specification_json: JSON.stringify(pkg.inferenceSpecification),
    model_metrics_json: JSON.stringify(pkg.modelMetrics),
    drift_check_baselines_json: JSON.stringify(pkg.driftCheckBaselines),
    generated_by: pkg.generatedBy ?? null,
    customer_metadata_json: JSON.stringify(pkg.customerMetadata),
    tags_json: JSON.stringify(pkg.tags),
    description: pkg.description ?? null,
    idempotency_key: idempotencyKey,
  };
}

function toPackage(row: ModelPackagesTable): ModelPackage {
  return {
    group: row.group_name,
    version: Number(row.version),
    arn: row.arn,
    name: `${row.group_name}/${Number(row.version)}`,
    status: 'Completed',
    approvalStatus: row.approval_status as ApprovalStatus,
    ...(row.approval_by === null
      ? {}
      : {
          approval: {
            by: row.approval_by,
            at: Number(row.approval_at),
            ...(row.approval_reason === null ? {} : { reason: row.approval_reason }),
          },
        }),
    approvalHistory: JSON.parse(row.approval_history_json) as ApprovalChange[],
    createdAt: Number(row.created_at),
    lastModifiedAt: Number(row.last_modified_at),
    modelDataUrl: row.model_data_url,
    modelSha256: row.model_sha256,
    inferenceSpecification: JSON.parse(row.inference_specification_json) as ModelPackage['inferenceSpecification'],
    modelMetrics: JSON.parse(row.model_metrics_json) as ModelPackage['modelMetrics'],
    driftCheckBaselines: JSON.parse(row.drift_check_baselines_json) as ModelPackage['driftCheckBaselines'],
    ...(row.generated_by === null ? {} : { generatedBy: row.generated_by }),
    customerMetadata: JSON.parse(row.customer_metadata_json) as Record<string, string>,
    tags: JSON.parse(row.tags_json) as Record<string, string>,
    ...(row.description === null ? {} : { description: row.description }),
  };
}
