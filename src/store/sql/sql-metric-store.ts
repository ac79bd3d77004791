import type { Kysely } from 'kysely';
import type { MetricDatum, MetricId, MetricStore, MetricUnit } from '../../metrics/index.js';
import type { MetadataDb, MetricDatapointsTable } from '../schema.js';
import { translateSqlError } from './sql-errors.js';

/** Canonical dimensions: sorted by name, as JSON, so the same dimensions always match. */
export function dimensionsKey(dimensions: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(dimensions)
      .sort()
      .map((k) => [k, dimensions[k]]),
  );
}

function dimensionsOf(key: string): Record<string, string> {
  return Object.fromEntries(JSON.parse(key) as [string, string][]);
}

const BATCH = 500;

/** MetricStore on SQL. */
export class SqlMetricStore implements MetricStore {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async put(data: readonly MetricDatum[]): Promise<void> {
    if (data.length === 0) return;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < data.length; i += BATCH) {
          await trx
            .insertInto('metric_datapoints')
            .values(
              data.slice(i, i + BATCH).map((d): MetricDatapointsTable => ({
                namespace: d.namespace,
                name: d.name,
                dimensions_key: dimensionsKey(d.dimensions),
                timestamp: d.timestamp,
                value: d.value,
                unit: d.unit,
              })),
            )
            .execute();
        }
      });
    } catch (err) {
      throw translateSqlError(err, 'put metric data');
    }
  }

  async query(metric: MetricId, from: number, to: number): Promise<MetricDatum[]> {
    try {
      const rows = await this.db
        .selectFrom('metric_datapoints')
        .selectAll()
        .where('namespace', '=', metric.namespace)
        .where('name', '=', metric.name)
        .where('dimensions_key', '=', dimensionsKey(metric.dimensions))
        .where('timestamp', '>=', from)
        .where('timestamp', '<', to)
        .orderBy('timestamp')
        .execute();
      return rows.map(toDatum);
    } catch (err) {
      throw translateSqlError(err, 'query metric data');
    }
  }

  async listMetrics(filter: { namespace?: string; name?: string } = {}): Promise<MetricId[]> {
    try {
      let q = this.db.selectFrom('metric_datapoints').select(['namespace', 'name', 'dimensions_key']).distinct();
      if (filter.namespace !== undefined) q = q.where('namespace', '=', filter.namespace);
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      const rows = await q.orderBy('namespace').orderBy('name').orderBy('dimensions_key').execute();
      return rows.map((r) => ({ namespace: r.namespace, name: r.name, dimensions: dimensionsOf(r.dimensions_key) }));
    } catch (err) {
      throw translateSqlError(err, 'list metrics');
    }
  }

  async latest(namespace?: string): Promise<MetricDatum[]> {
    try {
      let inner = this.db
        .selectFrom('metric_datapoints')
        .select(['namespace', 'name', 'dimensions_key'])
        .select((eb) => eb.fn.max('timestamp').as('ts'))
        .groupBy(['namespace', 'name', 'dimensions_key']);
      if (namespace !== undefined) inner = inner.where('namespace', '=', namespace);
      const rows = await this.db
        .selectFrom(inner.as('l'))
        .innerJoin('metric_datapoints as m', (j) =>
          j
            .onRef('m.namespace', '=', 'l.namespace')
            .onRef('m.name', '=', 'l.name')
            .onRef('m.dimensions_key', '=', 'l.dimensions_key')
            .onRef('m.timestamp', '=', 'l.ts'),
        )
        .selectAll('m')
        .orderBy('m.namespace')
        .orderBy('m.name')
        .orderBy('m.dimensions_key')
        .execute();
      // Several points at the same latest time: the last one stored wins.
      const out = new Map<string, MetricDatum>();
      for (const r of rows) out.set(`${r.namespace}\0${r.name}\0${r.dimensions_key}`, toDatum(r));
      return [...out.values()];
    } catch (err) {
      throw translateSqlError(err, 'latest metric data');
    }
  }

  async deleteBefore(before: number): Promise<number> {
    try {
      const res = await this.db.deleteFrom('metric_datapoints').where('timestamp', '<', before).executeTakeFirst();
      return Number(res.numDeletedRows);
    } catch (err) {
      throw translateSqlError(err, 'delete metric data');
    }
  }
}

function toDatum(r: MetricDatapointsTable): MetricDatum {
  return {
    namespace: r.namespace,
    name: r.name,
    dimensions: dimensionsOf(r.dimensions_key),
    timestamp: Number(r.timestamp),
    value: Number(r.value),
    unit: r.unit as MetricUnit,
  };
}
