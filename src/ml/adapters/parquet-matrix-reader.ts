import { access } from 'node:fs/promises';
import { InvalidArgumentError, NotFoundError, oneLine } from '../../core/errors.js';
import { loadDuckDb } from '../../data/adapters/load-duckdb.js';
import type { MatrixReader, NumericTable } from '../matrix-reader.js';

const NUMERIC_TYPES = /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/;

/**
 * Reads a Parquet file of numeric columns (the label first, when asked) with DuckDB, imported only
 * here. Parquet files name their columns: `columns` is always set. Nulls in feature columns are
 * missing values; a null label, a non-finite value or a non-numeric column is an `InvalidArgumentError`
 * naming the file, row and column.
 */
export class ParquetMatrixReader implements MatrixReader {
  async read(file: string, options: { labelFirst: boolean; header: boolean }): Promise<NumericTable> {
    try {
      await access(file);
    } catch (err) {
      throw new NotFoundError('Parquet file', file, { cause: err });
    }
    const { DuckDBInstance } = await loadDuckDb();
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    const con = await instance.connect();
    const source = `read_parquet('${file.replaceAll("'", "''")}')`;
    const cannot = (err: unknown) => new InvalidArgumentError(`${file}: cannot read the Parquet file: ${oneLine(err)}`, { cause: err });
    try {
      let described: { name: string; type: string }[];
      let rows: number;
      try {
        described = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`))
          .getRowObjects()
          .map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
        rows = Number((await con.runAndReadAll(`SELECT count(*) AS n FROM ${source}`)).getRowObjects()[0]!['n']);
      } catch (err) {
        throw cannot(err);
      }
      const bad = described.find((d) => !NUMERIC_TYPES.test(d.type));
      if (bad) throw new InvalidArgumentError(`${file}: column '${bad.name}' is ${bad.type}, not numeric`);
      const width = described.length;
      const labelFirst = options.labelFirst;
      const cols = labelFirst ? width - 1 : width;
      if (cols < 1) throw new InvalidArgumentError(`${file}: no feature columns (a label-first file needs at least 2 columns)`);
      if (rows === 0) throw new InvalidArgumentError(`${file}: the file has no data rows`);
      const data = new Float64Array(rows * cols);
      const label = labelFirst ? new Float64Array(rows) : undefined;
      const select = described.map((d) => `CAST("${d.name.replaceAll('"', '""')}" AS DOUBLE)`).join(', ');
      let result;
      try {
        result = await con.stream(`SELECT ${select} FROM ${source}`);
      } catch (err) {
        throw cannot(err);
      }
      let row = 0;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const n = chunk.rowCount;
        if (row + n > rows) throw new InvalidArgumentError(`${file}: the file changed while it was read`);
        for (let c = 0; c < width; c++) {
          const vector = chunk.getColumnVector(c);
          const name = described[c]!.name;
          const isLabel = labelFirst && c === 0;
          const f = labelFirst ? c - 1 : c;
          for (let i = 0; i < n; i++) {
            const item = vector.getItem(i);
            const v = item === null ? NaN : Number(item);
            if (isLabel) {
              if (Number.isNaN(v)) throw new InvalidArgumentError(`${file}: row ${row + i + 1}: the label (first column, '${name}') is missing`);
              label![row + i] = v;
            } else {
              data[(row + i) * cols + f] = v;
            }
            if (v === Infinity || v === -Infinity) throw new InvalidArgumentError(`${file}: row ${row + i + 1}, column '${name}': ${v} is not a finite number`);
          }
        }
        row += n;
      }
      const names = described.map((d) => d.name);
      return { data, rows, cols, ...(label ? { label } : {}), columns: labelFirst ? names.slice(1) : names };
    } finally {
      con.closeSync();
      instance.closeSync();
    }
  }
}
