// driftline's Predictor: batch prediction and single-row latency on the same model and rows.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CsvMatrixReader } from '../../src/ml/adapters/csv-matrix-reader.js';
import { modelFromXgboostJson, Predictor } from '../../src/ml/index.js';
import { report } from '../support.js';

const [resultFile, modelFile, csv] = process.argv.slice(2) as [string, string, string];
const table = await new CsvMatrixReader().read(csv, { labelFirst: true, header: false });
const predictor = new Predictor(modelFromXgboostJson(readFileSync(modelFile, 'utf8')));
const out = new Float64Array(table.rows);
predictor.predictBatch(table.data, table.rows, table.cols, out);
let best = Infinity;
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  predictor.predictBatch(table.data, table.rows, table.cols, out);
  best = Math.min(best, (performance.now() - t) / 1000);
}
// Single rows, as a serving endpoint sees them: a different row each call.
const row = new Float64Array(table.cols);
let sink = 0;
const calls = 200_000;
for (let k = 0; k < 20_000; k++) sink += predictor.predictRow(table.data.subarray((k % table.rows) * table.cols, ((k % table.rows) + 1) * table.cols));
const t = performance.now();
for (let k = 0; k < calls; k++) {
  const r = k % table.rows;
  for (let c = 0; c < table.cols; c++) row[c] = table.data[r * table.cols + c]!;
  sink += predictor.predictRow(row);
}
const singleRowUs = ((performance.now() - t) * 1000) / calls;
report(resultFile, best, { rows: table.rows, singleRowUs, sink });
