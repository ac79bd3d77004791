import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { FailedPreconditionError } from '../../core/errors.js';
import { GENERATED_ZONES_FILE, PREPARED_FILES } from '../../data/data-files.js';
import type { DriftPreset } from '../../data/generate/drift-presets.js';
import type { EngineEvent } from '../../pipeline/index.js';
import type { CliContext } from '../cli-context.js';
import { emit, num } from '../output.js';
import { parseInteger } from './data-command.js';
import { outputFile, serveAndCapture, summary, type QuickstartTraffic } from './quickstart-serving.js';

/**
 * The pipeline and model package group the quickstart builds: its own, so that a quickstart never
 * changes the user's `nyc-taxi-build` pipeline nor approves a synthetic model into `nyc-taxi`.
 */
export const QUICKSTART_PIPELINE = 'quickstart-nyc-taxi-build';
export const QUICKSTART_GROUP = 'quickstart-nyc-taxi';
const PIPELINE = QUICKSTART_PIPELINE;
const GROUP = QUICKSTART_GROUP;

const localPath = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);

/**
 * `driftline quickstart`: the main job on embedded defaults (SQLite and files in the home folder,
 * everything on this machine), walking the loop as far as it is built: synthetic trips -> the
 * sample's build pipeline (preprocess, baseline || training, evaluation, rmse gate, registration)
 * -> approval in the model registry -> the deployment pipeline on an in-process server (staging,
 * smoke test, approval, production with data capture) -> a normal hour, a drifted hour and an hour
 * of dearer fares, each trip's fare stored as ground truth -> Model Monitor on the captured traffic
 * against the version's drift-check baseline -> model quality of each hour against its fares.
 */
