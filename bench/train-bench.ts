/**
 * bench:train — driftline against XGBoost `hist` (Debian's python3-xgboost, run with /usr/bin/python3)
 * on the same prepared NYC data (green 2021-01 by default) and the sample's hyperparameters, at 1x
 * and 10x the training rows (replicated with ±0.05% noise on the continuous columns, so that those
 * are printed at full precision, as pandas writes float64). Sections, each the median of `--runs`
 * interleaved runs (driftline, reference, driftline, ...), values printed at full precision:
 *   startup  `driftline --version`, `--help`, `train --help` against `python3 -c 'import pandas, xgboost'`
 *   read     reading the training CSV alone: driftline's reader against pandas.read_csv
 *   whole    whole processes, as users time them: `driftline train` against a Python process that reads
 *            the CSVs with pandas, builds the DMatrix, trains and saves the model (2 threads each)
 *   inner    training alone (binning / DMatrix construction included) with 1 and 2 threads, each round
 *            running every thread count (medians of --inner-runs rounds, default 5; steal time shown)
 *   npm run bench:train [-- --sizes 1,10 --threads 1,2 --runs 3 --sections startup,read,whole,inner --month 2021-01]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/run-cli.js';
import { createRandom } from '../src/core/random.js';
import { benchWorkDir, type Measured, median, runChild, timeProcess } from './support.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const sizes = arg('--sizes', '1,10').split(',').map(Number);
const threads = arg('--threads', '1,2').split(',').map(Number);
const runs = Math.max(1, Number(arg('--runs', '3')));
const sections = new Set(arg('--sections', 'startup,read,whole,inner').split(','));
const month = arg('--month', '2021-01');
const wholeThreads = Number(arg('--whole-threads', '2'));
const nycDir = process.env['DRIFTLINE_NYC_DIR'] ?? path.resolve('..', 'shared', 'data', 'nyc-taxi');
const work = benchWorkDir('train');
mkdirSync(work, { recursive: true });
const cli = path.resolve('dist', 'main', 'cli.js');
const python = '/usr/bin/python3';
const children = path.resolve('bench', 'children');
const quiet = { stdout: () => {}, stderr: (s: string) => process.stderr.write(s), isTTY: false, env: {}, cwd: process.cwd() };
const code = await runCli(
  [
    '--home',
    path.join(work, 'home'),
    'data',
    'prepare',
    '--trips',
    path.join(nycDir, `green_tripdata_${month}.parquet`),
    '--zones',
    path.join(nycDir, 'taxi_zones.zip'),
    '--out',
    path.join(work, 'prepared'),
  ],
  quiet,
);
if (code !== 0) process.exit(code);
const trainLines = readFileSync(path.join(work, 'prepared', 'train', 'train.csv'), 'utf8')
  .trim()
  .split('\n');
const validCsv = path.join(work, 'prepared', 'validation', 'validation.csv');

/** Writes the training rows `times` times, each copy with ±0.05% noise on the continuous columns (printed in full). */
function replicate(times: number): string {
  const file = path.join(work, `train-${times}x.csv`);
  const random = createRandom(times);
  const continuous = new Set([2, 3, 4, 5, 6]); // pickup/dropoff lat/lon, geo_distance (0 = label)
  const out: string[] = [];
  for (let k = 0; k < times; k++) {
    for (const line of trainLines)
      out.push(
        line
          .split(',')
          .map((v, c) => (continuous.has(c) ? String(Number(v) * (1 + (random.next() - 0.5) * 0.001)) : v))
          .join(','),
      );
  }
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

/** Runs each of `fns` `runs` times, interleaved (a, b, a, b, ...); returns each one's results. */
function interleave<T>(fns: readonly (() => T)[]): T[][] {
  const results: T[][] = fns.map(() => []);
  for (let r = 0; r < runs; r++) fns.forEach((fn, i) => results[i]!.push(fn()));
  return results;
}

const s = (x: number) => x.toFixed(3);
const hp = {
  objective: 'reg:squarederror',
  num_round: '100',
  early_stopping_rounds: '10',
  max_depth: '9',
  eta: '0.2',
  gamma: '4',
  min_child_weight: '300',
  subsample: '0.8',
};
console.log(`bench:train — green ${month}, sample hyperparameters ${JSON.stringify(hp)}`);
console.log(
  `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; medians of ${runs} interleaved runs`,
);

if (sections.has('startup')) {
  console.log('\nstart-up (whole process, s)');
  const commands: [string, string, string[]][] = [
    ['driftline --version', process.execPath, [cli, '--version']],
    ['driftline --help', process.execPath, [cli, '--help']],
    ['driftline train --help', process.execPath, [cli, 'train', '--help']],
    ['python3 -c "import pandas, xgboost"', python, ['-c', 'import pandas, xgboost']],
    ['node -e 0 (bare Node)', process.execPath, ['-e', '0']],
  ];
  const results = interleave(
    commands.map(
      ([, cmd, args]) =>
        () =>
          timeProcess(cmd, args).seconds,
    ),
  );
  commands.forEach(([name], i) => console.log(`  ${name.padEnd(38)} ${s(median(results[i]!))}   (runs: ${results[i]!.map(s).join(' ')})`));
}

const files = new Map(sizes.map((size) => [size, replicate(size)]));
const rowsOf = (size: number) => trainLines.length * size;

if (sections.has('read')) {
  console.log('\nreading the training CSV alone (s)');
  console.log(`  ${'rows'.padStart(9)} ${'MB'.padStart(6)} | ${'driftline'.padStart(9)} ${'pandas'.padStart(9)} | ${'ratio'.padStart(6)}`);
  for (const size of sizes) {
    const file = files.get(size)!;
    const [ours, ref] = interleave([() => runChild('read-ours.mjs', [file]).seconds, () => runChild('read_pandas.py', [file]).seconds]);
    const mb = readFileSync(file).length / 1e6;
    console.log(
      `  ${rowsOf(size).toLocaleString('en-US').padStart(9)} ${mb.toFixed(1).padStart(6)} | ${s(median(ours!)).padStart(9)} ${s(median(ref!)).padStart(9)} | ${(median(ours!) / median(ref!)).toFixed(3).padStart(6)}`,
    );
  }
}

if (sections.has('whole')) {
  console.log(`\nwhole process, ${wholeThreads} threads each: driftline train vs python3 (pandas read_csv + DMatrix + train + save) (s)`);
  console.log(
    `  ${'rows'.padStart(9)} | ${'driftline'.padStart(9)} ${'rmse'.padStart(18)} ${'MB'.padStart(5)} | ${'python'.padStart(9)} ${'rmse'.padStart(18)} ${'MB'.padStart(5)} | ${'ratio'.padStart(6)} ${'rmse gap'.padStart(9)}`,
  );
  for (const size of sizes) {
    const file = files.get(size)!;
    const hpArgs = Object.entries({ ...hp, nthread: String(wholeThreads) }).map(([k, v]) => `${k}=${v}`);
    const oursModel = path.join(work, `ours-${size}x.json`);
    const theirsModel = path.join(work, `xgb-${size}x.json`);
    const [ours, ref] = interleave([
      () => {
        const run = timeProcess(process.execPath, [
          cli,
          '--home',
          path.join(work, 'home'),
          'train',
          '--train',
          file,
          '--validation',
          validCsv,
          '--out',
          oursModel,
          '--hp',
          ...hpArgs,
        ]);
        const report = JSON.parse(readFileSync(oursModel.replace(/\.json$/, '.report.json'), 'utf8')) as { bestScore: number };
        return { ...run, rmse: report.bestScore };
      },
      () => {
        const run = timeProcess(python, [
          path.join(children, 'train_pandas_xgboost.py'),
          file,
          validCsv,
          String(wholeThreads),
          JSON.stringify(hp),
          theirsModel,
        ]);
        return { ...run, rmse: (JSON.parse(run.stdout) as { rmse: number }).rmse };
      },
    ]);
    const o = median(ours!.map((r) => r.seconds));
    const t = median(ref!.map((r) => r.seconds));
    const or = ours![0]!.rmse;
    const tr = ref![0]!.rmse;
    console.log(
      `  ${rowsOf(size).toLocaleString('en-US').padStart(9)} | ${s(o).padStart(9)} ${String(or).padStart(18)} ${median(ours!.map((r) => r.peakRssMb))
        .toFixed(0)
        .padStart(5)} | ${s(t).padStart(9)} ${String(tr).padStart(18)} ${median(ref!.map((r) => r.peakRssMb))
        .toFixed(0)
        .padStart(5)} | ${(o / t).toFixed(3).padStart(6)} ${`${(((or - tr) / tr) * 100).toFixed(2)}%`.padStart(9)}`,
    );
    console.log(`      runs: driftline ${ours!.map((r) => s(r.seconds)).join(' ')}; python ${ref!.map((r) => s(r.seconds)).join(' ')}`);
  }
}

if (sections.has('inner')) {
  // Every thread count of both in each round (driftline 1, xgboost 1, driftline 2, xgboost 2, ...), so
  // that a round's runs see the same host: the 1 -> 2 thread speed-up is also given per round.
  const innerRuns = Math.max(runs, Number(arg('--inner-runs', '5')));
  console.log(`\ntraining alone (binning / DMatrix construction included), in fresh processes (s); medians of ${innerRuns} rounds`);
  console.log(
    `  ${'rows'.padStart(9)} ${'threads'.padStart(7)} | ${'driftline'.padStart(9)} ${'rmse'.padStart(18)} ${'MB'.padStart(5)} | ${'xgboost'.padStart(9)} ${'rmse'.padStart(18)} ${'MB'.padStart(5)} | ${'ratio'.padStart(6)}`,
  );
  const pct = (x: number | undefined) => (x === undefined ? '?' : `${(x * 100).toFixed(0)}%`);
  for (const size of sizes) {
    const file = files.get(size)!;
    const fns = threads.flatMap((t) => [
      () => runChild('train-ours.mjs', [file, validCsv, String(t), JSON.stringify(hp)]),
      () => runChild('train_xgboost.py', [file, validCsv, String(t), JSON.stringify(hp)]),
    ]);
    const results: Measured[][] = fns.map(() => []);
    for (let r = 0; r < innerRuns; r++) fns.forEach((fn, i) => results[i]!.push(fn()));
    const med = (ms: Measured[]) => median(ms.map((m) => m.seconds));
    threads.forEach((t, i) => {
      const ours = results[2 * i]!;
      const ref = results[2 * i + 1]!;
      console.log(
        `  ${rowsOf(size).toLocaleString('en-US').padStart(9)} ${String(t).padStart(7)} | ${s(med(ours)).padStart(9)} ${String(ours[0]!.extra['rmse']).padStart(18)} ${median(
          ours.map((m) => m.peakRssMb),
        )
          .toFixed(0)
          .padStart(5)} | ${s(med(ref)).padStart(9)} ${String(ref[0]!.extra['rmse']).padStart(18)} ${median(ref.map((m) => m.peakRssMb))
          .toFixed(0)
          .padStart(5)} | ${(med(ours) / med(ref)).toFixed(3).padStart(6)}`,
      );
      console.log(
        `      runs: driftline ${ours.map((m) => `${s(m.seconds)} (steal ${pct(m.steal)})`).join(', ')}; xgboost ${ref.map((m) => s(m.seconds)).join(' ')}`,
      );
      if (ours[0]!.extra['threads'] !== t)
        console.log(`      driftline trained in ${String(ours[0]!.extra['threads'])} thread: below 100,000 rows, as driftline train does`);
      if (process.argv.includes('--timings')) console.log(`      driftline phases (ms): ${JSON.stringify(ours[0]!.extra['timings'])}`);
    });
    const one = threads.indexOf(1);
    const two = threads.indexOf(2);
    if (one >= 0 && two >= 0) {
      const speedUp = (a: Measured[], b: Measured[]) => ({ ofMedians: med(a) / med(b), perRound: median(a.map((m, r) => m.seconds / b[r]!.seconds)) });
      const ours = speedUp(results[2 * one]!, results[2 * two]!);
      const ref = speedUp(results[2 * one + 1]!, results[2 * two + 1]!);
      console.log(
        `      1 -> 2 threads: driftline ${ours.ofMedians.toFixed(3)}x (median of rounds ${ours.perRound.toFixed(3)}x), xgboost ${ref.ofMedians.toFixed(3)}x (${ref.perRound.toFixed(3)}x)`,
      );
    }
  }
}
