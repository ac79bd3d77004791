// CSV reading alone for bench:train: driftline's reader (dist/, as users run it) on a label-first CSV
// without header, as `driftline train` reads it.
import { performance } from 'node:perf_hooks';
import { CsvMatrixReader } from '../../dist/ml/adapters/csv-matrix-reader.js';
import { report } from './report.mjs';

const [resultFile, csv] = process.argv.slice(2);
const started = performance.now();
const t = await new CsvMatrixReader().read(csv, { labelFirst: true, header: false });
report(resultFile, (performance.now() - started) / 1000, { rows: t.rows, cols: t.cols + 1 });