export function registerQuickstartCommand(program: Command, ctx: CliContext): void {
  program
    .command('quickstart')
    .description(
      'run the main job on embedded defaults: data -> build pipeline -> approval -> staging -> production with capture -> traffic and ground truth -> drift and model-quality checks',
    )
    .option('--rows <n>', 'synthetic trips per month', '50000')
    .option('--seed <n>', 'random seed', '42')
    .option('--requests <n>', 'requests sent to production per traffic phase', '2000')
    .addHelpText(
      'after',
      `\nThe quickstart keeps to its own names in the home: pipeline '${QUICKSTART_PIPELINE}', model package group\n` +
        `'${QUICKSTART_GROUP}', files in <home>/quickstart. Your own pipelines and groups (e.g. 'nyc-taxi') are not touched.`,
    )
    .action(async (opts: { rows: string; seed: string; requests: string }) => {
      const rows = parseInteger('--rows', opts.rows, 10);
      const requests = parseInteger('--requests', opts.requests, 10);
      const seed = parseInteger('--seed', opts.seed);
      const app = await ctx.app();
      const dir = path.join(app.config.home, 'quickstart');
      const at = (...parts: string[]) => path.join(dir, ...parts);
      const say = (line: string) => {
        if (!ctx.json()) ctx.io.stdout(`${line}\n`);
      };
      say(`driftline quickstart (home: ${app.config.home})`);
      say(`    its own names: pipeline '${PIPELINE}', model package group '${GROUP}', files in ${dir}`);
      say("    (your 'nyc-taxi-build' pipeline and 'nyc-taxi' models are left as they are)");

      say("1/7 generating synthetic green-taxi trips (calibrated on real TLC data): January, a February with the notebook's drift, a March with fares 20% up");
      // A synthetic month in its own folder, and a month prepared as the build prepares January.
      const generateMonth = (folder: string, month: string, drift: DriftPreset) =>
        app.generate.generate({ out: at(folder), months: [month], rows, seed, drift, replace: true, progress: ctx.progress() });
      const prepareMonth = (folder: string, month: string, out: string) =>
        app.prepare.prepare({
          trips: [at(folder, `green_tripdata_${month}.parquet`)],
          zones: at(folder, GENERATED_ZONES_FILE),
          out: at(out),
          seed,
          replace: true,
          progress: ctx.progress(),
        });
      const generated = await generateMonth('raw', '2021-01', 'none');
      const drifted = await generateMonth('raw-drifted', '2021-02', 'notebook');
      const dearer = await generateMonth('raw-fare-increase', '2021-03', 'fare-increase');
      say(`    ${num(rows)} trips per month`);

      say(
        `2/7 build pipeline '${PIPELINE}': PreprocessData -> (DataQualityBaselineJob || TrainModel) -> (EvaluateModel || ScoreBaseline -> PredictionBaselineJob) -> rmse <= 7.0 -> RegisterModel`,
      );
      await app.pipelines.upsert(
        PIPELINE,
        (await import('../../pipeline/nyc-taxi-build-pipeline.js')).nycTaxiBuildPipeline({
          inputDataUrl: at('raw', 'green_tripdata_2021-01.parquet'),
          inputZonesUrl: at('raw', GENERATED_ZONES_FILE),
          modelPackageGroupName: GROUP,
        }),
        'the SageMaker drift detection sample build pipeline (quickstart)',
      );
      const started = Date.now();
      const onEvent = (e: EngineEvent) => {
        if (e.kind === 'step' && (e.step.status === 'Succeeded' || e.step.status === 'Failed')) {
          say(
            `    ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s ${e.step.name.padEnd(24)} ${e.step.status}${e.step.cacheHit ? ' (cache hit)' : ''}`,
          );
        }
      };
      // Finish a quickstart execution an earlier run left behind (only the quickstart's own).
      for (const e of await app.pipelines.interrupted()) if (e.pipelineName === PIPELINE) await app.pipelines.resume(e.id, onEvent);
      const run = await app.pipelines.start(PIPELINE, { parameters: { Seed: String(seed), InputSource: 'quickstart' }, onEvent });
      if (run.execution.status !== 'Succeeded')
        throw new FailedPreconditionError(`build pipeline ${run.execution.id} ${run.execution.status}: ${run.execution.failureReason ?? ''}`);
      const step = (name: string) => run.steps.find((s) => s.name === name);
      const prepared = (step('PreprocessData')?.metadata['datasets'] as string[] | undefined)?.[0];
      const evaluationUri = `${String((step('EvaluateModel')?.properties?.['ProcessingOutputConfig'] as { Outputs: { S3Output: { S3Uri: string } }[] }).Outputs[0]!.S3Output.S3Uri)}/evaluation.json`;
      const evaluation = JSON.parse(await readFile(localPath(evaluationUri), 'utf8')) as { regression_metrics: Record<string, { value: number }> };
      const m = evaluation.regression_metrics;
      say(`    execution ${run.execution.id}: rmse ${m['rmse']!.value.toFixed(3)}, mae ${m['mae']!.value.toFixed(3)}, r2 ${m['r2']!.value.toFixed(3)}`);

      say('3/7 model registry: the new version waits for approval (PendingManualApproval); the quickstart approves it, which starts the deployment pipeline');
      const registered = step('RegisterModel')?.properties;
      // Without a registered version (the rmse gate failed) the drifted month's prepared data, actual fares
      // included, is checked against the profile of the training data; a deployed version's captured
      // traffic is checked against its registered baseline (the model's predictions on the same data).
      let baseline = {
        statistics: String(step('DataQualityBaselineJob')?.properties?.['CalculatedBaselineStatistics']),
        constraints: String(step('DataQualityBaselineJob')?.properties?.['CalculatedBaselineConstraints']),
      };
      let modelPackage: string | undefined;
      if (registered) {
        const version = Number(registered['ModelPackageVersion']);
        const pkg = await app.registry.approve(GROUP, version, { by: 'quickstart', reason: `rmse ${m['rmse']!.value.toFixed(3)} passes the 7.0 gate` });
        modelPackage = pkg.name;
        const dq = pkg.driftCheckBaselines.ModelDataQuality;
        if (dq?.Statistics && dq.Constraints) baseline = { statistics: dq.Statistics.S3Uri, constraints: dq.Constraints.S3Uri };
        say(`    ${pkg.name} ${pkg.approvalStatus} (driftline registry describe ${GROUP} ${version} shows its lineage)`);
      } else {
        say('    rmse above the gate: nothing registered (the sample registers only when rmse <= 7.0)');
      }

      const driftedPrepared = await prepareMonth('raw-drifted', '2021-02', 'prepared-drifted');
      const dearerPrepared = await prepareMonth('raw-fare-increase', '2021-03', 'prepared-fare-increase');
      const check = (label: string, input: { dataset: string } | { capture: { dir: string; fromMs: number; toMs: number; outputPosition: 'START' } }) =>
        app.analyses.analyze({
          statistics: localPath(baseline.statistics),
          constraints: localPath(baseline.constraints),
          ...input,
          header: true,
          out: at('analysis', label),
          settings: { month: { exclude: true } },
          report: at('analysis', label, 'report.html'),
          replace: true,
        });
      const show = (outcome: Awaited<ReturnType<typeof check>>, report: string) => {
        say(`    ${outcome.exitMessage}${outcome.capture ? ` (${num(outcome.capture.rows)} captured requests)` : ''}`);
        for (const v of outcome.violations) say(`      ${v.constraint_check_type} ${v.feature_name}: ${v.description}`);
        say(`      report: ${report}`);
      };
      let served: QuickstartTraffic | undefined;
      if (modelPackage) {
        served = await serveAndCapture(ctx, {
          group: GROUP,
          requests,
          phases: [
            { label: 'January', file: outputFile(step('PreprocessData')?.properties, 'validation', 'validation.csv'), prefix: 'jan' },
            { label: 'drifted February', file: path.join(at('prepared-drifted'), PREPARED_FILES.validation), prefix: 'feb' },
            { label: 'dearer March', file: path.join(at('prepared-fare-increase'), PREPARED_FILES.validation), prefix: 'mar' },
          ],
          say,
        });
        const window = (i: number) => ({
          dir: served!.captureDir,
          fromMs: served!.windows[i]!.from,
          toMs: served!.windows[i]!.to,
          outputPosition: 'START' as const,
        });
        say("6/7 Model Monitor on the captured traffic, against the version's drift-check baseline (month excluded, see README)");
        const analyses = [];
        for (const [i, label, what] of [
          [0, 'january', 'January hour (the traffic the model was trained for)'],
          [1, 'february', "February hour (the notebook's drift: 4 passengers dominate, trips far longer)"],
          [2, 'march', 'March hour (the same trips 20% dearer: the predictions do not move)'],
        ] as const) {
          say(`    ${what}:`);
          const outcome = await check(label, { capture: window(i) });
          show(outcome, at('analysis', label, 'report.html'));
          analyses.push(summary(outcome));
        }
        say(
          "    note: 'fare_amount' in captured traffic is the model's prediction, checked against the model's own predictions on the baseline data (PredictionBaselineJob), not against actual fares",
        );
        const mq = (await app.registry.describe(GROUP, Number(modelPackage.split('/')[1]))).driftCheckBaselines.ModelQuality;
        if (mq?.Constraints && served.rmseThreshold !== undefined) {
          let marchCaught = false;
          say(
            `7/7 model quality: each hour's predictions merged with their fares (ground truth); the alarm fires above rmse ${served.rmseThreshold.toFixed(3)}`,
          );
          for (const [i, label] of [
            [0, 'January'],
            [1, 'February'],
            [2, 'March'],
          ] as const) {
            const o = await app.modelQualityMonitor.analyzeCapture({
              merge: {
                captureDirs: [served.captureDir],
                groundTruthDir: localPath(app.groundTruthUriOf(served.endpointName)),
                fromMs: served.windows[i]!.from,
                toMs: served.windows[i]!.to,
                labelsFromMs: served.windows[i]!.from,
                labelsToMs: Date.now() + 1000,
              },
              constraints: localPath(mq.Constraints.S3Uri),
              thresholds: { rmse: served.rmseThreshold },
              out: at('model-quality', label.toLowerCase()),
              replace: true,
            });
            const rmse = o.metrics.find((m) => m.name === 'rmse')?.value;
            if (i === 2) marchCaught = rmse !== undefined && rmse > served.rmseThreshold;
            say(
              `    ${label}: ${num(o.merge.mergedRecords)} trips merged with their fares, rmse ${rmse === undefined ? '-' : rmse.toFixed(3)}: ${rmse !== undefined && rmse > served.rmseThreshold ? 'above the threshold, the model-quality alarm would fire and retrain' : 'fine'}`,
            );
          }
          say(
            marchCaught
              ? "    the fare increase: invisible to the data-drift check (the model's predictions do not move), caught by model quality"
              : '    the fare increase stayed under the model-quality threshold in this run (more requests per hour give a steadier rmse)',
          );
        }
        served = { ...served, analyses };
      } else {
        say("4/7 nothing to deploy; checking the drifted February against the build's baseline instead (Model Monitor analyze; month excluded)");
        show(await check('february', { dataset: path.join(at('prepared-drifted'), PREPARED_FILES.baseline) }), at('analysis', 'february', 'report.html'));
      }
      say(
        `done: \`driftline pipeline describe-execution ${run.execution.id}\`, \`driftline registry versions ${GROUP}\`${served ? `, \`driftline deploy describe ${served.deployment}\`, \`driftline endpoint list\`` : ''} and \`driftline data list\` show what was built.`,
      );
      if (ctx.json()) {
        emit(
          ctx.io,
          true,
          {
            generated: [generated.dataset.id, drifted.dataset.id, dearer.dataset.id],
            prepared,
            drifted: driftedPrepared.dataset.id,
            fareIncrease: dearerPrepared.dataset.id,
            pipeline: PIPELINE,
            execution: run.execution.id,
            modelPackageGroup: GROUP,
            modelPackage,
            evaluation,
            ...(served ? { deployment: served.deployment, endpoints: served.endpoints, capture: served.captureDir, analyses: served.analyses } : {}),
          },
          () => '',
        );
      }
    });
}
