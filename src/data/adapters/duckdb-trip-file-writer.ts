import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { loadDuckDb } from './load-duckdb.js';
import { UnavailableError, oneLine } from '../../core/errors.js';
import { GREEN_COLUMNS, type GreenTrip } from '../generate/trip-generator.js';
import type { TripFileFormat, TripFileWriter } from '../trip-file-writer.js';
import { sqlString } from './duckdb-trip-reader.js';

/** TLC's published Parquet types for the green schema. */
const GREEN_TYPES: Readonly<Record<(typeof GREEN_COLUMNS)[number], string>> = {
  VendorID: 'INTEGER',
  lpep_pickup_datetime: 'TIMESTAMP',
  lpep_dropoff_datetime: 'TIMESTAMP',
  store_and_fwd_flag: 'VARCHAR',
  RatecodeID: 'DOUBLE',
  PULocationID: 'INTEGER',
  DOLocationID: 'INTEGER',
  passenger_count: 'DOUBLE',
  trip_distance: 'DOUBLE',
  fare_amount: 'DOUBLE',
  extra: 'DOUBLE',
  mta_tax: 'DOUBLE',
  tip_amount: 'DOUBLE',
  tolls_amount: 'DOUBLE',
  ehail_fee: 'DOUBLE',
  improvement_surcharge: 'DOUBLE',
  total_amount: 'DOUBLE',
  payment_type: 'DOUBLE',
  trip_type: 'DOUBLE',
  congestion_surcharge: 'DOUBLE',
};

/** Writes green trips as CSV, then (for Parquet) converts them with DuckDB using TLC's column types. */
export class DuckDbTripFileWriter implements TripFileWriter {
  async write(file: string, format: TripFileFormat, trips: Iterable<GreenTrip>, onRows?: (n: number) => void): Promise<number> {
    const csv = format === 'csv' ? `${file}.tmp` : `${file}.csv.tmp`;
    try {
      const rows = await writeCsv(csv, trips, onRows);
      if (format === 'csv') {
        await rename(csv, file);
        return rows;
      }
      const { DuckDBInstance } = await loadDuckDb();
      const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
      const con = await instance.connect();
      try {
        const columns = `{${GREEN_COLUMNS.map((c) => `${sqlString(c)}: ${sqlString(GREEN_TYPES[c])}`).join(', ')}}`;
        await con.run(
          `COPY (SELECT * FROM read_csv(${sqlString(csv)}, header = true, columns = ${columns}, nullstr = '', timestampformat = '%Y-%m-%d %H:%M:%S'))
           TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`,
        );
      } finally {
        con.closeSync();
        instance.closeSync();
      }
      return rows;
    } catch (err) {
      await rm(file, { force: true });
      throw new UnavailableError(`cannot write ${file}: ${oneLine(err)}`, { cause: err });
    } finally {
      await rm(csv, { force: true });
    }
  }
}

async function writeCsv(file: string, trips: Iterable<GreenTrip>, onRows?: (n: number) => void): Promise<number> {
  const out = createWriteStream(file);
  let buffer = `${GREEN_COLUMNS.join(',')}\n`;
  let rows = 0;
  let pending = 0;
  for (const trip of trips) {
    buffer += `${GREEN_COLUMNS.map((c) => (trip[c] === null ? '' : String(trip[c]))).join(',')}\n`;
    rows++;
    pending++;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
      onRows?.(pending);
      pending = 0;
    }
  }
  out.end(buffer);
  await once(out, 'close');
  onRows?.(pending);
  return rows;
}
