/**
 * bench:predict — prediction with a 100-tree, depth-9 model (trained by driftline on the prepared
 * NYC 2021-01 data): driftline's Predictor vs XGBoost (nthread 1), batch throughput and single-row latency.
 *   npm run bench:predict
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/run-cli.js';
import { benchWorkDir, runChild } from './support.js';

const nycDir = process.env['DRIFTLINE_NYC_DIR'] ?? path.resolve('..', 'shared', 'data', 'nyc-taxi');
const work = benchWorkDir('predict');
mkdirSync(work, { recursive: true });
const io = { stdout: () => {}, stderr: (s: string) => process.stderr.write(s), isTTY: false, env: {}, cwd: process.cwd() };
const home = ['--home', path.join(work, 'home')];
if (
  (await runCli(
    [
      ...home,
      'data',
      'prepare',
      '--trips',
      path.join(nycDir, 'green_tripdata_2021-01.parquet'),
      '--zones',
      path.join(nycDir, 'taxi_zones.zip'),
      '--out',
      path.join(work, 'prepared'),
    ],
    io,
  )) !== 0
)
  process.exit(1);
const trainCsv = path.join(work, 'prepared', 'train', 'train.csv');
const model = path.join(work, 'model.json');
if ((await runCli([...home, 'train', '--train', trainCsv, '--out', model, '--hp', 'num_round=100', 'max_depth=9', 'eta=0.2', 'min_child_weight=1'], io)) !== 0)
  process.exit(1);

const ours = runChild('predict-ours', [model, trainCsv]);
const ref = runChild('predict_xgboost.py', [model, trainCsv]);
const rows = Number(ours.extra['rows']);
const perRow = (s: number) => ((s * 1e6) / rows).toFixed(3);
console.log(`bench:predict — 100 trees of depth 9, ${rows.toLocaleString('en-US')} rows x 9 features (${os.cpus().length} cores, Node ${process.version})`);
console.log(`batch      driftline ${perRow(ours.seconds)} µs/row   XGBoost ${perRow(ref.seconds)} µs/row   ratio ${(ours.seconds / ref.seconds).toFixed(2)}`);
console.log(
  `single row driftline ${Number(ours.extra['singleRowUs']).toFixed(2)} µs   XGBoost inplace_predict from Python ${Number(ref.extra['singleRowUs']).toFixed(2)} µs   (target < 10 µs)`,
);
