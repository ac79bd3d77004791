import { access } from 'node:fs/promises';
import { loadDuckDb } from '../../data/adapters/load-duckdb.js';
import { InvalidArgumentError, NotFoundError, oneLine } from '../../core/errors.js';
import type { ColumnChunk, TableBatch, TableReader } from '../table-reader.js';

const INTEGRAL_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;
const FRACTIONAL_TYPES = /^(FLOAT|DOUBLE|REAL|DECIMAL.*)$/;
/** Parquet columns read per pass: bounds memory on wide files (a column chunk per column in flight). */
const COLUMN_GROUP = 25;

/** Reads CSV and Parquet files with DuckDB, streaming 2048-row chunks. */
export class DuckDbTableReader implements TableReader {
  async open(file: string, options: { header: boolean }): Promise<{ columns: string[]; batches: AsyncIterable<TableBatch> }> {
    try {
      await access(file);
    } catch (err) {
      throw new NotFoundError('dataset', file, { cause: err });
    }
    const lower = file.toLowerCase();
    const literal = `'${file.replaceAll("'", "''")}'`;
    const source = lower.endsWith('.parquet')
      ? `read_parquet(${literal})`
      : `read_csv(${literal}, header = ${options.header ? 'true' : 'false'}, all_varchar = true, auto_detect = true)`;
    // A memory cap keeps wide files from holding whole row groups in memory.
    const { DuckDBInstance } = await loadDuckDb();
    const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '100MB' });
    const con = await instance.connect();
    let described: { name: string; type: string }[];
    try {
      const reader = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
      described = reader.getRowObjects().map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
    } catch (err) {
      con.closeSync();
      instance.closeSync();
      throw new InvalidArgumentError(`${file}: cannot read the dataset: ${oneLine(err)}`, { cause: err });
    }
    const kinds = described.map((d) => (INTEGRAL_TYPES.test(d.type) ? 'integral' : FRACTIONAL_TYPES.test(d.type) ? 'fractional' : 'text'));
    const columns = options.header || lower.endsWith('.parquet') ? described.map((d) => d.name) : described.map((_, i) => `_c${i}`);
    const expr = (i: number) => {
      const quoted = `"${described[i]!.name.replaceAll('"', '""')}"`;
      return kinds[i] === 'text' ? `CAST(${quoted} AS VARCHAR)` : `CAST(${quoted} AS DOUBLE)`;
    };
    const groupSize = lower.endsWith('.parquet') ? COLUMN_GROUP : described.length;
    async function* batches(): AsyncIterable<TableBatch> {
      try {
        for (let first = 0; first < described.length; first += groupSize) {
          const last = Math.min(described.length, first + groupSize);
          const groupKinds = kinds.slice(first, last);
          const select = groupKinds.map((_, j) => expr(first + j)).join(', ');
          const result = await con.stream(`SELECT ${select} FROM ${source}`);
          for (;;) {
            const chunk = await result.fetchChunk();
            if (!chunk || chunk.rowCount === 0) break;
            const n = chunk.rowCount;
            const cols: ColumnChunk[] = groupKinds.map((kind, c) => {
              const vector = chunk.getColumnVector(c);
              if (kind === 'text') {
                const values: (string | null)[] = new Array(n);
                for (let i = 0; i < n; i++) {
                  const v = vector.getItem(i);
                  values[i] = v === null ? null : String(v);
                }
                return { kind: 'text', values };
              }
              const values = new Float64Array(n);
              for (let i = 0; i < n; i++) {
                const v = vector.getItem(i);
                values[i] = v === null ? NaN : Number(v);
              }
              return { kind: kind as 'integral' | 'fractional', values };
            });
            yield { length: n, firstColumn: first, countsRows: first === 0, columns: cols };
          }
        }
      } catch (err) {
        throw new InvalidArgumentError(`${file}: cannot read the dataset: ${oneLine(err)}`, { cause: err });
      } finally {
        con.closeSync();
        instance.closeSync();
      }
    }
    return { columns, batches: batches() };
  }
}
