import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, NotFoundError } from '../../core/errors.js';
import type { MatrixReader, NumericTable } from '../matrix-reader.js';

/** Reads a whole numeric CSV into typed arrays, with line-precise errors. */
export class CsvMatrixReader implements MatrixReader {
  async read(file: string, options: { labelFirst: boolean; header: boolean }): Promise<NumericTable> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new NotFoundError('CSV file', file, { cause: err });
    }
    return parseNumericCsv(text, file, options);
  }
}

/** Parses numeric CSV text (exported for tests). */
export function parseNumericCsv(text: string, file: string, options: { labelFirst: boolean; header: boolean }): NumericTable {
  const lines = text.split('\n');
  let first = 0;
  let columns: string[] | undefined;
  if (options.header) {
    while (first < lines.length && lines[first]!.trim() === '') first++;
    if (first >= lines.length) throw new InvalidArgumentError(`${file}: the file is empty`);
    columns = lines[first]!.replace(/\r$/, '').split(',').map((c) => c.trim());
    first++;
  }
  let width = -1;
  const rowsText: { line: number; cells: string[] }[] = [];
  for (let i = first; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const cells = raw.split(',');
    if (width === -1) width = cells.length;
    else if (cells.length !== width) {
      throw new InvalidArgumentError(`${file}: line ${i + 1} has ${cells.length} columns, expected ${width} like the first row`);
    }
    rowsText.push({ line: i + 1, cells });
  }
  if (rowsText.length === 0) throw new InvalidArgumentError(`${file}: the file has no data rows`);
  if (columns && columns.length !== width) {
    throw new InvalidArgumentError(`${file}: the header has ${columns.length} columns but the rows have ${width}`);
  }
  const cols = options.labelFirst ? width - 1 : width;
  if (cols < 1) throw new InvalidArgumentError(`${file}: no feature columns (a label-first file needs at least 2 columns)`);
  const rows = rowsText.length;
  const data = new Float64Array(rows * cols);
  const label = options.labelFirst ? new Float64Array(rows) : undefined;
  for (let r = 0; r < rows; r++) {
    const { line, cells } = rowsText[r]!;
    for (let c = 0; c < width; c++) {
      const cell = cells[c]!.trim();
      let v: number;
      if (cell === '' || cell === 'NaN' || cell === 'nan') v = NaN;
      else {
        v = Number(cell);
        if (!Number.isFinite(v)) throw new InvalidArgumentError(`${file}: line ${line}, column ${c + 1}: '${cell.replace(/[\r\n\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}' is not a number`);
      }
      if (label && c === 0) {
        if (Number.isNaN(v)) throw new InvalidArgumentError(`${file}: line ${line}: the label (first column) is missing`);
        label[r] = v;
      } else data[r * cols + c - (label ? 1 : 0)] = v;
    }
  }
  const featureColumns = columns ? (options.labelFirst ? columns.slice(1) : columns) : undefined;
  return { data, rows, cols, ...(label ? { label } : {}), ...(featureColumns ? { columns: featureColumns } : {}) };
}
