/**
 * bench:pipeline — the NYC taxi build pipeline on the real 2021-01 month, cold and cached, against
 * the same work run by hand as one CLI command after another (data prepare, monitor
 * suggest-baseline, train, predict on the test split, predict on the baseline split and
 * suggest-baseline on it with the predictions in the label column), in one run. Prints wall times, each step's
 * time, and the ratios pipeline-cold / by-hand and cached / cold.
 *   npm run bench:pipeline
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replaceLabelColumn } from '../src/ml/index.js';
import { benchWorkDir } from './support.js';

const nycDir = process.env['DRIFTLINE_NYC_DIR'] ?? path.resolve('..', 'shared', 'data', 'nyc-taxi');
const trips = path.join(nycDir, 'green_tripdata_2021-01.parquet');
const zones = path.join(nycDir, 'taxi_zones.zip');
if (!existsSync(trips)) {
  console.error(`bench:pipeline needs ${trips} (the shared NYC TLC data)`);
  process.exit(1);
}
const work = benchWorkDir('pipeline');
const cli = path.resolve('dist', 'main', 'cli.js');

/** Runs one driftline command (from dist/, as users run it); returns its wall seconds and stdout. */
function run(home: string, args: readonly string[]): { seconds: number; stdout: string } {
  const t = performance.now();
  const res = spawnSync(process.execPath, [cli, '--home', home, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (res.status !== 0) throw new Error(`driftline ${args.join(' ')} failed with exit code ${res.status}`);
  return { seconds: (performance.now() - t) / 1000, stdout: res.stdout };
}

const hp = [
  'objective=reg:squarederror',
  'num_round=100',
  'early_stopping_rounds=10',
  'max_depth=9',
  'eta=0.2',
  'gamma=4',
  'min_child_weight=300',
  'subsample=0.8',
];
console.log(`bench:pipeline — build pipeline on green 2021-01 (${os.cpus().length} cores, Node ${process.version})`);

const byHandHome = path.join(work, 'by-hand');
const out = path.join(work, 'prepared');
const steps: [string, number][] = [];
steps.push(['data prepare', run(byHandHome, ['data', 'prepare', '--trips', trips, '--zones', zones, '--out', out]).seconds]);
steps.push([
  'monitor suggest-baseline',
  run(byHandHome, ['monitor', 'suggest-baseline', '--dataset', path.join(out, 'baseline', 'baseline.csv'), '--header', '--out', path.join(work, 'baseline')])
    .seconds,
]);
steps.push([
  'train',
  run(byHandHome, [
    'train',
    '--train',
    path.join(out, 'train', 'train.csv'),
    '--validation',
    path.join(out, 'validation', 'validation.csv'),
    '--out',
    path.join(work, 'model.json'),
    ...hp.flatMap((h) => ['--hp', h]),
  ]).seconds,
]);
steps.push([
  'predict (test split)',
  run(byHandHome, [
    'predict',
    '--model',
    path.join(work, 'model.json'),
    '--input',
    path.join(out, 'test', 'test.csv'),
    '--header',
    '--out',
    path.join(work, 'predictions.csv'),
  ]).seconds,
]);
// The pipeline's ScoreBaseline and PredictionBaselineJob: the baseline with the model's predictions
// in its label column, then its profile (the registered drift-check baseline).
const baselineCsv = path.join(out, 'baseline', 'baseline.csv');
const predicted = path.join(work, 'baseline-predictions.csv');
steps.push([
  'predict (baseline split)',
  run(byHandHome, ['predict', '--model', path.join(work, 'model.json'), '--input', baselineCsv, '--header', '--out', predicted]).seconds,
]);
const t0 = performance.now();
const predictions = readFileSync(predicted, 'utf8').trimEnd().split('\n').map(Number);
const scored = path.join(work, 'scored', 'baseline.csv');
mkdirSync(path.dirname(scored), { recursive: true });
writeFileSync(scored, replaceLabelColumn(readFileSync(baselineCsv, 'utf8'), predictions, { header: true, file: baselineCsv }));
const splice = (performance.now() - t0) / 1000;
steps.push([
  'suggest-baseline (scored)',
  splice + run(byHandHome, ['monitor', 'suggest-baseline', '--dataset', scored, '--header', '--out', path.join(work, 'prediction-baseline')]).seconds,
]);
const byHand = steps.reduce((s, [, t]) => s + t, 0);

const home = path.join(work, 'pipeline');
run(home, ['pipeline', 'upsert', 'nyc-taxi-build', '--template', 'nyc-taxi-build', '--input-data', trips, '--input-zones', zones]);
const cold = run(home, ['--json', 'pipeline', 'start', 'nyc-taxi-build']);
const cached = run(home, ['--json', 'pipeline', 'start', 'nyc-taxi-build']);
type Described = {
  CreationTime: string;
  LastModifiedTime: string;
  PipelineExecutionSteps: { StepName: string; StartTime: string; EndTime: string; CacheHitResult?: unknown }[];
};
const describe = (stdout: string) => JSON.parse(stdout) as Described;
const seconds = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 1000;
const c = describe(cold.stdout);
const h = describe(cached.stdout);

console.log('\nby hand, one command after another:');
for (const [name, t] of steps) console.log(`  ${name.padEnd(26)} ${t.toFixed(2).padStart(6)} s`);
console.log(`  ${'total'.padEnd(26)} ${byHand.toFixed(2).padStart(6)} s`);
console.log('\npipeline steps, cold (execution times, two steps at a time):');
for (const s of c.PipelineExecutionSteps) console.log(`  ${s.StepName.padEnd(26)} ${seconds(s.StartTime, s.EndTime).toFixed(2).padStart(6)} s`);
console.log(`\n${'run'.padEnd(28)} ${'wall s'.padStart(7)} ${'execution s'.padStart(12)}`);
console.log(`${`by hand (${steps.length} commands)`.padEnd(28)} ${byHand.toFixed(2).padStart(7)} ${''.padStart(12)}`);
console.log(`${'pipeline, cold'.padEnd(28)} ${cold.seconds.toFixed(2).padStart(7)} ${seconds(c.CreationTime, c.LastModifiedTime).toFixed(2).padStart(12)}`);
console.log(
  `${'pipeline, cached re-run'.padEnd(28)} ${cached.seconds.toFixed(2).padStart(7)} ${seconds(h.CreationTime, h.LastModifiedTime).toFixed(2).padStart(12)}  (${h.PipelineExecutionSteps.filter((s) => s.CacheHitResult).length} cache hits)`,
);
console.log(`\nratio pipeline cold / by hand: ${(cold.seconds / byHand).toFixed(2)}`);
console.log(
  `ratio cached / cold (wall): ${(cached.seconds / cold.seconds).toFixed(3)}; (execution): ${(seconds(h.CreationTime, h.LastModifiedTime) / seconds(c.CreationTime, c.LastModifiedTime)).toFixed(3)}`,
);
