import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { FailedPreconditionError } from '../core/errors.js';
import { noopLogger } from '../core/logger.js';
import type { MetricDatum } from '../metrics/index.js';
import type { AnalysisOutcome, AnalyzeRequest } from '../monitor/index.js';
import { openMetadataStore } from '../store/index.js';
import { MonitoringScheduleService, type MonitoringPorts } from './monitoring-schedule-service.js';

const at = (h: number, m = 0) => Date.UTC(2026, 11, 3, h, m);

function outcome(status: AnalysisOutcome['status'], drift: number): AnalysisOutcome {
  return {
    status,
    exitMessage: status,
    ...(status === 'Failed' ? { failureReason: 'no data to analyse' } : {}),
    violations: drift > 0.1 ? [{ feature_name: 'fare_amount', constraint_check_type: 'baseline_drift_check', description: 'x' }] : [],
    unchecked: [],
    missingColumns: [],
    extraColumns: [],
    drift: [],
    metrics: status === 'Failed' ? [] : [{ name: 'feature_baseline_drift_fare_amount', value: drift }],
    capture: { files: 1, records: 10, rows: 10, outsideWindow: 0, shadowSkipped: 0, malformed: 0, malformedExamples: [] },
  } as unknown as AnalysisOutcome;
}

async function harness(start = at(12, 30)) {
  const meta = await openMetadataStore('memory:');
  const clock = new ManualClock(start);
  const requests: AnalyzeRequest[] = [];
  const published: MetricDatum[] = [];
  let next: AnalysisOutcome = outcome('Completed', 0.05);
  let captures = true;
  const ports: MonitoringPorts = {
    captureDirsOf: async (e) => {
      if (!captures) throw new FailedPreconditionError(`endpoint config of ${e} captures nothing`);
      return [`/capture/${e}/LatestApproved`, `/capture/${e}/Challenger`];
    },
    localPath: (uri) => uri.replace('file://', ''),
    outputFolder: (e, s, t, sub) => `/monitoring/${e}/${s}/${new Date(t).toISOString().slice(0, sub ? 16 : 13)}`,
    analyze: async (req) => {
      requests.push(req);
      return next;
    },
    publish: async (d) => {
      published.push(...d);
    },
  };
  let n = 0;
  const make = () => new MonitoringScheduleService({ store: meta.monitoring, ports, clock, ids: (p) => `${p}-${++n}`, logger: noopLogger });
  return {
    clock,
    requests,
    published,
    make,
    service: make(),
    setOutcome: (o: AnalysisOutcome) => (next = o),
    stopCapture: () => (captures = false),
  };
}

const SAMPLE = {
  name: 'taxi-prod-threshold',
  endpointName: 'taxi-prod',
  scheduleExpression: 'cron(0 * ? * * *)',
  baselineStatisticsUri: 'file:///b/statistics.json',
  baselineConstraintsUri: 'file:///b/constraints.json',
};

