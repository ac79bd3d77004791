import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { meanAndStd } from '../../src/ml/index.js';
import { parseRegressionConstraints, parseRegressionStatistics, parseStatistics } from '../../src/monitor/index.js';
import { nycTaxiBuildPipeline } from '../../src/pipeline/index.js';
import { outputFile } from '../../src/cli/commands/quickstart-serving.js';
import { openApp, sha256File, syntheticMonth } from '../support/pipeline-app.js';
import { cli } from '../support/cli-runner.js';
import { SKIP_WITHOUT_NYC, nyc } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

const JOB_STEPS = ['PreprocessData', 'DataQualityBaselineJob', 'TrainModel', 'EvaluateModel', 'ScoreBaseline', 'PredictionBaselineJob'];

describe('the NYC taxi build pipeline', () => {
  it(
    'runs on the real 2021-01 month, registers once per execution, and a cached re-run reuses every artifact',
    { skip: SKIP_WITHOUT_NYC, timeout: 180_000 },
    async (t) => {
      const home = await tmpDir();
      const app = await openApp(home);
      try {
        await app.pipelines.upsert(
          'nyc-taxi-build',
          nycTaxiBuildPipeline({ inputDataUrl: nyc('green_tripdata_2021-01.parquet'), inputZonesUrl: nyc('taxi_zones.zip') }),
        );
        const t0 = Date.now();
        const first = await app.pipelines.start('nyc-taxi-build');
        const cold = Date.now() - t0;
        assert.equal(first.execution.status, 'Succeeded', first.execution.failureReason);
        // Steps are listed as they started; the ones after training run side by side, in either order.
        assert.deepEqual(
          first.steps.map((s) => [s.name, s.status]).sort(),
          [...JOB_STEPS, 'CheckEvaluation', 'RegisterModel'].sort().map((n) => [n, 'Succeeded']),
        );
        assert.deepEqual(
          first.steps.slice(0, 3).map((s) => s.name),
          ['PreprocessData', 'DataQualityBaselineJob', 'TrainModel'],
        );
        assert.equal(first.steps.at(-1)?.name, 'RegisterModel');

        const v1 = await app.registry.describe('nyc-taxi', 1);
        assert.equal(v1.approvalStatus, 'PendingManualApproval');
        assert.equal(v1.generatedBy, first.execution.arn);
        const evaluation = JSON.parse(await readFile(fileURLToPath(v1.modelMetrics.ModelQuality!.Statistics!.S3Uri), 'utf8')) as {
          regression_metrics: Record<string, { value: number; standard_deviation: number }>;
        };
        assert.deepEqual(Object.keys(evaluation.regression_metrics).sort(), ['mae', 'mse', 'r2', 'rmse']);
        assert.ok(evaluation.regression_metrics['rmse']!.value < 7, 'rmse passes the gate');
        assert.equal(v1.modelSha256, await sha256File(fileURLToPath(v1.modelDataUrl)));
        assert.equal(v1.modelMetrics.ModelQuality!.Statistics!.ContentDigest, await sha256File(fileURLToPath(v1.modelMetrics.ModelQuality!.Statistics!.S3Uri)));
        const logs = await app.pipelines.logs(
          first.execution,
          first.steps.find((s) => s.name === 'TrainModel')!,
        );
        assert.match(logs[0]!.text, /^\[0\]\ttrain-rmse:\d+\.\d+\tvalidation-rmse:\d+\.\d+$/m);
        // The model-quality baseline of the validation split: the model's predictions against the labels.
        const mq = v1.driftCheckBaselines.ModelQuality!;
        assert.deepEqual(v1.modelMetrics.ModelQuality, mq);
        const mqStats = parseRegressionStatistics(await readFile(fileURLToPath(mq.Statistics!.S3Uri), 'utf8'));
        const mqConstraints = parseRegressionConstraints(await readFile(fileURLToPath(mq.Constraints!.S3Uri), 'utf8'));
        const validationRmse = [...logs[0]!.text.matchAll(/validation-rmse:(\d+\.\d+)$/gm)].map((m) => Number(m[1]));
        const rmse = mqStats.regression_metrics.rmse.value as number;
        // The log prints 5 decimals.
        assert.ok(
          Math.abs(validationRmse.at(-1)! - rmse) <= 5e-6,
          `the baseline rmse ${rmse} is the validation rmse the training printed last (${validationRmse.slice(-3).join(', ')})`,
        );
        assert.equal(mqConstraints.regression_constraints.rmse?.threshold, rmse);
        assert.equal(typeof mqStats.regression_metrics.rmse.standard_deviation, 'number', 'thousands of validation rows: a standard deviation');
        const stats = JSON.parse(await readFile(fileURLToPath(v1.driftCheckBaselines.ModelDataQuality!.Statistics!.S3Uri), 'utf8')) as {
          dataset: { item_count: number };
        };
        assert.ok(stats.dataset.item_count > 0);
        assert.ok(v1.driftCheckBaselines.ModelDataQuality!.Constraints!.S3Uri.endsWith('/constraints.json'));

        const lineage = await app.lineage.forExecutionArn(v1.generatedBy!);
        const raw = lineage.rawInputs.find((f) => f.uri.endsWith('green_tripdata_2021-01.parquet'));
        assert.ok(raw, 'the raw trip file is in the lineage');
        assert.equal(raw.sha256, await sha256File(nyc('green_tripdata_2021-01.parquet')));
        assert.equal(lineage.steps.find((s) => s.name === 'PreprocessData')?.datasets[0]?.rowCount, 33_648);

        const t1 = Date.now();
        const second = await app.pipelines.start('nyc-taxi-build');
        const cached = Date.now() - t1;
        assert.equal(second.execution.status, 'Succeeded');
        for (const name of JOB_STEPS) {
          const s = second.steps.find((x) => x.name === name)!;
          assert.equal(s.cacheHit?.sourceExecutionId, first.execution.id, `${name} is a cache hit`);
        }
        const train2 = second.steps.find((s) => s.name === 'TrainModel')!;
        const train1 = first.steps.find((s) => s.name === 'TrainModel')!;
        assert.equal(
          train2.properties?.['ModelArtifacts'] && (train2.properties['ModelArtifacts'] as { S3ModelArtifacts: string }).S3ModelArtifacts,
          (train1.properties!['ModelArtifacts'] as { S3ModelArtifacts: string }).S3ModelArtifacts,
        );
        const v2 = await app.registry.describe('nyc-taxi', 2);
        assert.equal(v2.modelSha256, v1.modelSha256, 'the second version reuses the cached model');
        t.diagnostic(
          `build pipeline on 2021-01: cold ${cold} ms, cached ${cached} ms (${((100 * cached) / cold).toFixed(1)}%), rmse ${evaluation.regression_metrics['rmse']!.value.toFixed(4)}`,
        );
      } finally {
        await app.close();
      }
    },
  );

  it('records the prepared dataset at the artifact URIs its outputs were stored at, and registry describe shows them', { timeout: 120_000 }, async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    let version: { generatedBy?: string } | undefined;
    const outputs: { uri: string; sha256: string }[] = [];
    try {
      const data = await syntheticMonth(app, path.join(home, 'raw'));
      await app.pipelines.upsert('build', nycTaxiBuildPipeline({ inputDataUrl: data.trips, inputZonesUrl: data.zones, cache: false }));
      const run = await app.pipelines.start('build', { parameters: { RmseThreshold: '1000', ModelPackageGroupName: 'lineage' } });
      assert.equal(run.execution.status, 'Succeeded', run.execution.failureReason);
      version = await app.registry.describe('lineage', 1);
      const lineage = await app.lineage.forExecutionArn(version.generatedBy!);
      const prepared = lineage.steps.find((s) => s.name === 'PreprocessData')!.datasets[0]!;
      const dataset = await app.datasets.get(prepared.id);
      const artifactRoot = app.artifacts.rootUri.replace(/\/$/, '');
      for (const f of dataset.files.filter((x) => x.role === 'output')) {
        assert.ok(f.uri.startsWith(`${artifactRoot}/`), `${f.uri} is in the artifact store`);
        assert.ok(existsSync(fileURLToPath(f.uri)), `${f.uri} exists after the step`);
        assert.equal(await sha256File(fileURLToPath(f.uri)), f.sha256, f.uri);
        outputs.push(f);
      }
      assert.deepEqual(outputs.map((f) => f.uri.split('/').slice(-2).join('/')).sort(), [
        'baseline/baseline.csv',
        'test/test.csv',
        'train/train.csv',
        'validation/validation.csv',
      ]);
      assert.ok(existsSync(fileURLToPath(dataset.uri)), `the dataset folder ${dataset.uri} exists`);
      assert.deepEqual(
        dataset.files.filter((x) => x.role === 'input').map((f) => f.uri),
        [pathToFileURL(data.trips).href],
        'the input is recorded where the step read it',
      );
      const step = run.steps.find((s) => s.name === 'PreprocessData')!;
      const stored = (step.properties!['ProcessingOutputConfig'] as { Outputs: { OutputName: string; S3Output: { S3Uri: string } }[] }).Outputs;
      for (const f of outputs)
        assert.ok(
          stored.some((o) => f.uri.startsWith(`${o.S3Output.S3Uri}/`)),
          `${f.uri} is under one of the step's outputs`,
        );
    } finally {
      await app.close();
    }
    const shown = await cli(['registry', 'describe', 'lineage', '1'], { home });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /ModelQuality\.Statistics\s+application\/json\s+file:\S+\/model_quality\/statistics\.json/);
    assert.match(shown.stdout, /ModelQuality\.Constraints\s+application\/json\s+file:\S+\/model_quality\/constraints\.json/);
    assert.match(shown.stdout, /model quality\s+mae [\d.]+, mse [\d.]+, rmse [\d.]+, r2 -?[\d.]+/);
    const described = (await cli(['registry', 'describe', 'lineage', '1', '--json'], { home })).json<{
      ModelMetrics: { ModelQuality: unknown };
      DriftCheckBaselines: { ModelQuality: { Statistics: { S3Uri: string }; Constraints: { S3Uri: string } }; ModelDataQuality: unknown };
      Driftline: { ModelQualityMetrics: Record<string, number> };
    }>();
    assert.deepEqual(described.ModelMetrics.ModelQuality, described.DriftCheckBaselines.ModelQuality);
    assert.ok(described.DriftCheckBaselines.ModelDataQuality, 'the data-quality baseline is still there');
    const mqStats = parseRegressionStatistics(await readFile(fileURLToPath(described.DriftCheckBaselines.ModelQuality.Statistics.S3Uri), 'utf8'));
    const validationRows = (await readFile(fileURLToPath(outputs.find((f) => f.uri.endsWith('validation/validation.csv'))!.uri), 'utf8'))
      .trim()
      .split('\n').length;
    assert.equal(mqStats.dataset.item_count, validationRows, 'every validation row (the split has no header)');
    assert.deepEqual(Object.keys(described.Driftline.ModelQualityMetrics), ['mae', 'mse', 'rmse', 'r2']);
    assert.equal(described.Driftline.ModelQualityMetrics['rmse'], mqStats.regression_metrics.rmse.value);
    for (const f of outputs) assert.match(shown.stdout, new RegExp(`output ${f.uri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} sha256 ${f.sha256.slice(0, 12)}`));
  });

  it(
    "registers a data-quality baseline whose fare_amount column profiles the model's predictions on the baseline data, not the actual fares",
    { timeout: 120_000 },
    async (t) => {
      const home = await tmpDir();
      const app = await openApp(home);
      try {
        const data = await syntheticMonth(app, path.join(home, 'raw'));
        await app.pipelines.upsert('build', nycTaxiBuildPipeline({ inputDataUrl: data.trips, inputZonesUrl: data.zones, cache: false }));
        const run = await app.pipelines.start('build', { parameters: { RmseThreshold: '1000', ModelPackageGroupName: 'predictions' } });
        assert.equal(run.execution.status, 'Succeeded', run.execution.failureReason);
        const version = await app.registry.describe('predictions', 1);
        const dq = version.driftCheckBaselines.ModelDataQuality!;
        assert.deepEqual(version.modelMetrics.ModelDataQuality, dq, 'ModelMetrics and DriftCheckBaselines name the same baseline');
        const step = (name: string) => run.steps.find((s) => s.name === name)!;
        assert.equal(dq.Statistics!.S3Uri, step('PredictionBaselineJob').properties!['BaselineUsedForDriftCheckStatistics']);
        assert.equal(dq.Constraints!.S3Uri, step('PredictionBaselineJob').properties!['BaselineUsedForDriftCheckConstraints']);
        const read = async (uri: string) => parseStatistics(await readFile(fileURLToPath(uri), 'utf8'));
        const registered = await read(dq.Statistics!.S3Uri);
        const training = await read(String(step('DataQualityBaselineJob').properties!['CalculatedBaselineStatistics']));
        const fare = (stats: typeof registered) => stats.features.find((f) => f.name === 'fare_amount')!.numerical_statistics!;
        // Independently of the pipeline: the registered model's predictions and the labels of the prepared baseline.csv.
        const baselineCsv = outputFile(step('PreprocessData').properties, 'baseline', 'baseline.csv');
        const { labels, predictions } = await app.training.score(fileURLToPath(version.modelDataUrl), baselineCsv);
        const predicted = meanAndStd(predictions);
        const actual = meanAndStd(labels);
        assert.equal(registered.dataset.item_count, predictions.length, 'every baseline row');
        assert.ok(Math.abs(fare(registered).mean - predicted.mean) < 1e-6 * predicted.mean, `mean ${fare(registered).mean} vs predictions ${predicted.mean}`);
        assert.ok(Math.abs(fare(registered).std_dev - predicted.std) < 1e-6 * predicted.std, `std ${fare(registered).std_dev} vs predictions ${predicted.std}`);
        assert.ok(Math.abs(fare(training).std_dev - actual.std) < 1e-6 * actual.std, "the sample's baseline still profiles the actual fares");
        assert.ok(
          fare(registered).std_dev < 0.95 * fare(training).std_dev,
          `predictions (std ${fare(registered).std_dev}) are smoother than fares (${fare(training).std_dev})`,
        );
        t.diagnostic(
          `fare_amount in the registered baseline: mean ${fare(registered).mean.toFixed(3)}, std ${fare(registered).std_dev.toFixed(3)}; actual fares: mean ${fare(training).mean.toFixed(3)}, std ${fare(training).std_dev.toFixed(3)}`,
        );
        // The features are profiled as they are.
        for (const f of training.features.filter((x) => x.name !== 'fare_amount'))
          assert.deepEqual(
            registered.features.find((x) => x.name === f.name),
            f,
            f.name,
          );
      } finally {
        await app.close();
      }
    },
  );

  it('registers nothing when the rmse condition fails (the execution still succeeds)', { timeout: 120_000 }, async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      const data = await syntheticMonth(app, path.join(home, 'raw'));
      await app.pipelines.upsert('build', nycTaxiBuildPipeline({ inputDataUrl: data.trips, inputZonesUrl: data.zones, cache: false }));
      const run = await app.pipelines.start('build', { parameters: { RmseThreshold: '0.5', ModelPackageGroupName: 'gate' } });
      assert.equal(run.execution.status, 'Succeeded');
      assert.equal(run.steps.find((s) => s.name === 'CheckEvaluation')?.properties?.['Outcome'], 'False');
      assert.equal(
        run.steps.some((s) => s.name === 'RegisterModel'),
        false,
      );
      await assert.rejects(app.registry.listVersions('gate'), /not found/);
    } finally {
      await app.close();
    }
  });

  it('a step failing on bad input fails the execution with its error; retry after fixing the input finishes it', { timeout: 120_000 }, async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      const good = await syntheticMonth(app, path.join(home, 'generated'));
      const inputDir = path.join(home, 'input');
      await mkdir(inputDir, { recursive: true });
      const trips = path.join(inputDir, 'green_tripdata_2021-01.parquet');
      await writeFile(trips, 'this is not parquet\n');
      await app.pipelines.upsert('build', nycTaxiBuildPipeline({ inputDataUrl: inputDir, inputZonesUrl: good.zones }));
      const failed = await app.pipelines.start('build', { parameters: { RmseThreshold: '1000' } });
      assert.equal(failed.execution.status, 'Failed');
      assert.match(failed.execution.failureReason ?? '', /^Step PreprocessData failed: .*green_tripdata_2021-01\.parquet/);
      assert.deepEqual(
        failed.steps.map((s) => [s.name, s.status]),
        [['PreprocessData', 'Failed']],
      );
      await assert.rejects(app.registry.listVersions('nyc-taxi'), /not found/);
      const outputs = await app.artifacts.list(`pipelines/build/${failed.execution.id}/PreprocessData/`);
      assert.deepEqual(
        outputs.filter((k) => !k.includes('/logs/')),
        [],
        'a failed step leaves no outputs',
      );

      await copyFile(good.trips, trips);
      const retried = await app.pipelines.retry(failed.execution.id);
      assert.equal(retried.execution.status, 'Succeeded', retried.execution.failureReason);
      assert.equal(retried.execution.id, failed.execution.id);
      assert.equal(retried.steps.find((s) => s.name === 'PreprocessData')?.attemptCount, 2);
      assert.equal(retried.steps.find((s) => s.name === 'TrainModel')?.attemptCount, 1);
      assert.equal(
        retried.steps.find((s) => s.name === 'CheckEvaluation')?.properties?.['Outcome'],
        'True',
        JSON.stringify(retried.steps.map((s) => [s.name, s.status, s.failureReason])),
      );
      const versions = await app.registry.listVersions('nyc-taxi');
      assert.deepEqual(
        versions.items.map((v) => v.version),
        [1],
      );
    } finally {
      await app.close();
    }
  });
});
