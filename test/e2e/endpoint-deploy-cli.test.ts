import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { App } from '../../src/app/create-app.js';
import type { DeploymentRecord } from '../../src/deploy/index.js';
import { cli } from '../support/cli-runner.js';
import { openApp, sha256File } from '../support/pipeline-app.js';
import { tmpDir } from '../support/tmp-dir.js';

/** Registers a version of group `taxi` whose model file exists (its content does not matter without a server). */
async function register(app: App, home: string, version: number): Promise<void> {
  const file = path.join(home, `model-${version}.json`);
  await writeFile(file, `{"version": ${version}}`);
  await app.registry.register({ group: 'taxi', modelDataUrl: `file://${file}`, modelSha256: await sha256File(file) });
}

/** What the server's data plane does: every endpoint's latest generation InService, then the deployment pipeline moves on. */
async function serve(app: App): Promise<void> {
  for (const s of (await app.endpoints.desired()).specs)
    await app.endpoints.report({
      kind: 'in_service',
      name: s.name,
      generation: s.generation,
      instances: Object.fromEntries(s.variants.map((v) => [v.name, v.instances.initial])),
    });
  await app.deployments.tick();
}

describe('endpoint and deploy commands (control plane, no server)', () => {
  it('approve → staging; deploy approve → production with capture, schedule and alarm; every step visible in --json', async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      await register(app, home, 1);
      const refused = await cli(['endpoint', 'create', 'direct', '--model-package', 'taxi/1'], { home });
      assert.equal(refused.code, 5, refused.stderr);
      assert.equal(refused.stderr.trim().split('\n').length, 1);
      assert.match(refused.stderr, /taxi\/1 is PendingManualApproval: only Approved versions can be deployed/);

      const approved = await cli(['registry', 'approve', 'taxi', '1', '--by', 'alice'], { home });
      assert.equal(approved.code, 0, approved.stderr);
      assert.match(approved.stdout, /deployment \S+ started: deploying taxi\/1 to endpoint taxi-staging \(1 instance\)/);
      const [d] = (await cli(['deploy', 'executions', '--json'], { home })).json<{ DeploymentExecutions: DeploymentRecord[] }>().DeploymentExecutions;
      assert.equal(d?.status, 'InProgress');
      const early = await cli(['deploy', 'approve', d!.id], { home });
      assert.equal(early.code, 5);
      assert.match(early.stderr, /not waiting for approval: DeployStaging is in progress/);

      await serve(app);
      const ok = await cli(['deploy', 'approve', d!.id, '--by', 'bob', '--comment', 'staging smoke test passed'], { home });
      assert.equal(ok.code, 0, ok.stderr);
      const prod = (await cli(['endpoint', 'describe', 'taxi-prod', '--json'], { home })).json<Record<string, unknown>>();
      assert.equal(prod['EndpointStatus'], 'Creating');
      assert.deepEqual(prod['DataCaptureConfig'], {
        EnableCapture: true,
        CaptureStatus: 'Stopped',
        CurrentSamplingPercentage: 100,
        DestinationS3Uri: `file://${home}/artifacts/datacapture`,
      });
      assert.deepEqual(
        (prod['ProductionVariants'] as { VariantName: string; DesiredInstanceCount: number }[]).map((v) => [v.VariantName, v.DesiredInstanceCount]),
        [['LatestApproved', 2]],
      );
      await serve(app);
      const done = (await cli(['deploy', 'describe', d!.id, '--json'], { home })).json<DeploymentRecord>();
      assert.equal(done.status, 'Succeeded');
      assert.deepEqual(
        done.stages.map((s) => [s.name, s.status, s.actor ?? '', s.comment ?? '']),
        [
          ['DeployStaging', 'Succeeded', '', ''],
          ['ManualApproval', 'Succeeded', 'bob', 'staging smoke test passed'],
          ['DeployProd', 'Succeeded', '', ''],
        ],
      );
      assert.equal(done.stages[2]?.alarm?.MetricName, 'feature_baseline_drift_fare_amount');
      const text = await cli(['deploy', 'describe', d!.id], { home });
      assert.match(
        text.stdout,
        /monitoring: schedule taxi-prod-threshold cron\(0 \* \? \* \* \*\); alarm taxi-prod-threshold when feature_baseline_drift_fare_amount > 0.4 \(3600 s average\)/,
      );
      const served = (await cli(['endpoint', 'describe', 'taxi-prod', '--json'], { home })).json<{ DataCaptureConfig: { CaptureStatus: string } }>();
      assert.equal(served.DataCaptureConfig.CaptureStatus, 'Started');

      // The drift alarm production came with: the notebook's retrain demo writes drift data points by hand.
      const alarms = await cli(['alarm', 'list'], { home });
      assert.match(alarms.stdout, /taxi-prod-threshold\s+INSUFFICIENT_DATA\s+.*Average\(feature_baseline_drift_fare_amount\) GreaterThan 0.4 over 3600 s/);
      const dims = ['--dimension', 'Endpoint=taxi-prod', '--dimension', 'MonitoringSchedule=taxi-prod-threshold'];
      const put = await cli(
        ['metrics', 'put', '--namespace', 'aws/sagemaker/Endpoints/data-metrics', '--name', 'feature_baseline_drift_fare_amount', '--value', '0.73', ...dims],
        { home },
      );
      assert.equal(put.code, 0, put.stderr);
      const evaluated = await cli(['alarm', 'evaluate'], { home });
      assert.match(evaluated.stdout, /^taxi-prod-threshold -> ALARM: Threshold Crossed: 1 out of the last 1 datapoints \[0.73 /);
      const stats = await cli(
        ['--json', 'metrics', 'get', '--namespace', 'aws/sagemaker/Endpoints/data-metrics', '--name', 'feature_baseline_drift_fare_amount', ...dims],
        { home },
      );
      assert.equal(stats.json<{ Datapoints: { Average: number }[] }>().Datapoints[0]?.Average, 0.73);
      const described = await cli(['--json', 'alarm', 'describe', 'taxi-prod-threshold'], { home });
      assert.deepEqual(
        described.json<{ StateValue: string; AlarmHistoryItems: { summary: string }[] }>().AlarmHistoryItems.map((x) => x.summary),
        ['Alarm updated from INSUFFICIENT_DATA to ALARM', 'Alarm "taxi-prod-threshold" created'],
      );
      const bad = await cli(['alarm', 'set-state', 'taxi-prod-threshold', '--state', 'RED', '--reason', 'x'], { home });
      assert.equal(bad.code, 2);
    } finally {
      await app.close();
    }
  });

  it('reject ends the execution Rejected; a config with two weighted variants; invoke without a server is one line', async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      await register(app, home, 1);
      await register(app, home, 2);
      await app.registry.approve('taxi', 1, { by: 'alice' });
      await serve(app);
      const [d] = (await app.deployments.list()).items;
      const rejected = await cli(['deploy', 'reject', d!.id, '--comment', 'answers look off', '--json'], { home });
      assert.equal(rejected.code, 0, rejected.stderr);
      assert.equal(rejected.json<DeploymentRecord>().status, 'Rejected');
      assert.equal((await cli(['endpoint', 'describe', 'taxi-prod'], { home })).code, 3, 'production never created');

      await app.registry.approve('taxi', 2, { by: 'alice' });
      const configFile = path.join(home, 'ab.json');
      await writeFile(
        configFile,
        JSON.stringify({
          EndpointConfigName: 'taxi-ab',
          ProductionVariants: [
            { VariantName: 'A', ModelPackageName: 'taxi/1', InitialVariantWeight: 0.7 },
            { VariantName: 'B', ModelPackageName: 'taxi/2', InitialVariantWeight: 0.3, InitialInstanceCount: 2 },
          ],
        }),
      );
      const created = await cli(['endpoint', 'create-config', '--file', configFile], { home });
      assert.equal(created.code, 0, created.stderr);
      const ab = await cli(['endpoint', 'create', 'taxi-ab', '--config', 'taxi-ab', '--json'], { home });
      assert.equal(ab.code, 0, ab.stderr);
      assert.deepEqual(
        ab
          .json<{ ProductionVariants: { VariantName: string; CurrentWeight: number; DesiredInstanceCount: number }[] }>()
          .ProductionVariants.map((v) => [v.VariantName, v.CurrentWeight, v.DesiredInstanceCount]),
        [
          ['A', 0.7, 1],
          ['B', 0.3, 2],
        ],
      );
      const list = await cli(['endpoint', 'list'], { home });
      assert.match(list.stdout, /taxi-ab\s+Creating\s+taxi-ab/);

      await writeFile(configFile, '{"EndpointConfigName": "x", ');
      const broken = await cli(['endpoint', 'create-config', '--file', configFile], { home });
      assert.equal(broken.code, 2);
      assert.match(broken.stderr, /endpoint config file '.*ab.json' is not JSON/);

      const invoke = await cli(['endpoint', 'invoke', 'taxi-ab', '--body', '1,2,3', '--url', 'http://127.0.0.1:59999'], { home });
      assert.equal(invoke.code, 7);
      assert.equal(invoke.stderr.trim().split('\n').length, 1);
      assert.match(invoke.stderr, /no driftline server answers at http:\/\/127.0.0.1:59999 \(ECONNREFUSED\): start one with `driftline server`/);

      const deleted = await cli(['endpoint', 'delete', 'taxi-ab'], { home });
      assert.equal(deleted.code, 0);
      assert.equal((await cli(['endpoint', 'delete-config', 'taxi-ab'], { home })).code, 0);
      assert.equal((await cli(['endpoint', 'describe-config', 'taxi-ab'], { home })).code, 3);
    } finally {
      await app.close();
    }
  });
});
