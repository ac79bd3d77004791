/**
 * bench:train — driftline's GBDT trainer and XGBoost `hist` (Debian's python3-xgboost, run with
 * /usr/bin/python3) on the same prepared NYC 2021-01 data and the sample's hyperparameters, with
 * nthread 1 and 2, at 1x and 10x the rows (replicated with small noise). Prints training time
 * (binning/sketching included), validation RMSE, peak RSS and the time ratio driftline / XGBoost.
 *   npm run bench:train [-- --sizes 1,10 --threads 1,2]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/run-cli.js';
import { createRandom } from '../src/core/random.js';
import { runChild, type Measured } from './support.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const sizes = arg('--sizes', '1,10').split(',').map(Number);
const threads = arg('--threads', '1,2').split(',').map(Number);
const nycDir = process.env['DRIFTLINE_NYC_DIR'] ?? path.resolve('..', 'shared', 'data', 'nyc-taxi');
const work = path.join(os.tmpdir(), `driftline-bench-train-${process.pid}`);
mkdirSync(work, { recursive: true });
const quiet = { stdout: () => {}, stderr: (s: string) => process.stderr.write(s), isTTY: false, env: {}, cwd: process.cwd() };
const code = await runCli(['--home', path.join(work, 'home'), 'data', 'prepare', '--trips', path.join(nycDir, 'green_tripdata_2021-01.parquet'), '--zones', path.join(nycDir, 'taxi_zones.zip'), '--out', path.join(work, 'prepared')], quiet);
if (code !== 0) process.exit(code);
const trainLines = readFileSync(path.join(work, 'prepared', 'train', 'train.csv'), 'utf8').trim().split('\n');
const validCsv = path.join(work, 'prepared', 'validation', 'validation.csv');

/** Writes the training rows `times` times; copies after the first get ±0.05% noise on the continuous columns. */
function replicate(times: number): string {
  const file = path.join(work, `train-${times}x.csv`);
  const random = createRandom(times);
  const continuous = new Set([2, 3, 4, 5, 6]); // pickup/dropoff lat/lon, geo_distance (0 = label)
  const out: string[] = [];
  for (let k = 0; k < times; k++) {
    for (const line of trainLines) {
      if (k === 0) {
        out.push(line);
        continue;
      }
      out.push(line.split(',').map((v, c) => (continuous.has(c) ? String(Number(v) * (1 + (random.next() - 0.5) * 0.001)) : v)).join(','));
    }
  }
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

const hp = { objective: 'reg:squarederror', num_round: '100', early_stopping_rounds: '10', max_depth: '9', eta: '0.2', gamma: '4', min_child_weight: '300', subsample: '0.8' };
console.log(`bench:train — green 2021-01, sample hyperparameters ${JSON.stringify(hp)} (${os.cpus().length} cores, Node ${process.version})`);
console.log(`${'rows'.padStart(9)} ${'threads'.padStart(7)} | ${'driftline s'.padStart(11)} ${'rmse'.padStart(7)} ${'MB'.padStart(5)} | ${'xgboost s'.padStart(9)} ${'rmse'.padStart(7)} ${'MB'.padStart(5)} | ${'ratio'.padStart(5)}`);
for (const size of sizes) {
  const trainCsv = replicate(size);
  for (const t of threads) {
    const ours: Measured = runChild('train-ours.mjs', [trainCsv, validCsv, String(t), JSON.stringify(hp)]);
    const ref: Measured = runChild('train_xgboost.py', [trainCsv, validCsv, String(t), JSON.stringify(hp)]);
    const rows = Number(ours.extra['rows']);
    console.log(
      `${rows.toLocaleString('en-US').padStart(9)} ${String(t).padStart(7)} | ${ours.seconds.toFixed(2).padStart(11)} ${Number(ours.extra['rmse']).toFixed(4).padStart(7)} ${ours.peakRssMb.toFixed(0).padStart(5)} | ${ref.seconds.toFixed(2).padStart(9)} ${Number(ref.extra['rmse']).toFixed(4).padStart(7)} ${ref.peakRssMb.toFixed(0).padStart(5)} | ${(ours.seconds / ref.seconds).toFixed(2).padStart(5)}`,
    );
    if (process.argv.includes('--timings')) console.log(`          driftline phases (ms): ${JSON.stringify(ours.extra['timings'])}`);
  }
}
