// Trains with driftline's compiled build (dist/, as users run it) on label-first CSVs and reports
// training time (binning included), RMSE and peak RSS. Run by bench/train-bench.ts after `npm run build`.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CsvMatrixReader } from '../../dist/ml/adapters/csv-matrix-reader.js';
import { WorkerShardExecutor } from '../../dist/ml/adapters/worker-shard-executor.js';
import { parseHyperparameters, train } from '../../dist/ml/index.js';
import { PARALLEL_MIN_ROWS } from '../../dist/ml/training-service.js';

const [resultFile, trainCsv, validCsv, threadsArg, hpJson] = process.argv.slice(2);
const reader = new CsvMatrixReader();
// Features as float32, as driftline train reads them.
const tr = await reader.readFeatures32(trainCsv, { labelFirst: true, header: false });
// As TrainingService (driftline train, the pipeline's Training step): one thread below
// PARALLEL_MIN_ROWS whatever nthread says; above, workers start once the training set is read, while
// the validation set is read (as XGBoost's thread pool is up before training).
const threads = tr.rows < PARALLEL_MIN_ROWS ? 1 : Number(threadsArg);
if (threads > 1) WorkerShardExecutor.prestart(threads);
const va = await reader.readFeatures32(validCsv, { labelFirst: true, header: false });
const hp = parseHyperparameters({ ...JSON.parse(hpJson), nthread: String(threads) });
const started = performance.now();
let executor;
const { report: r } = await train(tr, hp, {
  validation: va,
  threads,
  ...(threads > 1 ? { shardExecutor: (m, c) => (executor = new WorkerShardExecutor(m, c, threads)) } : {}),
});
const seconds = (performance.now() - started) / 1000;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
writeFileSync(
  resultFile,
  JSON.stringify({
    seconds,
    peakRssMb,
    extra: { rmse: r.bestScore, trees: r.numTrees, rows: tr.rows, timings: r.timings, treesRunHere: executor?.treesRunHere ?? 0, threads },
  }),
);
