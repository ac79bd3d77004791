import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createApp, type App } from '../../src/app/create-app.js';
import { createServingRuntime } from '../../src/app/create-serving.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ManualClock } from '../../src/core/clock.js';
import { noopLogger } from '../../src/core/logger.js';
import { PREPARED_FILES } from '../../src/data/index.js';
import { GATE } from '../../src/deploy/index.js';
import type { ServingRuntime } from '../../src/serving/index.js';
import { until } from '../support/serving.js';
import { SKIP_WITHOUT_NYC, nyc } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

/**
 * Issue 13's scenario on real TLC data, with an injected clock: a model trained on green 2021-01
 * serves 2021-02 trips (their fares arrive as ground truth: no alarm), then 2024-03 trips, after
 * the December 2022 fare increase: the model-quality alarm fires at the next hourly run, the
 * project's rule retrains on the captured 2024 trips with their fares, the retrained version is
 * compared with production on later 2024 traffic it was not trained on, beats it, and is
 * promoted to production by the opt-in champion/challenger policy.
 */

const at = (h: number, m = 0, s = 0) => Date.UTC(2026, 11, 3, h, m, s);

interface Trip {
  readonly fare: string;
  readonly features: string;
}

/** Prepared rows (header, fare first): the fare is the ground truth, the rest is what a client sends. */
async function trips(file: string, header: boolean, skip: number, count: number): Promise<Trip[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.length > 0);
  return lines
    .slice((header ? 1 : 0) + skip, (header ? 1 : 0) + skip + count)
    .map((l) => ({ fare: l.slice(0, l.indexOf(',')), features: l.slice(l.indexOf(',') + 1) }));
}

/** Sends trips over a span of simulated time (each request stamped and filed at its time), then their fares as one batch of labels. */
async function serve(
  app: App,
  runtime: ServingRuntime,
  clock: ManualClock,
  prefix: string,
  batch: readonly Trip[],
  from: number,
  spanMs: number,
): Promise<number[]> {
  const predictions: number[] = [];
  for (let i = 0; i < batch.length; i += 50) {
    clock.set(from + Math.floor((i / batch.length) * spanMs));
    const answers = await Promise.all(
      batch
        .slice(i, i + 50)
        .map((t, k) => runtime.invoke('taxi-prod', { body: Buffer.from(t.features), contentType: 'text/csv', inferenceId: `${prefix}-${i + k}` })),
    );
    for (const a of answers) predictions.push(Number(a.body.toString()));
  }
  clock.set(from + spanMs + 30_000);
  const stored = await app.groundTruth.ingest(
    'taxi-prod',
    batch.map((t, i) => ({ inferenceId: `${prefix}-${i}`, label: Number(t.fare) })),
  );
  assert.equal(stored.accepted, batch.length);
  return predictions;
}

