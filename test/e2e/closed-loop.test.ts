import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createApp, type App } from '../../src/app/create-app.js';
import { createServingRuntime } from '../../src/app/create-serving.js';
import { outputFile } from '../../src/cli/commands/quickstart-serving.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ManualClock } from '../../src/core/clock.js';
import { noopLogger } from '../../src/core/logger.js';
import { GENERATED_ZONES_FILE, PREPARED_FILES } from '../../src/data/index.js';
import { PipelineBuilder } from '../../src/pipeline/index.js';
import type { ServingRuntime } from '../../src/serving/index.js';
import { until } from '../support/serving.js';
import { tmpDir } from '../support/tmp-dir.js';

/**
 * The sample's closed loop on one machine, with an injected clock so that hours pass in seconds:
 * build -> approve -> staging -> approve -> production (2 workers, capture) -> an hour of normal
 * traffic -> the hourly monitoring run Completed, alarm OK -> an hour of the notebook's drifted
 * traffic -> CompletedWithViolations, drift above 0.4, alarm ALARM -> the drift rule starts the
 * build pipeline -> a new version PendingManualApproval. `project create` sets it up, as the
 * sample's Service Catalog template does.
 */

const hour = (d: number, h: number, m = 0, s = 0) => Date.UTC(2026, 11, d, h, m, s);

async function openAt(home: string, clock: ManualClock): Promise<App> {
  return createApp(loadConfig({}, { home }, home), { logger: noopLogger, clock });
}

/** Label-first header-less CSV rows (the validation split) without their label: what clients send. */
async function requestRows(file: string, limit: number): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.length > 0);
  return lines.slice(0, limit).map((l) => l.slice(l.indexOf(',') + 1));
}

async function send(runtime: ServingRuntime, clock: ManualClock, endpoint: string, rows: readonly string[], from: number, spanMs: number): Promise<void> {
  // Spread over the hour by moving the clock: each record is stamped (and filed) at its own time.
  for (let i = 0; i < rows.length; i += 50) {
    clock.set(from + Math.floor((i / rows.length) * spanMs));
    await Promise.all(rows.slice(i, i + 50).map((row) => runtime.invoke(endpoint, { body: Buffer.from(row), contentType: 'text/csv' })));
  }
}

