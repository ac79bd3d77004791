import path from 'node:path';
import type { Command } from 'commander';
import { GENERATED_ZONES_FILE, PREPARED_FILES } from '../../data/index.js';
import type { CliContext } from '../cli-context.js';
import { emit, num } from '../output.js';
import { describePrepare, parseInteger } from './data-command.js';

/** The sample's hyperparameters (build pipeline, TrainModel step). */
const SAMPLE_HYPERPARAMETERS = {
  objective: 'reg:squarederror',
  num_round: '100',
  early_stopping_rounds: '10',
  max_depth: '9',
  eta: '0.2',
  gamma: '4',
  min_child_weight: '300',
  subsample: '0.8',
};

/**
 * `driftline quickstart`: the main job on embedded defaults (SQLite and files in the home folder,
 * everything in process), walking the loop as far as it is built: synthetic trips -> prepared
 * datasets -> data-quality baseline and model training -> evaluation (RMSE gate 7.0) -> a drifted
 * month checked against the baseline. Pipelines, registry, deployment and alarms join it later.
 */
export function registerQuickstartCommand(program: Command, ctx: CliContext): void {
  program
    .command('quickstart')
    .description('run the main job on embedded defaults: data -> baseline + training -> evaluation -> drift check')
    .option('--rows <n>', 'synthetic trips per month', '50000')
    .option('--seed <n>', 'random seed', '42')
    .action(async (opts: { rows: string; seed: string }) => {
      const rows = parseInteger('--rows', opts.rows, 10);
      const seed = parseInteger('--seed', opts.seed);
      const app = await ctx.app();
      const dir = path.join(app.config.home, 'quickstart');
      const at = (...parts: string[]) => path.join(dir, ...parts);
      const say = (line: string) => {
        if (!ctx.json()) ctx.io.stdout(`${line}\n`);
      };
      /** Prepares one generated month (trips and zones from `raw`) into `out`, replacing an earlier run. */
      const prepareMonth = (raw: string, month: string, out: string) =>
        app.prepare.prepare({
          trips: [path.join(at(raw), `green_tripdata_${month}.parquet`)],
          zones: path.join(at(raw), GENERATED_ZONES_FILE),
          out: at(out),
          seed,
          replace: true,
          progress: ctx.progress(),
        });
      say(`driftline quickstart (home: ${app.config.home})`);

      say('1/5 generating synthetic green-taxi trips (calibrated on real TLC data): January, and a February with the notebook\'s drift');
      const generated = await app.generate.generate({ out: at('raw'), months: ['2021-01'], rows, seed, drift: 'none', replace: true, progress: ctx.progress() });
      const drifted = await app.generate.generate({ out: at('raw-drifted'), months: ['2021-02'], rows, seed, drift: 'notebook', replace: true, progress: ctx.progress() });
      say(`    ${num(rows)} trips per month`);

      say('2/5 preparing train/validation/test/baseline (the sample\'s preprocessing step)');
      const prepared = await prepareMonth('raw', '2021-01', 'prepared');
      say(describePrepare(prepared.dataset.id, at('prepared'), prepared.report).replace(/^/gm, '    '));

      say('3/5 data-quality baseline (Model Monitor suggest-baseline) and training (XGBoost hist, the sample\'s hyperparameters)');
      const baseline = await app.baselines.suggestBaseline(path.join(at('prepared'), PREPARED_FILES.baseline), at('baseline'), { header: true, replace: true });
      const trained = await app.training.train({
        train: path.join(at('prepared'), PREPARED_FILES.train),
        validation: path.join(at('prepared'), PREPARED_FILES.validation),
        out: at('model', 'model.json'),
        hyperparameters: SAMPLE_HYPERPARAMETERS,
      });
      say(`    baseline: ${baseline.statistics.features.length} features, ${num(baseline.statistics.dataset.item_count)} rows -> ${at('baseline')}`);
      say(`    model: ${trained.report.numTrees} trees, validation rmse ${trained.report.bestScore.toFixed(3)} -> ${trained.modelFile}`);

      say('4/5 evaluating on the test split (the sample registers the model only when rmse <= 7.0)');
      const evaluation = await app.training.evaluate(trained.modelFile, path.join(at('prepared'), PREPARED_FILES.test));
      await app.writeText(at('model', 'evaluation.json'), `${JSON.stringify(evaluation, null, 2)}\n`);
      const m = evaluation.regression_metrics;
      const passes = m.rmse.value <= 7.0;
      say(`    rmse ${m.rmse.value.toFixed(3)}, mae ${m.mae.value.toFixed(3)}, r2 ${m.r2.value.toFixed(3)} -> ${passes ? 'passes' : 'fails'} the 7.0 gate`);

      say('5/5 checking the drifted February against the baseline (Model Monitor analyze; month is excluded, see README)');
      const driftedPrepared = await prepareMonth('raw-drifted', '2021-02', 'prepared-drifted');
      const analysis = await app.analyses.analyze({
        statistics: path.join(at('baseline'), 'statistics.json'),
        constraints: path.join(at('baseline'), 'constraints.json'),
        dataset: path.join(at('prepared-drifted'), PREPARED_FILES.baseline),
        header: true,
        out: at('analysis'),
        settings: { month: { exclude: true } },
        report: at('analysis', 'report.html'),
        replace: true,
      });
      say(`    ${analysis.exitMessage}`);
      for (const v of analysis.violations) say(`    ${v.constraint_check_type} ${v.feature_name}: ${v.description}`);
      say(`    report: ${at('analysis', 'report.html')}`);
      say('done: `driftline data list` shows the recorded datasets.');
      if (ctx.json()) {
        emit(ctx.io, true, {
          generated: [generated.dataset.id, drifted.dataset.id],
          prepared: prepared.dataset.id,
          drifted: driftedPrepared.dataset.id,
          report: prepared.report,
          model: trained.modelFile,
          evaluation,
          passesGate: passes,
          analysis: { status: analysis.status, violations: analysis.violations },
        }, () => '');
      }
    });
}
