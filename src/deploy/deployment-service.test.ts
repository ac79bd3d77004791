import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controlPlane } from '../../test/support/control-plane.js';
import { parseStageConfig, SAMPLE_PROD_CONFIG } from './stage-configs.js';
import type { ScheduleRegistrar } from './deployment-service.js';
import type { DeploymentRecord } from './types.js';

async function harness() {
  const cp = await controlPlane();
  const { registry, deployments } = cp;
  const register = (version: number) => registry.register({ group: 'taxi', modelDataUrl: `file:///m/v${version}/model.json`, modelSha256: 'a'.repeat(64) });
  const only = async (): Promise<DeploymentRecord> => {
    const items = (await deployments.list()).items;
    return items[0]!;
  };
  const stages = (d: DeploymentRecord) => Object.fromEntries(d.stages.map((s) => [s.name, s.status]));
  return { ...cp, register, only, stages };
}

describe('deployment pipeline (staging, manual approval, production)', () => {
  it('with a model-quality baseline, production also gets the model-quality schedule on its ground truth and an rmse alarm at 1.25x the baseline', async () => {
    const schedules: Parameters<ScheduleRegistrar['putSchedule']>[0][] = [];
    const cp = await controlPlane({
      modelQuality: { baselineMetrics: async (pkg) => (pkg.version === 1 ? { rmse: 3.7, r2: 0.8 } : undefined), groundTruthUriOf: (e) => `file:///gt/${e}` },
      monitoring: { putSchedule: async (s) => void schedules.push(s) },
    });
    const mq = {
      Statistics: { ContentType: 'application/json', S3Uri: 'file:///mq/statistics.json' },
      Constraints: { ContentType: 'application/json', S3Uri: 'file:///mq/constraints.json' },
    };
    const dq = {
      Statistics: { ContentType: 'application/json', S3Uri: 'file:///dq/statistics.json' },
      Constraints: { ContentType: 'application/json', S3Uri: 'file:///dq/constraints.json' },
    };
    await cp.registry.register({
      group: 'taxi',
      modelDataUrl: 'file:///m/v1/model.json',
      modelSha256: 'a'.repeat(64),
      driftCheckBaselines: { ModelQuality: mq, ModelDataQuality: dq },
    });
    await cp.registry.approve('taxi', 1, { by: 'alice' });
    await cp.serve();
    const [d] = (await cp.deployments.list()).items;
    const done = await cp.deployments.approve(d!.id, { by: 'bob' });
    const prod = done.stages[2]!;
    assert.deepEqual(prod.modelQualitySchedule, {
      MonitoringScheduleName: 'taxi-prod-model-quality',
      EndpointName: 'taxi-prod',
      ScheduleExpression: 'cron(0 * ? * * *)',
      MonitoringType: 'ModelQuality',
      BaselineStatisticsUri: 'file:///mq/statistics.json',
      BaselineConstraintsUri: 'file:///mq/constraints.json',
      GroundTruthS3Uri: 'file:///gt/taxi-prod',
      MinimumRecords: 200,
    });
    assert.deepEqual(
      schedules.map((s) => [s.name, s.monitoringType ?? 'DataQuality', s.modelQuality?.groundTruthUri]),
      [
        ['taxi-prod-threshold', 'DataQuality', undefined],
        ['taxi-prod-model-quality', 'ModelQuality', 'file:///gt/taxi-prod'],
      ],
    );
    const alarm = await cp.alarms.get('taxi-prod-model-quality');
    assert.equal(alarm.definition.Namespace, 'aws/sagemaker/Endpoints/model-metrics');
    assert.equal(alarm.definition.MetricName, 'rmse');
    assert.ok(Math.abs(alarm.definition.Threshold - 4.625) < 1e-12);
    assert.equal(alarm.definition.ComparisonOperator, 'GreaterThanThreshold');
    // r2 alarms below the baseline divided by the ratio; without the baseline's value there is nothing to set it from.
    const withR2 = parseStageConfig({ ...SAMPLE_PROD_CONFIG, model_quality_config: { metric_name: 'r2', threshold_ratio: 2 } }, 'prod-config.json');
    assert.equal(withR2.model_quality_config?.period, 3600);
    assert.equal(withR2.model_quality_config?.schedule_expression, 'cron(0 * ? * * *)');
    assert.throws(() => parseStageConfig({ ...SAMPLE_PROD_CONFIG, model_quality_config: { end_time_offset: 'PT1H' } }, 'prod-config.json'), /end_time_offset/);
  });

  it('an approval deploys to staging; approve → production with 2 instances, autoscaling 2-4, capture 100%, the schedule and the alarm', async () => {
    const h = await harness();
    await h.register(1);
    assert.equal((await h.deployments.list()).items.length, 0, 'a pending version deploys nothing');
    await h.registry.approve('taxi', 1, { by: 'alice' });
    let d = await h.only();
    assert.equal(d.trigger, 'approval of taxi/1');
    assert.deepEqual(h.stages(d), { DeployStaging: 'InProgress', ManualApproval: 'Pending', DeployProd: 'Pending' });
    const staging = await h.endpoints.getEndpoint('taxi-staging');
    assert.equal(staging.status, 'Creating');
    assert.deepEqual(staging.tags, { 'sagemaker:deployment-stage': 'staging', 'sagemaker:project-name': 'taxi' });
    await assert.rejects(h.deployments.approve(d.id, { by: 'bob' }), /not waiting for approval: DeployStaging is in progress/);
    await h.serve();
    d = await h.only();
    assert.deepEqual(h.stages(d), { DeployStaging: 'Succeeded', ManualApproval: 'InProgress', DeployProd: 'Pending' });
    assert.equal(d.stages[1]?.deadline, h.clock.now() + 7 * 24 * 3600 * 1000);
    d = await h.deployments.approve(d.id, { by: 'bob', comment: 'smoke test ok' });
    assert.deepEqual(h.stages(d), { DeployStaging: 'Succeeded', ManualApproval: 'Succeeded', DeployProd: 'InProgress' });
    assert.equal(d.stages[1]?.actor, 'bob');
    assert.equal(d.stages[1]?.comment, 'smoke test ok');
    const prod = d.stages[2]!;
    assert.equal(prod.endpointName, 'taxi-prod');
    assert.equal(prod.monitoringSchedule?.ScheduleExpression, 'cron(0 * ? * * *)');
    assert.deepEqual(
      {
        metric: prod.alarm?.MetricName,
        threshold: prod.alarm?.Threshold,
        period: prod.alarm?.Period,
        op: prod.alarm?.ComparisonOperator,
        ns: prod.alarm?.Namespace,
      },
      { metric: 'feature_baseline_drift_fare_amount', threshold: 0.4, period: 3600, op: 'GreaterThanThreshold', ns: 'aws/sagemaker/Endpoints/data-metrics' },
    );
    // The drift alarm exists now, waiting for its first data point.
    const alarm = await h.alarms.get('taxi-prod-threshold');
    assert.equal(alarm.state, 'INSUFFICIENT_DATA');
    assert.deepEqual(alarm.definition.Dimensions, [
      { Name: 'Endpoint', Value: 'taxi-prod' },
      { Name: 'MonitoringSchedule', Value: 'taxi-prod-threshold' },
    ]);
    const spec = (await h.endpoints.desired()).specs.find((s) => s.name === 'taxi-prod')!;
    assert.deepEqual(spec.variants[0]?.instances, {
      initial: 2,
      min: 2,
      max: 4,
      targetInvocationsPerInstance: 750,
      scaleInCooldownSeconds: 60,
      scaleOutCooldownSeconds: 60,
    });
    assert.equal(spec.variants[0]?.name, 'LatestApproved');
    assert.equal(spec.capture?.samplingPercent, 100);
    assert.equal((await h.endpoints.desired()).specs.find((s) => s.name === 'taxi-staging')?.capture, undefined, 'staging captures nothing');
    await h.serve();
    d = await h.only();
    assert.equal(d.status, 'Succeeded');
    assert.deepEqual(h.stages(d), { DeployStaging: 'Succeeded', ManualApproval: 'Succeeded', DeployProd: 'Succeeded' });
  });

  it('reject: the execution ends Rejected with the comment and production is never touched', async () => {
    const h = await harness();
    await h.register(1);
    await h.registry.approve('taxi', 1, { by: 'alice' });
    await h.serve();
    const d = await h.deployments.reject((await h.only()).id, { by: 'carol', comment: 'staging answers look off' });
    assert.equal(d.status, 'Rejected');
    assert.deepEqual(h.stages(d), { DeployStaging: 'Succeeded', ManualApproval: 'Rejected', DeployProd: 'Abandoned' });
    assert.equal(d.stages[1]?.comment, 'staging answers look off');
    await assert.rejects(h.endpoints.getEndpoint('taxi-prod'), { code: 'not_found' });
    await assert.rejects(h.deployments.approve(d.id, { by: 'carol' }), /is Rejected: nothing waits for approval/);
  });

  it('a newer approval supersedes one still waiting; the newer version is what reaches production', async () => {
    const h = await harness();
    await h.register(1);
    await h.register(2);
    await h.registry.approve('taxi', 1, { by: 'alice' });
    await h.serve();
    const first = await h.only();
    h.clock.advance(1000);
    await h.registry.approve('taxi', 2, { by: 'alice' });
    const old = await h.deployments.get(first.id);
    assert.equal(old.status, 'Superseded');
    assert.deepEqual(h.stages(old), { DeployStaging: 'Succeeded', ManualApproval: 'Superseded', DeployProd: 'Abandoned' });
    await assert.rejects(h.deployments.approve(first.id, { by: 'bob' }), { code: 'failed_precondition' });
    await h.serve();
    const newer = await h.only();
    assert.equal(newer.version, 2);
    await h.deployments.approve(newer.id, { by: 'bob' });
    await h.serve();
    assert.equal((await h.deployments.get(newer.id)).status, 'Succeeded');
    assert.equal((await h.endpoints.desired()).specs.find((s) => s.name === 'taxi-prod')?.variants[0]?.modelPackageName, 'taxi/2');
  });

  it('the approval times out; a version rejected in the registry meanwhile is not deployed to production', async () => {
    const h = await harness();
    await h.register(1);
    await h.registry.approve('taxi', 1, { by: 'alice' });
    await h.serve();
    h.clock.advance(7 * 24 * 3600 * 1000 + 1);
    await h.deployments.tick();
    const timedOut = await h.only();
    assert.equal(timedOut.status, 'Failed');
    assert.equal(timedOut.failureReason, 'ManualApproval: the approval timed out after 7 days');

    await h.register(2);
    await h.registry.approve('taxi', 2, { by: 'alice' });
    await h.serve();
    const d = await h.only();
    await h.registry.reject('taxi', 2, { by: 'dave', reason: 'bias found' });
    const after = await h.deployments.approve(d.id, { by: 'bob' });
    assert.equal(after.status, 'Failed');
    assert.match(after.failureReason ?? '', /taxi\/2 is Rejected in the registry now: it is not deployed to production/);
    await assert.rejects(h.endpoints.getEndpoint('taxi-prod'), { code: 'not_found' });
  });

  it('a staging endpoint that fails fails the execution; every execution keeps its stage history', async () => {
    const h = await harness();
    await h.register(1);
    await h.registry.approve('taxi', 1, { by: 'alice' });
    const d = await h.only();
    await h.endpoints.report({ kind: 'failed', name: 'taxi-staging', generation: 1, reason: 'worker exited with code 1' });
    await h.deployments.tick();
    const failed = await h.deployments.get(d.id);
    assert.equal(failed.status, 'Failed');
    assert.deepEqual(h.stages(failed), { DeployStaging: 'Failed', ManualApproval: 'Abandoned', DeployProd: 'Abandoned' });
    assert.match(failed.failureReason ?? '', /DeployStaging: endpoint taxi-staging failed: worker exited with code 1/);
    assert.ok(failed.stages[0]?.startedAt !== undefined && failed.stages[0]?.endedAt !== undefined);
  });

  it('a group tagged driftline:auto-deploy=false is not deployed on approval; start() deploys it on demand with given configs', async () => {
    const h = await harness();
    await h.registry.createGroup({ name: 'taxi', tags: { 'driftline:auto-deploy': 'false' } });
    await h.register(1);
    await h.registry.approve('taxi', 1, { by: 'alice' });
    assert.equal((await h.deployments.list()).items.length, 0);
    const d = await h.deployments.start({
      group: 'taxi',
      version: 1,
      stagingConfig: parseStageConfig({ stage_name: 'qa', instance_count: 2, instance_type: 'ml.c5.large' }, 'staging.json'),
    });
    assert.equal(d.stages[0]?.endpointName, 'taxi-qa');
    assert.equal((await h.endpoints.desired()).specs[0]?.variants[0]?.instances.initial, 2);
  });

  it('stage configs in the sample shape: each problem is one line naming the file and the field', () => {
    assert.throws(
      () => parseStageConfig({ stage_name: 'prod', instance_count: 0 }, 'prod-config.json'),
      /^InvalidArgumentError: prod-config.json: instance_count must be an integer from 1 to 16$/,
    );
    assert.throws(
      () =>
        parseStageConfig(
          {
            stage_name: 'prod',
            instance_count: 2,
            schedule_config: { data_capture_sampling_percentage: 100, schedule_expression: 'hourly', metric_name: 'm', metric_threshold: 0.4, period: 3600 },
          },
          'prod-config.json',
        ),
      /prod-config.json: schedule_config.schedule_expression must be a schedule expression like 'cron\(0 \* \? \* \* \*\)'/,
    );
    assert.throws(
      () => parseStageConfig({ stage_name: 'prod', instance_count: 5, auto_scaling: { min_capacity: 2, max_capacity: 4 } }, 'p.json'),
      /instance_count must be within auto_scaling's 2 to 4/,
    );
  });
});
