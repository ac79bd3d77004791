import path from 'node:path';
import { InvalidArgumentError } from '../core/errors.js';
import { openSqlite } from './drivers/sqlite-driver.js';
import { MemoryDatasetStore } from './memory/memory-dataset-store.js';
import { MemoryRegistryStore } from './memory/memory-registry-store.js';
import type { MetadataStores } from './metadata-stores.js';
import { migrateToLatest } from './migrate.js';
import { SqlDatasetStore } from './sql/sql-dataset-store.js';
import { SqlDeploymentStore } from './sql/sql-deployment-store.js';
import { SqlEndpointStore } from './sql/sql-endpoint-store.js';
import { SqlEventStore } from './sql/sql-event-store.js';
import { SqlMetricStore } from './sql/sql-metric-store.js';
import { SqlAlarmStore } from './sql/sql-alarm-store.js';
import { SqlMonitoringStore } from './sql/sql-monitoring-store.js';
import { SqlPipelineStore } from './sql/sql-pipeline-store.js';
import { SqlRegistryStore } from './sql/sql-registry-store.js';

export type { MetadataStores } from './metadata-stores.js';

/** The metadata URI schemes this build supports. */
export const METADATA_SCHEMES = ['sqlite:', 'memory:'] as const;

type ParsedMetadataUri = { kind: 'sqlite'; file: string } | { kind: 'memory' };

/** Parses `sqlite:///abs/file.db`, `sqlite:rel/file.db`, `sqlite::memory:` or `memory:`. */
export function parseMetadataUri(uri: string): ParsedMetadataUri {
  if (uri === 'memory:') return { kind: 'memory' };
  if (uri.startsWith('sqlite:')) {
    let rest = uri.slice('sqlite:'.length);
    if (rest.startsWith('//')) rest = rest.slice(2);
    if (rest === '') throw new InvalidArgumentError(`metadata URI '${uri}' names no database file`);
    return { kind: 'sqlite', file: rest === ':memory:' ? rest : path.resolve(decodeURIComponent(rest)) };
  }
  throw new InvalidArgumentError(`unsupported metadata store URI '${uri}': supported schemes are ${METADATA_SCHEMES.join(', ')}`);
}

/** Opens the metadata store named by `uri`, migrated to the newest schema. */
export async function openMetadataStore(uri: string): Promise<MetadataStores> {
  const parsed = parseMetadataUri(uri);
  switch (parsed.kind) {
    case 'sqlite': {
      const db = openSqlite(parsed.file);
      try {
        const migrations = await migrateToLatest(db);
        return {
          datasets: new SqlDatasetStore(db),
          registry: new SqlRegistryStore(db),
          pipelines: new SqlPipelineStore(db),
          endpoints: new SqlEndpointStore(db),
          deployments: new SqlDeploymentStore(db),
          metrics: new SqlMetricStore(db),
          alarms: new SqlAlarmStore(db),
          monitoring: new SqlMonitoringStore(db),
          events: new SqlEventStore(db),
          migrations,
          close: () => db.destroy(),
        };
      } catch (err) {
        await db.destroy();
        throw err;
      }
    }
    case 'memory': {
      // Pipelines, endpoints, deployments and events keep their state in an in-memory SQLite database: the same adapter, nothing persisted.
      const db = openSqlite(':memory:');
      await migrateToLatest(db);
      return {
        datasets: new MemoryDatasetStore(),
        registry: new MemoryRegistryStore(),
        pipelines: new SqlPipelineStore(db),
        endpoints: new SqlEndpointStore(db),
        deployments: new SqlDeploymentStore(db),
        metrics: new SqlMetricStore(db),
        alarms: new SqlAlarmStore(db),
        monitoring: new SqlMonitoringStore(db),
        events: new SqlEventStore(db),
        migrations: [],
        close: () => db.destroy(),
      };
    }
    default: {
      const never: never = parsed;
      throw new InvalidArgumentError(`unsupported metadata store ${JSON.stringify(never)}`);
    }
  }
}