describe('the closed loop (injected clock)', () => {
  it('drifted production traffic raises the alarm within the next hourly run and the rule starts retraining', { timeout: 240_000 }, async (t) => {
    const home = await tmpDir('driftline-loop-');
    const clock = new ManualClock(hour(3, 9));
    const app = await openAt(home, clock);
    let runtime: ServingRuntime | undefined;
    try {
      // Data: a normal January and a February with the notebook's drift.
      await app.generate.generate({ out: path.join(home, 'raw'), months: ['2021-01'], rows: 50_000, seed: 42, drift: 'none', replace: true });
      await app.generate.generate({ out: path.join(home, 'raw-drifted'), months: ['2021-02'], rows: 50_000, seed: 42, drift: 'notebook', replace: true });
      const drifted = await app.prepare.prepare({
        trips: [path.join(home, 'raw-drifted', 'green_tripdata_2021-02.parquet')],
        zones: path.join(home, 'raw-drifted', GENERATED_ZONES_FILE),
        out: path.join(home, 'prepared-drifted'),
        seed: 7,
        replace: true,
      });
      assert.ok(drifted.dataset.id);

      // The project template: group, repositories, the build pipeline, the retrain and drift -> retrain rules.
      const project = await app.projects.create({
        name: 'taxi',
        inputDataUrl: path.join(home, 'raw', 'green_tripdata_2021-01.parquet'),
        inputZonesUrl: path.join(home, 'raw', GENERATED_ZONES_FILE),
      });
      assert.equal(project.name, 'taxi');
      assert.deepEqual(
        (await app.rules.describeRule('taxi-drift')).targets.map((t) => t.kind === 'pipeline' && t.pipelineName),
        ['taxi-build'],
      );

      // Build -> registered PendingManualApproval -> approved -> the deployment pipeline starts.
      const build = await app.pipelines.start('taxi-build');
      assert.equal(build.execution.status, 'Succeeded', build.execution.failureReason);
      const validation = outputFile(build.steps.find((s) => s.name === 'PreprocessData')?.properties, 'validation', 'validation.csv');
      assert.equal((await app.registry.describe('taxi', 1)).approvalStatus, 'PendingManualApproval');
      await app.registry.approve('taxi', 1, { by: 'alice' });
      const [deployment] = (await app.deployments.list({ group: 'taxi' })).items;

      // The data plane (worker processes, capture) follows the control plane on the same clock.
      runtime = createServingRuntime({ captureFsync: 'none' }, app.endpoints, noopLogger, { clock, pollMs: 100 });
      await runtime.start();
      const waitStage = async (stage: number, status: string) =>
        until(
          async () => {
            await runtime!.reconcile();
            await app.deployments.tick();
            return (await app.deployments.get(deployment!.id)).stages[stage]?.status === status;
          },
          `stage ${stage} ${status}`,
          60_000,
        );
      await waitStage(1, 'InProgress');
      await app.deployments.approve(deployment!.id, { by: 'bob', comment: 'staging smoke test passed' });
      await waitStage(2, 'Succeeded');
      const prod = await app.endpoints.getEndpoint('taxi-prod');
      assert.deepEqual(prod.instances, { LatestApproved: 2 });
      const schedule = await app.monitoring.get('taxi-prod-threshold');
      assert.equal(schedule.nextFireAt, hour(3, 10), 'hourly, at the top of the next hour');
      assert.equal((await app.alarms.get('taxi-prod-threshold')).state, 'INSUFFICIENT_DATA');

      // 10:00-11:00: normal January traffic. The 11:00 run finds nothing alarming.
      await send(runtime, clock, 'taxi-prod', await requestRows(validation, 1500), hour(3, 10, 1), 58 * 60_000);
      clock.set(hour(3, 11, 0, 30));
      const dataQuality = async () => (await app.monitoring.runDue()).find((r) => r.scheduleName === 'taxi-prod-threshold');
      const calm = await dataQuality();
      assert.equal(calm?.scheduledTime, hour(3, 11));
      assert.notEqual(calm?.status, 'Failed', calm?.failureReason);
      assert.equal(calm?.rows, 1500);
      const calmDrift = (await app.metrics.latest('aws/sagemaker/Endpoints/data-metrics')).find((d) => d.name === 'feature_baseline_drift_fare_amount');
      await app.alarms.evaluateAll();
      const ok = await app.alarms.get('taxi-prod-threshold');
      assert.equal(ok.state, 'OK', ok.stateReason);

      // 11:00-12:00: the notebook's drifted traffic. The 12:00 run flags it, the alarm fires, the rule retrains.
      await send(
        runtime,
        clock,
        'taxi-prod',
        await requestRows(path.join(home, 'prepared-drifted', PREPARED_FILES.validation), 1500),
        hour(3, 11, 1),
        58 * 60_000,
      );
      clock.set(hour(3, 12, 0, 30));
      const flagged = await dataQuality();
      assert.equal(flagged?.status, 'CompletedWithViolations');
      const drift = (await app.metrics.latest('aws/sagemaker/Endpoints/data-metrics')).find((d) => d.name === 'feature_baseline_drift_fare_amount');
      assert.ok(drift && drift.value > 0.4 && drift.timestamp === hour(3, 12), JSON.stringify(drift));
      t.diagnostic(
        `feature_baseline_drift_fare_amount against the version's predictions baseline: January hour ${calmDrift?.value}, notebook-drifted hour ${drift.value}`,
      );
      const changed = (await app.alarms.evaluateAll()).find((a) => a.definition.AlarmName === 'taxi-prod-threshold');
      assert.equal(changed?.state, 'ALARM', changed?.stateReason);
      const delivered = await app.rules.deliverDue();
      assert.equal(delivered.succeeded, 1);
      await app.ruleRunsSettled();
      const runs = (await app.pipelines.executions({ pipelineName: 'taxi-build' })).items;
      assert.equal(runs.length, 2, 'the alarm started one retraining');
      assert.equal(runs[0]?.status, 'Succeeded');
      assert.equal((await app.registry.describe('taxi', 2)).approvalStatus, 'PendingManualApproval', 'the retrained version waits for a person');
      // From drift onset (11:00) to ALARM and to retraining: one hourly run, in simulated time.
      assert.equal(changed?.stateUpdatedAt, hour(3, 12, 0, 30));
    } finally {
      await runtime?.stop();
      await app.close();
    }
  });

  it('the monthly retrain schedule cron(0 12 1 * ? *) starts the build at 12:00 UTC on the 1st and at no other time', async () => {
    const home = await tmpDir('driftline-monthly-');
    const clock = new ManualClock(Date.UTC(2026, 10, 30, 23));
    const app = await openAt(home, clock);
    try {
      const b = new PipelineBuilder();
      b.processing('Retrain', { processor: { command: [process.execPath, '-e', '0'] } });
      await app.pipelines.upsert('taxi-build', b.build());
      await app.rules.putRule({ name: 'taxi-retrain', scheduleExpression: 'cron(0 12 1 * ? *)' });
      await app.rules.putTargets('taxi-retrain', [{ kind: 'pipeline', pipelineName: 'taxi-build' }]);
      const startedAt: number[] = [];
      const tick = async (t: number) => {
        clock.set(t);
        await app.rules.deliverDue();
        await app.ruleRunsSettled();
        const n = (await app.pipelines.executions({ pipelineName: 'taxi-build' })).items.length;
        while (startedAt.length < n) startedAt.push(t);
      };
      for (const t of [
        Date.UTC(2026, 11, 1, 0),
        Date.UTC(2026, 11, 1, 11, 59),
        Date.UTC(2026, 11, 1, 12, 0, 5),
        Date.UTC(2026, 11, 1, 12, 30),
        Date.UTC(2026, 11, 2, 12, 0, 5),
        Date.UTC(2026, 11, 31, 12, 0, 5),
        // A downtime over two fire times: the missed ones fire once.
        Date.UTC(2027, 1, 1, 13),
        Date.UTC(2027, 1, 1, 14),
      ])
        await tick(t);
      assert.deepEqual(startedAt, [Date.UTC(2026, 11, 1, 12, 0, 5), Date.UTC(2027, 1, 1, 13)]);
      await until(
        async () => (await app.pipelines.executions({ pipelineName: 'taxi-build' })).items.every((e) => e.status === 'Succeeded'),
        'the scheduled builds to finish',
        30_000,
      );
    } finally {
      await app.close();
    }
  });
});
