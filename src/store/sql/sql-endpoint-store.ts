import type { Kysely } from 'kysely';
import { FailedPreconditionError, NotFoundError, isAppError } from '../../core/errors.js';
import { decodeOffsetToken, pageOfRows, pageSize, type Page, type PageRequest } from '../../core/paging.js';
import type { EndpointConfig, EndpointRecord, EndpointStatus, EndpointStore } from '../../serving/index.js';
import type { EndpointsTable, MetadataDb } from '../schema.js';
import { translateSqlError } from './sql-errors.js';

/** EndpointStore on SQL (SQLite now; plain enough for PostgreSQL). */
export class SqlEndpointStore implements EndpointStore {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async insertConfig(config: EndpointConfig): Promise<EndpointConfig> {
    try {
      await this.db
        .insertInto('endpoint_configs')
        .values({ name: config.EndpointConfigName, config_json: JSON.stringify(config), created_at: config.CreationTime })
        .execute();
      return config;
    } catch (err) {
      throw translateSqlError(err, 'insert endpoint config', { name: 'endpoint config', key: config.EndpointConfigName });
    }
  }

  async getConfig(name: string): Promise<EndpointConfig> {
    try {
      const row = await this.db.selectFrom('endpoint_configs').select(['config_json']).where('name', '=', name).executeTakeFirst();
      if (!row) throw new NotFoundError('endpoint config', name);
      return JSON.parse(row.config_json) as EndpointConfig;
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get endpoint config');
    }
  }

  async listConfigs(page?: PageRequest): Promise<Page<EndpointConfig>> {
    try {
      const limit = pageSize(page);
      const offset = decodeOffsetToken(page?.pageToken);
      const rows = await this.db
        .selectFrom('endpoint_configs')
        .select(['config_json'])
        .orderBy('name')
        .limit(limit + 1)
        .offset(offset)
        .execute();
      return pageOfRows(
        rows.map((r) => JSON.parse(r.config_json) as EndpointConfig),
        limit,
        offset,
      );
    } catch (err) {
      throw translateSqlError(err, 'list endpoint configs');
    }
  }

  async deleteConfig(name: string): Promise<void> {
    try {
      const user = await this.db
        .selectFrom('endpoints')
        .select(['name'])
        .where((eb) => eb.or([eb('config_name', '=', name), eb('previous_config_name', '=', name)]))
        .executeTakeFirst();
      if (user) throw new FailedPreconditionError(`endpoint config '${name}' is used by endpoint '${user.name}'`);
      const res = await this.db.deleteFrom('endpoint_configs').where('name', '=', name).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw new NotFoundError('endpoint config', name);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'delete endpoint config');
    }
  }

  async insertEndpoint(e: EndpointRecord): Promise<EndpointRecord> {
    try {
      await this.db.insertInto('endpoints').values(toRow(e)).execute();
      return e;
    } catch (err) {
      throw translateSqlError(err, 'insert endpoint', { name: 'endpoint', key: e.name });
    }
  }

  async getEndpoint(name: string): Promise<EndpointRecord> {
    try {
      const row = await this.db.selectFrom('endpoints').selectAll().where('name', '=', name).executeTakeFirst();
      if (!row) throw new NotFoundError('endpoint', name);
      return fromRow(row);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'get endpoint');
    }
  }

  async listEndpoints(page?: PageRequest): Promise<Page<EndpointRecord>> {
    try {
      const limit = pageSize(page);
      const offset = decodeOffsetToken(page?.pageToken);
      const rows = await this.db
        .selectFrom('endpoints')
        .selectAll()
        .orderBy('name')
        .limit(limit + 1)
        .offset(offset)
        .execute();
      return pageOfRows(rows.map(fromRow), limit, offset);
    } catch (err) {
      throw translateSqlError(err, 'list endpoints');
    }
  }

  async replaceEndpoint(e: EndpointRecord, expectGeneration: number): Promise<EndpointRecord | undefined> {
    try {
      const { name: _name, created_at: _created, ...rest } = toRow(e);
      const res = await this.db.updateTable('endpoints').set(rest).where('name', '=', e.name).where('generation', '=', expectGeneration).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) return e;
      await this.getEndpoint(e.name); // not_found if it is gone
      return undefined;
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'update endpoint');
    }
  }

  async deleteEndpoint(name: string): Promise<void> {
    try {
      const res = await this.db.deleteFrom('endpoints').where('name', '=', name).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw new NotFoundError('endpoint', name);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw translateSqlError(err, 'delete endpoint');
    }
  }
}

function toRow(e: EndpointRecord): EndpointsTable {
  return {
    name: e.name,
    arn: e.arn,
    config_name: e.configName,
    previous_config_name: e.previousConfigName ?? null,
    status: e.status,
    failure_reason: e.failureReason ?? null,
    generation: e.generation,
    served_generation: e.servedGeneration,
    instances_json: JSON.stringify(e.instances),
    tags_json: JSON.stringify(e.tags),
    created_at: e.createdAt,
    last_modified_at: e.lastModifiedAt,
  };
}

function fromRow(r: EndpointsTable): EndpointRecord {
  return {
    name: r.name,
    arn: r.arn,
    configName: r.config_name,
    ...(r.previous_config_name === null ? {} : { previousConfigName: r.previous_config_name }),
    status: r.status as EndpointStatus,
    ...(r.failure_reason === null ? {} : { failureReason: r.failure_reason }),
    generation: Number(r.generation),
    servedGeneration: Number(r.served_generation),
    instances: JSON.parse(r.instances_json) as Record<string, number>,
    tags: JSON.parse(r.tags_json) as Record<string, string>,
    createdAt: Number(r.created_at),
    lastModifiedAt: Number(r.last_modified_at),
  };
}