describe('model-quality monitoring on real TLC data (issue 13)', () => {
  it(
    'the 2024 fare increase raises the model-quality alarm within one hourly run; retraining on the captured 2024 trips beats production and is promoted',
    { skip: SKIP_WITHOUT_NYC, timeout: 600_000 },
    async (t) => {
      const home = await tmpDir('driftline-mq-loop-');
      const clock = new ManualClock(at(8));
      const app = await createApp(loadConfig({}, { home }, home), { logger: noopLogger, clock });
      let runtime: ServingRuntime | undefined;
      try {
        // The months that production will see, prepared as the build prepares January.
        const prepared = async (month: string) => {
          const out = path.join(home, `prepared-${month}`);
          await app.prepare.prepare({ trips: [nyc(`green_tripdata_${month}.parquet`)], zones: nyc('taxi_zones.zip'), out, seed: 11, replace: true });
          return out;
        };
        const feb = await trips(path.join(await prepared('2021-02'), PREPARED_FILES.baseline), true, 0, 1500);
        const mar24 = await prepared('2024-03');
        // Two disjoint sets of March 2024 trips: what production sees first, and the later window.
        const first2024 = await trips(path.join(mar24, PREPARED_FILES.baseline), true, 0, 5000);
        const later2024 = await trips(path.join(mar24, PREPARED_FILES.validation), false, 0, 2500);

        await app.projects.create({
          name: 'taxi',
          inputDataUrl: nyc('green_tripdata_2021-01.parquet'),
          inputZonesUrl: nyc('taxi_zones.zip'),
          retrainOnCapture: { days: 30, minimumRows: 1000 },
          autoPromoteMargin: 0.1,
        });
        const build = await app.pipelines.start('taxi-build', { parameters: { Seed: '42' } });
        assert.equal(build.execution.status, 'Succeeded', build.execution.failureReason);
        const baselineRmse = (await app.modelQuality(await app.registry.describe('taxi', 1)))?.['rmse'];
        assert.ok(baselineRmse && baselineRmse > 3 && baselineRmse < 4.5, `validation rmse ${baselineRmse}`);
        await app.registry.approve('taxi', 1, { by: 'alice' });
        const [first] = (await app.deployments.list({ group: 'taxi' })).items;

        runtime = createServingRuntime({ captureFsync: 'none' }, app.endpoints, noopLogger, { clock, pollMs: 100 });
        await runtime.start();
        const settle = async (id: string, stage: number, status: string) =>
          until(
            async () => {
              await runtime!.reconcile();
              await app.deployments.tick();
              await app.challengers.tick();
              return (await app.deployments.get(id)).stages[stage]?.status === status;
            },
            `deployment ${id} stage ${stage} ${status}`,
            120_000,
          );
        await settle(first!.id, 1, 'InProgress');
        await app.deployments.approve(first!.id, { by: 'bob', comment: 'staging smoke test passed' });
        await settle(first!.id, 2, 'Succeeded');
        const mqAlarm = await app.alarms.get('taxi-prod-model-quality');
        assert.equal(mqAlarm.definition.MetricName, 'rmse');
        assert.ok(Math.abs(mqAlarm.definition.Threshold - 1.25 * baselineRmse) < 1e-9);
        const mqSchedule = await app.monitoring.get('taxi-prod-model-quality');
        assert.equal(mqSchedule.monitoringType, 'ModelQuality');

        const runHour = async (h: number) => {
          clock.set(at(h, 0, 30));
          const runs = await app.monitoring.runDue();
          await app.alarms.evaluateAll();
          const mq = runs.find((r) => r.scheduleName === 'taxi-prod-model-quality');
          assert.ok(mq && mq.status !== 'Failed', JSON.stringify(mq));
          const rmse = (await app.metrics.latest('aws/sagemaker/Endpoints/model-metrics')).find((d) => d.name === 'rmse' && d.timestamp === at(h - 1));
          const drift = (await app.metrics.latest('aws/sagemaker/Endpoints/data-metrics')).find((d) => d.name === 'feature_baseline_drift_fare_amount');
          return { mq, rmse: rmse!.value, drift: drift?.value };
        };

        // 09:00-10:00: February 2021 trips, their fares as ground truth. No alarm.
        await serve(app, runtime, clock, 'feb', feb, at(9, 1), 55 * 60_000);
        const calm = await runHour(10);
        assert.equal(calm.mq.merge?.mergedRecords, feb.length, 'every trip merged with its fare, once');
        assert.ok(calm.rmse < mqAlarm.definition.Threshold, `February rmse ${calm.rmse}`);
        assert.equal((await app.alarms.get('taxi-prod-model-quality')).state, 'OK');
        assert.notEqual((await app.alarms.get('taxi-prod-threshold')).state, 'ALARM', 'no data-drift false alarm');

        // 10:00-11:00: March 2024 trips (after the fare increase). The 11:00 run raises the alarm.
        const firstRequest = at(10, 1);
        await serve(app, runtime, clock, 'mar', first2024, firstRequest, 55 * 60_000);
        const broken = await runHour(11);
        assert.equal(broken.mq.status, 'CompletedWithViolations');
        const alarmed = await app.alarms.get('taxi-prod-model-quality');
        assert.equal(alarmed.state, 'ALARM', alarmed.stateReason);
        assert.notEqual((await app.alarms.get('taxi-prod-threshold')).state, 'ALARM', "the sample's drift alarm does not see it");
        const toAlarmMs = alarmed.stateUpdatedAt - firstRequest;

        // The project's rule retrains on the captured, labelled traffic of the last 30 days.
        const delivered = await app.rules.deliverDue();
        assert.equal(delivered.succeeded, 1);
        await app.ruleRunsSettled();
        const [retrain] = (await app.pipelines.executions({ pipelineName: 'taxi-build' })).items;
        assert.equal(retrain?.status, 'Succeeded', retrain?.failureReason);
        const v2 = await app.registry.describe('taxi', 2);
        assert.equal(v2.approvalStatus, 'PendingManualApproval');
        assert.match(v2.customerMetadata['InputSource'] ?? '', /^capture:taxi-prod until /);
        const retrainedAt = clock.now();

        // 11:00-12:00: later 2024 trips, which neither model was trained on; then the gate compares and promotes.
        await serve(app, runtime, clock, 'later', later2024, at(11, 1), 55 * 60_000);
        const stillBroken = await runHour(12);
        clock.set(at(12, 1));
        const [compared] = await app.challengers.tick();
        assert.equal(compared?.decision, 'Promote', JSON.stringify(compared));
        const promoted = await app.registry.describe('taxi', 2);
        assert.equal(promoted.approvalStatus, 'Approved');
        assert.equal(promoted.approval?.by, 'champion-challenger');
        const [second] = (await app.deployments.list({ group: 'taxi' })).items;
        assert.equal(second?.version, 2);
        await settle(second!.id, 2, 'Succeeded');
        assert.equal(
          (await app.deployments.get(second!.id)).stages.find((s) => s.name === 'ManualApproval')?.actor,
          'champion-challenger',
          'the opt-in policy gave the manual approval',
        );
        const inProduction = clock.now();
        const prodConfig = await app.endpoints.describeEndpointConfig((await app.endpoints.getEndpoint('taxi-prod')).configName);
        assert.match(JSON.stringify(prodConfig.ProductionVariants), /taxi\/2/);

        const m = promoted.customerMetadata;
        t.diagnostic(
          `validation rmse of version 1 (2021-01): ${baselineRmse.toFixed(3)}; model-quality alarm above ${mqAlarm.definition.Threshold.toFixed(3)}`,
        );
        t.diagnostic(
          `rmse per hourly window (version 1 in production): 2021-02 ${calm.rmse.toFixed(3)}, 2024-03 ${broken.rmse.toFixed(3)}, later 2024-03 ${stillBroken.rmse.toFixed(3)}; ` +
            `feature_baseline_drift_fare_amount ${calm.drift?.toFixed(4)} and ${broken.drift?.toFixed(4)}`,
        );
        t.diagnostic(
          `first 2024 request -> ALARM ${(toAlarmMs / 60_000).toFixed(1)} min (simulated); -> retraining done ${((retrainedAt - firstRequest) / 60_000).toFixed(1)} min; -> version 2 in production ${((inProduction - firstRequest) / 60_000).toFixed(1)} min`,
        );
        t.diagnostic(
          `champion/challenger on ${m[GATE.rows]} later 2024 rows: version 1 rmse ${Number(m[GATE.championRmse]).toFixed(3)}, version 2 rmse ${Number(m[GATE.challengerRmse]).toFixed(3)} (better by ${(100 * Number(m[GATE.improvement])).toFixed(1)}%)`,
        );
        assert.ok(toAlarmMs <= 3600_000 + 60_000, 'ALARM within one schedule period of the first 2024 request');
        assert.ok(Number(m[GATE.challengerRmse]) < Number(m[GATE.championRmse]) * 0.9);
      } finally {
        await runtime?.stop();
        await app.close();
      }
    },
  );
});
