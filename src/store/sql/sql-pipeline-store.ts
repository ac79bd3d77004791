import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError, isAppError } from '../../core/errors.js';
import { decodeOffsetToken, encodeOffsetToken, pageSize, type Page, type PageRequest } from '../../core/paging.js';
import type {
  ExecutionPatch,
  ExecutionRecord,
  ExecutionStatus,
  PipelineDefinition,
  PipelineRecord,
  PipelineStore,
  PipelineVersionRecord,
  StepRecord,
  StepStatus,
  StepType,
} from '../../pipeline/index.js';
import type { MetadataDb, PipelineExecutionStepsTable, PipelineExecutionsTable } from '../schema.js';
import { translateSqlError } from './sql-errors.js';

/** PipelineStore on SQL (SQLite now; plain enough for PostgreSQL). */
export class SqlPipelineStore implements PipelineStore {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async upsertPipeline(p: { name: string; arn: string; description: string; definition: PipelineDefinition; now: number }): Promise<PipelineRecord> {
    try {
      await this.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('pipelines').select(['latest_version']).where('name', '=', p.name).executeTakeFirst();
        const version = (row ? Number(row.latest_version) : 0) + 1;
        if (row) {
          await trx
            .updateTable('pipelines')
            .set({ latest_version: version, updated_at: p.now, description: p.description })
            .where('name', '=', p.name)
            .execute();
        } else {
          await trx
            .insertInto('pipelines')
            .values({ name: p.name, arn: p.arn, description: p.description, latest_version: 1, created_at: p.now, updated_at: p.now })
            .execute();
        }
        await trx
          .insertInto('pipeline_versions')
          .values({ pipeline_name: p.name, version, definition_json: JSON.stringify(p.definition), created_at: p.now })
          .execute();
      });
    } catch (err) {
      throw translateSqlError(err, 'upsert pipeline');
    }
    return this.getPipeline(p.name);
  }

  async getPipeline(name: string): Promise<PipelineRecord> {
    try {
      const row = await this.db
        .selectFrom('pipelines')
        .innerJoin('pipeline_versions', (j) =>
          j.onRef('pipeline_versions.pipeline_name', '=', 'pipelines.name').onRef('pipeline_versions.version', '=', 'pipelines.latest_version'),
        )
        .selectAll('pipelines')
        .select(['pipeline_versions.definition_json'])
        .where('pipelines.name', '=', name)
        .executeTakeFirst();
      if (!row) throw new NotFoundError('pipeline', name);
      return toPipeline(row);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get pipeline');
    }
  }

  async getPipelineVersion(name: string, version: number): Promise<PipelineVersionRecord> {
    try {
      const row = await this.db.selectFrom('pipeline_versions').selectAll().where('pipeline_name', '=', name).where('version', '=', version).executeTakeFirst();
      if (!row) throw new NotFoundError('pipeline version', `${name}@${version}`);
      return { name, version: Number(row.version), definition: JSON.parse(row.definition_json) as PipelineDefinition, createdAt: Number(row.created_at) };
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get pipeline version');
    }
  }

  async listPipelines(page?: PageRequest): Promise<Page<PipelineRecord>> {
    const limit = pageSize(page);
    const offset = decodeOffsetToken(page?.pageToken);
    try {
      const rows = await this.db
        .selectFrom('pipelines')
        .innerJoin('pipeline_versions', (j) =>
          j.onRef('pipeline_versions.pipeline_name', '=', 'pipelines.name').onRef('pipeline_versions.version', '=', 'pipelines.latest_version'),
        )
        .selectAll('pipelines')
        .select(['pipeline_versions.definition_json'])
        .orderBy('pipelines.name')
        .limit(limit + 1)
        .offset(offset)
        .execute();
      const items = rows.slice(0, limit).map(toPipeline);
      return rows.length > limit ? { items, nextPageToken: encodeOffsetToken(offset + limit) } : { items };
    } catch (err) {
      throw translateSqlError(err, 'list pipelines');
    }
  }

  async listPipelineVersions(name: string): Promise<PipelineVersionRecord[]> {
    await this.getPipeline(name);
    try {
      const rows = await this.db.selectFrom('pipeline_versions').selectAll().where('pipeline_name', '=', name).orderBy('version').execute();
      return rows.map((r) => ({
        name,
        version: Number(r.version),
        definition: JSON.parse(r.definition_json) as PipelineDefinition,
        createdAt: Number(r.created_at),
      }));
    } catch (err) {
      throw translateSqlError(err, 'list pipeline versions');
    }
  }

  async createExecution(e: ExecutionRecord): Promise<void> {
    try {
      await this.db
        .insertInto('pipeline_executions')
        .values({
          id: e.id,
          arn: e.arn,
          pipeline_name: e.pipelineName,
          pipeline_version: e.pipelineVersion,
          display_name: e.displayName,
          status: e.status,
          parameters_json: JSON.stringify(e.parameters),
          failure_reason: e.failureReason ?? null,
          created_at: e.createdAt,
          ended_at: e.endedAt ?? null,
          owner: e.owner ?? null,
          heartbeat_at: e.heartbeatAt ?? null,
          stop_requested: e.stopRequested ? 1 : 0,
        })
        .execute();
    } catch (err) {
      throw translateSqlError(err, 'create execution', { name: 'pipeline execution', key: e.id });
    }
  }

  async getExecution(id: string): Promise<ExecutionRecord> {
    try {
      const row = await this.db.selectFrom('pipeline_executions').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError('pipeline execution', id);
      return toExecution(row);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get execution');
    }
  }

  async listExecutions(filter: { pipelineName?: string; status?: ExecutionStatus }, page?: PageRequest): Promise<Page<ExecutionRecord>> {
    const limit = pageSize(page);
    const offset = decodeOffsetToken(page?.pageToken);
    try {
      let q = this.db.selectFrom('pipeline_executions').selectAll();
      if (filter.pipelineName !== undefined) q = q.where('pipeline_name', '=', filter.pipelineName);
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .offset(offset)
        .execute();
      const items = rows.slice(0, limit).map(toExecution);
      return rows.length > limit ? { items, nextPageToken: encodeOffsetToken(offset + limit) } : { items };
    } catch (err) {
      throw translateSqlError(err, 'list executions');
    }
  }

  async updateExecution(
    id: string,
    patch: ExecutionPatch,
    expect?: { owner?: string | null; statuses?: readonly ExecutionStatus[] },
  ): Promise<ExecutionRecord | undefined> {
    const set: Partial<PipelineExecutionsTable> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.failureReason !== undefined) set.failure_reason = patch.failureReason;
    if (patch.clearFailure) set.failure_reason = null;
    if (patch.endedAt !== undefined) set.ended_at = patch.endedAt;
    if (patch.clearEnd) set.ended_at = null;
    if (patch.owner !== undefined) set.owner = patch.owner;
    if (patch.clearOwner) set.owner = null;
    if (patch.heartbeatAt !== undefined) set.heartbeat_at = patch.heartbeatAt;
    if (patch.stopRequested !== undefined) set.stop_requested = patch.stopRequested ? 1 : 0;
    try {
      let q = this.db.updateTable('pipeline_executions').set(set).where('id', '=', id);
      if (expect?.owner !== undefined) q = expect.owner === null ? q.where('owner', 'is', null) : q.where('owner', '=', expect.owner);
      if (expect?.statuses) q = q.where('status', 'in', [...expect.statuses]);
      const res = await q.executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        await this.getExecution(id);
        return undefined;
      }
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'update execution');
    }
    return this.getExecution(id);
  }

  async putStep(s: StepRecord, fence?: { readonly owner: string }): Promise<void> {
    const row: PipelineExecutionStepsTable = {
      execution_id: s.executionId,
      step_name: s.name,
      pipeline_name: '',
      step_type: s.type,
      status: s.status,
      attempt_count: s.attemptCount,
      started_at: s.startedAt ?? null,
      ended_at: s.endedAt ?? null,
      failure_reason: s.failureReason ?? null,
      cache_key: s.cacheKey ?? null,
      cache_hit_json: s.cacheHit ? JSON.stringify(s.cacheHit) : null,
      properties_json: s.properties ? JSON.stringify(s.properties) : null,
      metadata_json: JSON.stringify(s.metadata),
    };
    try {
      // One transaction: the owner check and the write cannot be separated by another owner's claim.
      await this.db.transaction().execute(async (trx) => {
        const exec = await trx.selectFrom('pipeline_executions').select(['pipeline_name', 'owner']).where('id', '=', s.executionId).executeTakeFirst();
        if (!exec) throw new NotFoundError('pipeline execution', s.executionId);
        if (fence && exec.owner !== fence.owner) {
          throw new ConflictError(`pipeline execution ${s.executionId} is now run by ${exec.owner ?? 'nobody'}, not ${fence.owner}: step ${s.name} not saved`);
        }
        row.pipeline_name = exec.pipeline_name;
        await trx
          .insertInto('pipeline_execution_steps')
          .values(row)
          .onConflict((oc) => {
            const { execution_id: _e, step_name: _s, ...rest } = row;
            return oc.columns(['execution_id', 'step_name']).doUpdateSet(rest);
          })
          .execute();
      });
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'save step');
    }
  }

  async listSteps(executionId: string): Promise<StepRecord[]> {
    try {
      const rows = await this.db
        .selectFrom('pipeline_execution_steps')
        .selectAll()
        .where('execution_id', '=', executionId)
        .orderBy('started_at')
        .orderBy('step_name')
        .execute();
      return rows.map(toStep);
    } catch (err) {
      throw translateSqlError(err, 'list steps');
    }
  }

  async deleteStep(executionId: string, name: string): Promise<void> {
    try {
      await this.db.deleteFrom('pipeline_execution_steps').where('execution_id', '=', executionId).where('step_name', '=', name).execute();
    } catch (err) {
      throw translateSqlError(err, 'delete step');
    }
  }

  async findCacheHit(pipelineName: string, cacheKey: string, notBefore: number): Promise<StepRecord | undefined> {
    try {
      const row = await this.db
        .selectFrom('pipeline_execution_steps')
        .selectAll()
        .where('pipeline_name', '=', pipelineName)
        .where('cache_key', '=', cacheKey)
        .where('status', '=', 'Succeeded')
        .where('cache_hit_json', 'is', null)
        .where('ended_at', '>=', notBefore)
        .orderBy('ended_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toStep(row) : undefined;
    } catch (err) {
      throw translateSqlError(err, 'find cache hit');
    }
  }
}

