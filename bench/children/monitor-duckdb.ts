// The reference: DuckDB's SUMMARIZE (min, max, approx distinct, avg, std, quartiles, count, null %) on the same file.
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { report } from '../support.js';

const [resultFile, dataset] = process.argv.slice(2) as [string, string];
const started = performance.now();
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
const rows = (await con.runAndReadAll(`SUMMARIZE SELECT * FROM read_parquet('${dataset}')`)).getRowObjects();
con.closeSync();
instance.closeSync();
report(resultFile, (performance.now() - started) / 1000, { columns: rows.length });
