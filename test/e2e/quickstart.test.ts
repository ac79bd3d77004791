import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nycTaxiBuildPipeline } from '../../src/pipeline/index.js';
import { cli } from '../support/cli-runner.js';
import { openApp } from '../support/pipeline-app.js';
import { tmpDir } from '../support/tmp-dir.js';

const USER_BASELINES = {
  ModelDataQuality: {
    Statistics: { ContentType: 'application/json', S3Uri: 'file:///my/baseline/statistics.json' },
    Constraints: { ContentType: 'application/json', S3Uri: 'file:///my/baseline/constraints.json' },
  },
};

describe('quickstart', () => {
  it("leaves the user's nyc-taxi pipeline and model group alone, and a second run hits the cache", { timeout: 180_000 }, async () => {
    const home = await tmpDir();
    let app = await openApp(home);
    const userDefinition = nycTaxiBuildPipeline({ inputDataUrl: '/my/data/trips', inputZonesUrl: '/my/data/taxi_zones.zip' });
    try {
      await app.pipelines.upsert('nyc-taxi-build', userDefinition, 'my build');
      await app.registry.register({
        group: 'nyc-taxi',
        modelDataUrl: 'file:///my/model.json',
        modelSha256: 'a'.repeat(64),
        driftCheckBaselines: USER_BASELINES,
      });
      await app.registry.approve('nyc-taxi', 1, { by: 'me', reason: 'my model' });
    } finally {
      await app.close();
    }

    const first = await cli(['quickstart', '--rows', '2000'], { home });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /pipeline 'quickstart-nyc-taxi-build'/);
    assert.match(first.stdout, /model package group 'quickstart-nyc-taxi'/);
    const second = await cli(['--json', 'quickstart', '--rows', '2000'], { home });
    assert.equal(second.code, 0, second.stderr);
    const result = second.json<{ execution: string; pipeline: string; modelPackageGroup: string; modelPackage: string }>();
    assert.equal(result.pipeline, 'quickstart-nyc-taxi-build');
    assert.equal(result.modelPackageGroup, 'quickstart-nyc-taxi');
    assert.equal(result.modelPackage, 'quickstart-nyc-taxi/2');

    app = await openApp(home);
    try {
      const latest = await app.registry.latestApproved('nyc-taxi');
      assert.equal(latest?.version, 1, "the user's latest approved version is still theirs");
      assert.equal(latest.modelDataUrl, 'file:///my/model.json');
      assert.deepEqual(latest.driftCheckBaselines, USER_BASELINES);
      assert.deepEqual(
        (await app.registry.listVersions('nyc-taxi')).items.map((v) => v.version),
        [1],
      );
      const pipeline = await app.pipelines.get('nyc-taxi-build');
      assert.equal(pipeline.latestVersion, 1, "the user's pipeline got no new version");
      assert.deepEqual(pipeline.definition, (await app.pipelines.versions('nyc-taxi-build'))[0]!.definition);
      assert.equal((await app.pipelines.executions({ pipelineName: 'nyc-taxi-build' })).items.length, 0);
      assert.equal((await app.registry.latestApproved('quickstart-nyc-taxi'))?.version, 2);
      // Each run deployed its version through staging and production; production now serves version 2.
      assert.deepEqual(
        (await app.deployments.list({ group: 'quickstart-nyc-taxi' })).items.map((d) => [d.version, d.status]),
        [
          [2, 'Succeeded'],
          [1, 'Succeeded'],
        ],
      );
      const prod = await app.endpoints.getEndpoint('quickstart-nyc-taxi-prod');
      assert.equal(prod.status, 'InService');
      assert.equal((await app.endpoints.describeEndpointConfig(prod.configName)).ProductionVariants[0]?.ModelPackageName, 'quickstart-nyc-taxi/2');
      // The user's own approval deployed their version to nyc-taxi-staging; the quickstart left it alone.
      const user = await app.endpoints.getEndpoint('nyc-taxi-staging');
      assert.equal((await app.endpoints.describeEndpointConfig(user.configName)).ProductionVariants[0]?.ModelPackageName, 'nyc-taxi/1');
      assert.equal(user.generation, 1);

      const rerun = await app.pipelines.describeExecution(result.execution);
      for (const name of ['PreprocessData', 'DataQualityBaselineJob', 'TrainModel', 'EvaluateModel']) {
        assert.ok(rerun.steps.find((s) => s.name === name)?.cacheHit, `${name} is a cache hit on the second run`);
      }
      // Production came with the sample's hourly schedule (on version 2's baseline) and drift alarm.
      const schedule = await app.monitoring.get('quickstart-nyc-taxi-prod-threshold');
      assert.equal(schedule.scheduleExpression, 'cron(0 * ? * * *)');
      assert.equal(
        schedule.baselineStatisticsUri,
        (await app.registry.describe('quickstart-nyc-taxi', 2)).driftCheckBaselines.ModelDataQuality?.Statistics?.S3Uri,
      );
      const run = await cli(['--json', 'schedule', 'run', 'quickstart-nyc-taxi-prod-threshold'], { home });
      assert.equal(run.code, 0, run.stderr);
      const summary = run.json<{ MonitoringExecutionStatus: string; Driftline: { rows: number } }>();
      assert.equal(summary.MonitoringExecutionStatus, 'CompletedWithViolations', 'the last hour holds the drifted February traffic');
      assert.ok(summary.Driftline.rows > 0);
      const drift = await app.metrics.latest('aws/sagemaker/Endpoints/data-metrics');
      const fare = drift.find((d) => d.name === 'feature_baseline_drift_fare_amount');
      assert.deepEqual(fare?.dimensions, { Endpoint: 'quickstart-nyc-taxi-prod', MonitoringSchedule: 'quickstart-nyc-taxi-prod-threshold' });
      await app.alarms.evaluateAll();
      const alarm = await app.alarms.get('quickstart-nyc-taxi-prod-threshold');
      assert.equal(alarm.state, fare!.value > 0.4 ? 'ALARM' : 'OK', `drift ${fare!.value}: ${alarm.stateReason}`);
    } finally {
      await app.close();
    }
  });
});
