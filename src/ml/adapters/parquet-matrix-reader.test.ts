import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDuckDb } from '../../data/adapters/load-duckdb.js';
import { tmpDir } from '../../../test/support/tmp-dir.js';
import { FileMatrixReader } from './file-matrix-reader.js';

/** Runs `sql` in a fresh in-memory DuckDB (writes the test's Parquet files). */
async function duck(sql: string): Promise<void> {
  const { DuckDBInstance } = await loadDuckDb();
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    await con.run(sql);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

describe('FileMatrixReader (Parquet)', () => {
  let dir = '';
  before(async () => {
    dir = await tmpDir('driftline-parquet-');
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads a Parquet file as the same table as its CSV (label first, nulls as missing values, column names)', async () => {
    const csv = path.join(dir, 'm.csv');
    const parquet = path.join(dir, 'm.parquet');
    await writeFile(csv, '8.5,1,40.778846324497195,-73.9\n7.25,2,,-74.00204502884603\n12,1,40.5,-73.5\n');
    await duck(
      `COPY (SELECT * FROM read_csv('${csv}', header = false, columns = {'fare': 'DOUBLE', 'passengers': 'INTEGER', 'lat': 'DOUBLE', 'lon': 'DOUBLE'})) TO '${parquet}' (FORMAT parquet)`,
    );
    const reader = new FileMatrixReader();
    const fromCsv = await reader.read(csv, { labelFirst: true, header: false });
    const fromParquet = await reader.read(parquet, { labelFirst: true, header: false });
    assert.deepEqual(Array.from(fromParquet.data), Array.from(fromCsv.data));
    assert.deepEqual(Array.from(fromParquet.label!), [8.5, 7.25, 12]);
    assert.equal(fromParquet.rows, 3);
    assert.equal(fromParquet.cols, 3);
    assert.deepEqual(fromParquet.columns, ['passengers', 'lat', 'lon']);
    const features = await reader.read(parquet, { labelFirst: false, header: true });
    assert.equal(features.cols, 4);
    assert.deepEqual(features.columns, ['fare', 'passengers', 'lat', 'lon']);
  });

  it('names the file, row and column of what it cannot take', async () => {
    const text = path.join(dir, 'text.parquet');
    const nullLabel = path.join(dir, 'null-label.parquet');
    await duck(`COPY (SELECT 1.5 AS y, 'a' AS name) TO '${text}' (FORMAT parquet)`);
    await duck(`COPY (SELECT * FROM (VALUES (1.0, 2.0), (NULL, 3.0)) t(y, x)) TO '${nullLabel}' (FORMAT parquet)`);
    const reader = new FileMatrixReader();
    await assert.rejects(reader.read(text, { labelFirst: true, header: false }), {
      code: 'invalid_argument',
      message: `${text}: column 'name' is VARCHAR, not numeric`,
    });
    await assert.rejects(reader.read(nullLabel, { labelFirst: true, header: false }), {
      code: 'invalid_argument',
      message: `${nullLabel}: row 2: the label (first column, 'y') is missing`,
    });
    await assert.rejects(reader.read(path.join(dir, 'absent.parquet'), { labelFirst: true, header: false }), { code: 'not_found' });
    const notParquet = path.join(dir, 'bad.parquet');
    await writeFile(notParquet, 'not parquet');
    await assert.rejects(reader.read(notParquet, { labelFirst: true, header: false }), {
      code: 'invalid_argument',
      message: /bad\.parquet: cannot read the Parquet file/,
    });
  });
});