describe('monitoring schedules (Model Monitor on endpoints)', () => {
  it('the hourly schedule runs at the top of the hour on the hour before, and publishes its metrics stamped with that hour', async () => {
    const h = await harness();
    const s = await h.service.putSchedule(SAMPLE);
    assert.equal(s.nextFireAt, at(13));
    assert.deepEqual(await h.service.runDue(), [], 'nothing before 13:00');
    h.clock.set(at(13, 4));
    const [run] = await h.service.runDue();
    assert.equal(run?.status, 'Completed');
    assert.deepEqual([run?.windowStart, run?.windowEnd], [at(12), at(13)]);
    assert.deepEqual(
      h.requests[0]?.capture,
      { dir: '/capture/taxi-prod/LatestApproved', moreDirs: ['/capture/taxi-prod/Challenger'], fromMs: at(12), toMs: at(13), outputPosition: 'START' },
      'every variant of the endpoint is monitored',
    );
    assert.equal(h.requests[0]?.statistics, '/b/statistics.json');
    assert.equal(h.requests[0]?.out, '/monitoring/taxi-prod/taxi-prod-threshold/2026-12-03T13');
    assert.deepEqual(h.published, [
      {
        namespace: 'aws/sagemaker/Endpoints/data-metrics',
        name: 'feature_baseline_drift_fare_amount',
        dimensions: { Endpoint: 'taxi-prod', MonitoringSchedule: 'taxi-prod-threshold' },
        timestamp: at(13),
        value: 0.05,
        unit: 'None',
      },
    ]);
    assert.deepEqual(await h.service.runDue(), [], 'the 13:00 slot runs once');
    assert.equal((await h.service.get(SAMPLE.name)).nextFireAt, at(14));
  });

  it('after a downtime the missed slots run once (the latest), and a restart neither loses nor repeats a run', async () => {
    const h = await harness();
    await h.service.putSchedule(SAMPLE);
    h.clock.set(at(17, 20));
    const runs = await h.service.runDue();
    assert.deepEqual(
      runs.map((r) => r.scheduledTime),
      [at(17)],
    );
    const restarted = h.make();
    assert.deepEqual(await restarted.runDue(), [], 'a new process over the same store does not run 17:00 again');
    h.clock.set(at(18, 0));
    assert.deepEqual(
      (await restarted.runDue()).map((r) => r.scheduledTime),
      [at(18)],
    );
    assert.deepEqual(
      (await h.service.executions(SAMPLE.name)).map((e) => e.scheduledTime),
      [at(18), at(17)],
    );
  });

  it('two servers racing on one slot run it once', async () => {
    const h = await harness();
    await h.service.putSchedule(SAMPLE);
    h.clock.set(at(13, 1));
    const [a, b] = await Promise.all([h.service.runDue(), h.make().runDue()]);
    assert.equal(a.length + b.length, 1);
  });

  it('no data is a Failed run with the reason and no metric; a failing capture lookup too; a stopped schedule does not run', async () => {
    const h = await harness();
    await h.service.putSchedule(SAMPLE);
    h.setOutcome(outcome('Failed', 0));
    h.clock.set(at(13, 1));
    const [failed] = await h.service.runDue();
    assert.equal(failed?.status, 'Failed');
    assert.match(failed?.failureReason ?? '', /no data/);
    assert.deepEqual(h.published, []);
    h.stopCapture();
    h.clock.set(at(14, 1));
    const [broken] = await h.service.runDue();
    assert.equal(broken?.status, 'Failed');
    assert.match(broken?.failureReason ?? '', /captures nothing/);
    await h.service.setStatus(SAMPLE.name, 'Stopped');
    h.clock.set(at(16, 1));
    assert.deepEqual(await h.service.runDue(), []);
    await h.service.setStatus(SAMPLE.name, 'Scheduled');
    assert.equal((await h.service.get(SAMPLE.name)).nextFireAt, at(17), 'restarted: the next slot from now');
  });

  it('rate(5 minutes) analyses the five minutes before each run, in minute folders; a new version moves the baseline, not the timetable', async () => {
    const h = await harness(at(12, 0));
    await h.service.putSchedule({ ...SAMPLE, scheduleExpression: 'rate(5 minutes)' });
    h.clock.set(at(12, 5));
    const [run] = await h.service.runDue();
    assert.deepEqual([run?.windowStart, run?.windowEnd], [at(12, 0), at(12, 5)]);
    assert.equal(h.requests[0]?.out, '/monitoring/taxi-prod/taxi-prod-threshold/2026-12-03T12:05');
    const moved = await h.service.putSchedule({ ...SAMPLE, scheduleExpression: 'rate(5 minutes)', baselineStatisticsUri: 'file:///v2/statistics.json' });
    assert.equal(moved.nextFireAt, at(12, 10));
    assert.equal(moved.baselineStatisticsUri, 'file:///v2/statistics.json');
    // Moved to rate(5 minutes) from hourly at 12:07:30: slots counted from then, every run, every restart.
    const h2 = await harness(at(12, 0));
    await h2.service.putSchedule(SAMPLE);
    h2.clock.set(at(12, 7) + 30_000);
    const rated = await h2.service.putSchedule({ ...SAMPLE, scheduleExpression: 'rate(5 minutes)' });
    assert.equal(rated.nextFireAt, at(12, 12) + 30_000);
    h2.clock.set(at(12, 13));
    const [first] = await h2.service.runDue();
    assert.equal(first?.scheduledTime, at(12, 12) + 30_000);
    assert.equal((await h2.service.get(SAMPLE.name)).nextFireAt, at(12, 17) + 30_000, 'the same phase after a run');
    const now = await h.service.runNow(SAMPLE.name, at(12, 7));
    assert.deepEqual([now.windowStart, now.windowEnd], [at(12, 2), at(12, 7)], 'a run at any time covers one period');
    await assert.rejects(h.service.putSchedule({ ...SAMPLE, scheduleExpression: 'every hour' }), { code: 'invalid_argument' });
    await assert.rejects(h.service.putSchedule({ ...SAMPLE, name: 'bad name' }), { code: 'invalid_argument' });
  });
});
