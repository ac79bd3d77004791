import { readFile } from 'node:fs/promises';
import { NotFoundError } from '../../core/errors.js';
import type { MatrixReader, NumericTable } from '../matrix-reader.js';
import { parseNumericCsvBytes } from './numeric-csv.js';

export { parseNumericCsv } from './numeric-csv.js';

/** Reads a whole numeric CSV into typed arrays (parsed from its bytes), with line-precise errors. */
export class CsvMatrixReader implements MatrixReader {
  async read(file: string, options: { labelFirst: boolean; header: boolean }): Promise<NumericTable> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new NotFoundError('CSV file', file, { cause: err });
    }
    return parseNumericCsvBytes(bytes, file, options);
  }
}
