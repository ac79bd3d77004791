// Trains with driftline's compiled build (dist/, as users run it) on label-first CSVs and reports
// training time (binning included), RMSE and peak RSS. Run by bench/train-bench.ts after `npm run build`.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CsvMatrixReader } from '../../dist/ml/adapters/csv-matrix-reader.js';
import { WorkerShardExecutor } from '../../dist/ml/adapters/worker-shard-executor.js';
import { parseHyperparameters, train } from '../../dist/ml/index.js';

const [resultFile, trainCsv, validCsv, threadsArg, hpJson] = process.argv.slice(2);
// Workers start while the CSVs are read, as TrainingService (driftline train, the pipeline's
// Training step) does when nthread is given (and as XGBoost's thread pool is up before training).
if (Number(threadsArg) > 1) WorkerShardExecutor.prestart(Number(threadsArg));
const reader = new CsvMatrixReader();
// Features as float32, as driftline train reads them.
const tr = await reader.readFeatures32(trainCsv, { labelFirst: true, header: false });
const va = await reader.readFeatures32(validCsv, { labelFirst: true, header: false });
const threads = Number(threadsArg);
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
    extra: { rmse: r.bestScore, trees: r.numTrees, rows: tr.rows, timings: r.timings, treesRunHere: executor?.treesRunHere ?? 0 },
  }),
);
