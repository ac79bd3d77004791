// Trains with driftline on label-first CSVs and reports training time (binning included), RMSE and peak RSS.
import { performance } from 'node:perf_hooks';
import { CsvMatrixReader } from '../../src/ml/adapters/csv-matrix-reader.js';
import { WorkerHistogramBuilder } from '../../src/ml/adapters/worker-histogram-builder.js';
import { parseHyperparameters, train } from '../../src/ml/index.js';
import { report } from '../support.js';

const [resultFile, trainCsv, validCsv, threadsArg, hpJson] = process.argv.slice(2) as [string, string, string, string, string];
const reader = new CsvMatrixReader();
const tr = await reader.read(trainCsv, { labelFirst: true, header: false });
const va = await reader.read(validCsv, { labelFirst: true, header: false });
const threads = Number(threadsArg);
const hp = parseHyperparameters({ ...(JSON.parse(hpJson) as Record<string, string>), nthread: String(threads) });
const started = performance.now();
const { report: r } = await train({ ...tr, label: tr.label! }, hp, {
  validation: { ...va, label: va.label! },
  threads,
  ...(threads > 1 ? { histogramBuilder: (m, c) => new WorkerHistogramBuilder(m, c, threads) } : {}),
});
const seconds = (performance.now() - started) / 1000;
report(resultFile, seconds, { rmse: r.bestScore, trees: r.numTrees, rows: tr.rows, timings: r.timings });