function toPipeline(row: {
  name: string;
  arn: string;
  description: string;
  latest_version: number;
  created_at: number;
  updated_at: number;
  definition_json: string;
}): PipelineRecord {
  return {
    name: row.name,
    arn: row.arn,
    description: row.description,
    latestVersion: Number(row.latest_version),
    definition: JSON.parse(row.definition_json) as PipelineDefinition,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toExecution(r: PipelineExecutionsTable): ExecutionRecord {
  return {
    id: r.id,
    arn: r.arn,
    pipelineName: r.pipeline_name,
    pipelineVersion: Number(r.pipeline_version),
    displayName: r.display_name,
    status: r.status as ExecutionStatus,
    parameters: JSON.parse(r.parameters_json) as ExecutionRecord['parameters'],
    createdAt: Number(r.created_at),
    stopRequested: Number(r.stop_requested) === 1,
    ...(r.failure_reason !== null ? { failureReason: r.failure_reason } : {}),
    ...(r.ended_at !== null ? { endedAt: Number(r.ended_at) } : {}),
    ...(r.owner !== null ? { owner: r.owner } : {}),
    ...(r.heartbeat_at !== null ? { heartbeatAt: Number(r.heartbeat_at) } : {}),
  };
}

function toStep(r: PipelineExecutionStepsTable): StepRecord {
  return {
    executionId: r.execution_id,
    name: r.step_name,
    type: r.step_type as StepType,
    status: r.status as StepStatus,
    attemptCount: Number(r.attempt_count),
    metadata: JSON.parse(r.metadata_json) as Record<string, unknown>,
    ...(r.started_at !== null ? { startedAt: Number(r.started_at) } : {}),
    ...(r.ended_at !== null ? { endedAt: Number(r.ended_at) } : {}),
    ...(r.failure_reason !== null ? { failureReason: r.failure_reason } : {}),
    ...(r.cache_key !== null ? { cacheKey: r.cache_key } : {}),
    ...(r.cache_hit_json !== null ? { cacheHit: JSON.parse(r.cache_hit_json) as StepRecord['cacheHit'] } : {}),
    ...(r.properties_json !== null ? { properties: JSON.parse(r.properties_json) as Record<string, unknown> } : {}),
  };
}
