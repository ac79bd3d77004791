import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.js';
import { noopLogger } from '../core/logger.js';
import { tmpDir } from '../../test/support/tmp-dir.js';
import { createApp } from './create-app.js';

const ALARM = {
  AlarmName: 'taxi-prod-threshold',
  AlarmDescription: 'Schedule Drift Threshold',
  Namespace: 'aws/sagemaker/Endpoints/data-metrics',
  MetricName: 'feature_baseline_drift_fare_amount',
  Dimensions: [
    { Name: 'Endpoint', Value: 'taxi-prod' },
    { Name: 'MonitoringSchedule', Value: 'taxi-prod-threshold' },
  ],
  Statistic: 'Average',
  Period: 3600,
  EvaluationPeriods: 1,
  DatapointsToAlarm: 1,
  Threshold: 0.4,
  ComparisonOperator: 'GreaterThanThreshold',
};

describe('project platform (the App wiring)', () => {
  it("an approval in a project's group deploys with the deploy repository's stage configs", async () => {
    const home = await tmpDir('driftline-project-deploy-');
    const app = await createApp(loadConfig({ DRIFTLINE_METADATA_URI: 'memory:' }, { home }, home), { logger: noopLogger, env: { PATH: process.env['PATH'] } });
    try {
      const p = await app.projects.create({ name: 'taxi' });
      const prod = JSON.parse(await readFile(p.repositories.deploy.prodConfig, 'utf8')) as Record<string, unknown>;
      await writeFile(p.repositories.deploy.prodConfig, JSON.stringify({ ...prod, instance_count: 3 }));
      await app.registry.register({ group: 'taxi', modelDataUrl: 'file:///models/1.json', modelSha256: 'a'.repeat(64), registeredBy: 'test' });
      await app.registry.approve('taxi', 1, { by: 'tester' });
      const deployments = (await app.deployments.list({ group: 'taxi' })).items;
      assert.equal(deployments.length, 1, 'one deployment: the generic handler leaves project groups alone');
      assert.equal(deployments[0]!.prodConfig.instance_count, 3);
      assert.match(deployments[0]!.trigger, /stage configs of project taxi/);
    } finally {
      await app.close();
      await rm(home, { recursive: true, force: true });
    }
  });

  it("the production alarm going to ALARM is delivered to the project's drift rule, and describe shows the alarm", async () => {
    const home = await tmpDir('driftline-project-platform-');
    const app = await createApp(loadConfig({ DRIFTLINE_METADATA_URI: 'memory:' }, { home }, home), { logger: noopLogger, env: { PATH: process.env['PATH'] } });
    try {
      await app.projects.create({ name: 'taxi' });
      assert.equal((await app.registry.getGroup('taxi')).tags['sagemaker:project-name'], 'taxi');
      await app.alarms.putMetricAlarm(ALARM);
      await app.alarms.setAlarmState('taxi-prod-threshold', 'ALARM', 'drift');
      const deliveries = (await app.rules.listDeliveries({ ruleName: 'taxi-drift' })).items;
      assert.equal(deliveries.length, 1);
      assert.equal(deliveries[0]!.targetId, 'start-build');
      assert.equal((await app.rules.listDeliveries({ ruleName: 'taxi-retrain' })).items.length, 0);
      await app.alarms.setAlarmState('taxi-prod-threshold', 'OK', 'fine');
      assert.equal((await app.rules.listDeliveries({ ruleName: 'taxi-drift' })).items.length, 1, 'OK does not retrain');
      const d = await app.projects.describe('taxi');
      assert.deepEqual((d.live['alarm'] as { state: string }).state, 'OK');
      assert.equal((d.live['rules'] as { drift: { state: string } }).drift.state, 'ENABLED');
      assert.equal((d.live['modelPackageGroup'] as { versions: number }).versions, 0);
    } finally {
      await app.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
