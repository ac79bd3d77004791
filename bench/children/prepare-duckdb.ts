// The reference: the same preparation written as DuckDB SQL (centroid join, haversine, the sample's
// filters, a seeded shuffle, four CSV outputs), i.e. what this machine's fastest engine does.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { report } from '../support.js';

const [resultFile, pattern, centroidsCsv, outDir] = process.argv.slice(2) as [string, string, string, string];
const started = performance.now();
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
for (const d of ['train', 'validation', 'test', 'baseline']) mkdirSync(path.join(outDir, d), { recursive: true });
await con.run(`CREATE TABLE z AS SELECT LocationID AS id, latitude AS lat, longitude AS lon FROM read_csv('${centroidsCsv}', header = true)`);
await con.run(`CREATE TABLE raw AS SELECT
  TRY_CAST(fare_amount AS DOUBLE) AS fare, TRY_CAST(passenger_count AS DOUBLE) AS pax,
  TRY_CAST(PULocationID AS INTEGER) AS pu, TRY_CAST(DOLocationID AS INTEGER) AS dz,
  lpep_pickup_datetime AS pick, lpep_dropoff_datetime AS dropt
  FROM read_parquet('${pattern}')`);
await con.run(`CREATE TABLE kept AS
  WITH f AS (
    SELECT r.fare AS fare_amount, r.pax AS passenger_count, a.lat AS pickup_latitude, a.lon AS pickup_longitude,
           b.lat AS dropoff_latitude, b.lon AS dropoff_longitude,
           2 * 6371.0088 * asin(sqrt(pow(sin(radians(b.lat - a.lat) / 2), 2) + cos(radians(a.lat)) * cos(radians(b.lat)) * pow(sin(radians(b.lon - a.lon) / 2), 2))) AS geo_distance,
           hour(r.pick) AS hour, isodow(r.pick) - 1 AS weekday, month(r.pick) AS month,
           (epoch(r.dropt) - epoch(r.pick)) / 60.0 AS duration
    FROM raw r JOIN z a ON a.id = r.pu JOIN z b ON b.id = r.dz)
  SELECT * EXCLUDE (duration) FROM f
  WHERE fare_amount > 0 AND fare_amount < 200 AND passenger_count > 0 AND duration > 0 AND duration < 120
    AND geo_distance > 0 AND geo_distance < 121`);
await con.run(`SELECT setseed(0.42)`);
await con.run(`CREATE TABLE shuffled AS SELECT *, row_number() OVER () AS rn FROM (SELECT * FROM kept ORDER BY random())`);
const n = Number((await con.runAndReadAll('SELECT count(*) AS n FROM shuffled')).getRowObjects()[0]!['n']);
const nTrain = Math.round(n * 0.8);
const nTest = Math.round((n - nTrain) * 0.05);
const copy = (where: string, file: string, header: boolean) =>
  con.run(`COPY (SELECT * EXCLUDE (rn) FROM shuffled WHERE ${where} ORDER BY rn) TO '${path.join(outDir, file)}' (HEADER ${header})`);
await copy(`rn <= ${nTrain}`, 'train/train.csv', false);
await copy(`rn > ${nTrain} AND rn <= ${n - nTest}`, 'validation/validation.csv', false);
await copy(`rn > ${n - nTest}`, 'test/test.csv', true);
await copy(`rn <= ${nTrain}`, 'baseline/baseline.csv', true);
const rowsRead = Number((await con.runAndReadAll('SELECT count(*) AS n FROM raw')).getRowObjects()[0]!['n']);
con.closeSync();
instance.closeSync();
report(resultFile, (performance.now() - started) / 1000, { rowsRead, rowsKept: n });
