import { access } from 'node:fs/promises';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { loadDuckDb } from './load-duckdb.js';
import { InvalidArgumentError, NotFoundError, oneLine } from '../../core/errors.js';
import { UNREADABLE_NUMBER, UNREADABLE_TIME, type TripBatch, type TripReader, type TripSchema } from '../trip-reader.js';

const REQUIRED = ['fare_amount', 'passenger_count', 'pulocationid', 'dolocationid'] as const;

/** Reads TLC Parquet and CSV trip files with DuckDB, green or yellow, zone ids as numbers or strings. */
export class DuckDbTripReader implements TripReader {
  private instance: Promise<DuckDBInstance> | undefined;

  constructor(private readonly options: { threads?: number } = {}) {}

  /** Releases the DuckDB instance (created on first use and shared by every read). */
  close(): void {
    const pending = this.instance;
    this.instance = undefined;
    void pending?.then((i) => i.closeSync());
  }

  private connect(): Promise<DuckDBConnection> {
    this.instance ??= loadDuckDb().then(({ DuckDBInstance }) => DuckDBInstance.create(':memory:', { threads: String(this.options.threads ?? 2) }));
    return this.instance.then((i) => i.connect());
  }

  async inspect(file: string): Promise<{ schema: TripSchema; rows: number }> {
    await mustExist(file);
    return this.withConnection(async (con) => {
      const source = sourceOf(file);
      const described = await run(con, file, `DESCRIBE SELECT * FROM ${source}`);
      const columns = new Set(described.map((r) => String(r['column_name']).toLowerCase()));
      const schema: TripSchema | undefined =
        columns.has('lpep_pickup_datetime') && columns.has('lpep_dropoff_datetime')
          ? 'green'
          : columns.has('tpep_pickup_datetime') && columns.has('tpep_dropoff_datetime')
            ? 'yellow'
            : undefined;
      const missing = REQUIRED.filter((c) => !columns.has(c));
      if (!schema) missing.push('lpep_pickup_datetime/lpep_dropoff_datetime or tpep_pickup_datetime/tpep_dropoff_datetime' as never);
      if (missing.length > 0) {
        throw new InvalidArgumentError(`${file}: not a TLC trip file, missing column(s) ${missing.join(', ')}`);
      }
      const counted = await run(con, file, `SELECT count(*) AS n FROM ${source}`);
      return { schema: schema!, rows: Number(counted[0]!['n']) };
    });
  }

  async *read(file: string, schema: TripSchema): AsyncIterable<TripBatch> {
    const con = await this.connect();
    try {
      const p = schema === 'green' ? 'lpep' : 'tpep';
      // A value that is present (not NULL, not blank) but does not cast is unreadable, not missing.
      const present = (raw: string) => `(${raw} IS NOT NULL AND trim(CAST(${raw} AS VARCHAR)) <> '')`;
      const unreadable = (pairs: [string, string][]) => pairs.map(([v, raw]) => `(${v} IS NULL AND ${present(raw)})`).join(' OR ');
      const sql = `
        WITH t AS (
          SELECT TRY_CAST(fare_amount AS DOUBLE) AS fare,
                 TRY_CAST(passenger_count AS DOUBLE) AS pax,
                 TRY_CAST(TRY_CAST(PULocationID AS DOUBLE) AS DOUBLE) AS pu,
                 TRY_CAST(TRY_CAST(DOLocationID AS DOUBLE) AS DOUBLE) AS dz,
                 TRY_CAST(${p}_pickup_datetime AS TIMESTAMP) AS pick,
                 TRY_CAST(${p}_dropoff_datetime AS TIMESTAMP) AS drop,
                 fare_amount AS fare_raw, passenger_count AS pax_raw, PULocationID AS pu_raw, DOLocationID AS dz_raw,
                 ${p}_pickup_datetime AS pick_raw, ${p}_dropoff_datetime AS drop_raw
          FROM ${sourceOf(file)})
        SELECT fare, pax, pu, dz,
               CAST(hour(pick) AS DOUBLE) AS h,
               CAST(isodow(pick) - 1 AS DOUBLE) AS wd,
               CAST(month(pick) AS DOUBLE) AS mo,
               (epoch(drop) - epoch(pick)) / 60.0 AS dur,
               CAST((CASE WHEN ${unreadable([
                 ['fare', 'fare_raw'],
                 ['pax', 'pax_raw'],
                 ['pu', 'pu_raw'],
                 ['dz', 'dz_raw'],
               ])} THEN ${UNREADABLE_NUMBER} ELSE 0 END)
                  + (CASE WHEN ${unreadable([
                    ['pick', 'pick_raw'],
                    ['drop', 'drop_raw'],
                  ])} THEN ${UNREADABLE_TIME} ELSE 0 END) AS DOUBLE) AS bad
        FROM t`;
      let result;
      try {
        result = await con.stream(sql);
      } catch (err) {
        throw readError(file, err);
      }
      for (;;) {
        let chunk;
        try {
          chunk = await result.fetchChunk();
        } catch (err) {
          throw readError(file, err);
        }
        if (!chunk || chunk.rowCount === 0) break;
        const n = chunk.rowCount;
        const cols = Array.from({ length: 9 }, () => new Float64Array(n));
        for (let c = 0; c < 9; c++) {
          const vector = chunk.getColumnVector(c);
          const out = cols[c]!;
          for (let i = 0; i < n; i++) {
            const v = vector.getItem(i);
            out[i] = v === null ? NaN : Number(v);
          }
        }
        yield {
          length: n,
          fareAmount: cols[0]!,
          passengerCount: cols[1]!,
          pickupZone: cols[2]!,
          dropoffZone: cols[3]!,
          hour: cols[4]!,
          weekday: cols[5]!,
          month: cols[6]!,
          durationMinutes: cols[7]!,
          unreadable: Uint8Array.from(cols[8]!),
        };
      }
    } finally {
      con.closeSync();
    }
  }

  private async withConnection<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
    const con = await this.connect();
    try {
      return await fn(con);
    } finally {
      con.closeSync();
    }
  }
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function sourceOf(file: string): string {
  const lower = file.toLowerCase();
  if (lower.endsWith('.parquet')) return `read_parquet(${sqlString(file)})`;
  if (lower.endsWith('.csv') || lower.endsWith('.csv.gz')) {
    return `read_csv(${sqlString(file)}, header = true, all_varchar = true)`;
  }
  throw new InvalidArgumentError(`${file}: unsupported trip file type (expected .parquet or .csv)`);
}

async function run(con: DuckDBConnection, file: string, sql: string): Promise<Record<string, unknown>[]> {
  try {
    const reader = await con.runAndReadAll(sql);
    return reader.getRowObjects() as Record<string, unknown>[];
  } catch (err) {
    throw readError(file, err);
  }
}

function readError(file: string, err: unknown): Error {
  if (err instanceof InvalidArgumentError) return err;
  const kind = file.toLowerCase().endsWith('.parquet') ? 'Parquet' : 'CSV';
  return new InvalidArgumentError(`${file}: cannot read as ${kind}: ${oneLine(err)}`, { cause: err });
}

async function mustExist(file: string): Promise<void> {
  try {
    await access(file);
  } catch (err) {
    throw new NotFoundError('trip file', file, { cause: err });
  }
}
