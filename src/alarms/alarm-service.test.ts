import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../core/clock.js';
import { noopLogger } from '../core/logger.js';
import { InProcessEventBus, type EventEnvelope } from '../events/index.js';
import { openMetadataStore } from '../store/index.js';
import { resultOrOneLineError } from '../../test/support/property-checks.js';
import { AlarmService, parseMetricAlarm } from './alarm-service.js';

const T0 = Date.UTC(2024, 4, 1, 12, 5);
const DIMS = { Endpoint: 'taxi-prod', MonitoringSchedule: 'taxi-prod-threshold' };
/** The sample's alarm, as the deployment pipeline records it. */
const SAMPLE = {
  AlarmName: 'taxi-prod-threshold',
  AlarmDescription: 'Schedule Drift Threshold',
  Namespace: 'aws/sagemaker/Endpoints/data-metrics',
  MetricName: 'feature_baseline_drift_fare_amount',
  Dimensions: Object.entries(DIMS).map(([Name, Value]) => ({ Name, Value })),
  Statistic: 'Average',
  Period: 3600,
  EvaluationPeriods: 1,
  DatapointsToAlarm: 1,
  Threshold: 0.4,
  ComparisonOperator: 'GreaterThanThreshold',
};

async function harness() {
  const meta = await openMetadataStore('memory:');
  const clock = new ManualClock(T0);
  let n = 0;
  const events = new InProcessEventBus(noopLogger);
  const seen: EventEnvelope[] = [];
  events.subscribe((e) => {
    seen.push(e);
  });
  const alarms = new AlarmService({ store: meta.alarms, metrics: meta.metrics, events, clock, ids: (p) => `${p}-${++n}`, logger: noopLogger });
  const point = (t: number, value: number) =>
    meta.metrics.put([{ namespace: SAMPLE.Namespace, name: SAMPLE.MetricName, dimensions: DIMS, timestamp: t, value, unit: 'None' }]);
  return { meta, clock, alarms, seen, point };
}

describe('alarms (CloudWatch): state, history and state-change events', () => {
  it("the sample's alarm: INSUFFICIENT_DATA, OK on a calm hour, ALARM on a drifted one, one event per change in EventBridge's shape", async () => {
    const h = await harness();
    const created = await h.alarms.putMetricAlarm(SAMPLE);
    assert.equal(created.state, 'INSUFFICIENT_DATA');
    assert.deepEqual(await h.alarms.evaluateAll(), [], 'no data: no change, no event');
    await h.point(Date.UTC(2024, 4, 1, 12), 0.2);
    assert.deepEqual(
      (await h.alarms.evaluateAll()).map((a) => a.state),
      ['OK'],
    );
    h.clock.set(Date.UTC(2024, 4, 1, 13, 2));
    assert.deepEqual(await h.alarms.evaluateAll(), [], 'the 13:00 point is not in yet: still OK');
    await h.point(Date.UTC(2024, 4, 1, 13), 0.53);
    h.clock.set(Date.UTC(2024, 4, 1, 13, 14, 5));
    const [alarm] = await h.alarms.evaluateAll();
    assert.equal(alarm?.state, 'ALARM');
    await h.point(Date.UTC(2024, 4, 1, 13, 30), 0.9);
    assert.deepEqual(await h.alarms.evaluateAll(), [], 'still ALARM: no new event');

    assert.deepEqual(
      h.seen.map((e) => (e.detail as { state: { value: string } }).state.value),
      ['OK', 'ALARM'],
    );
    const e = h.seen[1]!;
    assert.equal(e.source, 'aws.cloudwatch');
    assert.equal(e['detail-type'], 'CloudWatch Alarm State Change');
    assert.deepEqual(e.resources, ['arn:aws:cloudwatch:local:000000000000:alarm:taxi-prod-threshold']);
    const detail = e.detail as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(detail['alarmName'], 'taxi-prod-threshold');
    assert.equal(
      detail['state'].reason,
      'Threshold Crossed: 1 out of the last 1 datapoints [0.53 (01/05/24 13:00:00)] was greater than the threshold (0.4) (minimum 1 datapoint for OK -> ALARM transition).',
    );
    assert.equal(detail['state'].timestamp, '2024-05-01T13:14:05.000+0000');
    assert.equal(detail['previousState'].value, 'OK');
    assert.deepEqual(detail['configuration'].metrics[0].metricStat, {
      metric: { namespace: 'aws/sagemaker/Endpoints/data-metrics', name: 'feature_baseline_drift_fare_amount', dimensions: DIMS },
      period: 3600,
      stat: 'Average',
    });
    assert.deepEqual(
      (await h.alarms.history('taxi-prod-threshold')).map((x) => [x.type, x.summary]),
      [
        ['StateUpdate', 'Alarm updated from OK to ALARM'],
        ['StateUpdate', 'Alarm updated from INSUFFICIENT_DATA to OK'],
        ['ConfigurationUpdate', 'Alarm "taxi-prod-threshold" created'],
      ],
    );
  });

  it('updating an alarm keeps its state; SetAlarmState forces one and publishes it; delete removes it and its history', async () => {
    const h = await harness();
    await h.alarms.putMetricAlarm(SAMPLE);
    await h.alarms.setAlarmState('taxi-prod-threshold', 'ALARM', 'testing the retrain rule');
    const updated = await h.alarms.putMetricAlarm({ ...SAMPLE, Threshold: 0.5 });
    assert.equal(updated.state, 'ALARM');
    assert.equal(updated.definition.Threshold, 0.5);
    assert.equal(h.seen.length, 1);
    assert.equal((h.seen[0]!.detail as { state: { reason: string } }).state.reason, 'testing the retrain rule');
    assert.deepEqual(
      (await h.alarms.list({ state: 'ALARM' })).map((a) => a.definition.AlarmName),
      ['taxi-prod-threshold'],
    );
    await h.alarms.delete('taxi-prod-threshold');
    await assert.rejects(h.alarms.get('taxi-prod-threshold'), { code: 'not_found' });
    assert.deepEqual(await h.alarms.history('taxi-prod-threshold'), []);
  });

  it('PutMetricAlarm is checked as CloudWatch checks it; any document is accepted or refused with one line', () => {
    const bad: [unknown, RegExp][] = [
      [{ ...SAMPLE, Period: 45 }, /field Period: must be 10, 20, 30 or a multiple of 60 seconds/],
      [{ ...SAMPLE, DatapointsToAlarm: 2 }, /DatapointsToAlarm: must not exceed EvaluationPeriods/],
      [{ ...SAMPLE, ComparisonOperator: 'Above' }, /ComparisonOperator: must be one of GreaterThanThreshold/],
      [{ ...SAMPLE, Statistic: undefined }, /give exactly one of Statistic or ExtendedStatistic/],
      [{ ...SAMPLE, Statistic: 'Median' }, /unknown statistic 'Median'/],
      [{ ...SAMPLE, AlarmName: 'a:b' }, /AlarmName: must not hold a colon/],
    ];
    for (const [doc, message] of bad) {
      const r = resultOrOneLineError(() => parseMetricAlarm(doc));
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error.message, message);
    }
    assert.equal(parseMetricAlarm({ ...SAMPLE, Statistic: undefined, ExtendedStatistic: 'p90' }).Statistic, 'p90');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              AlarmName: fc.string(),
              Namespace: fc.string(),
              MetricName: fc.string(),
              Statistic: fc.oneof(fc.constantFrom('Average', 'p99', 'p101'), fc.string()),
              Period: fc.oneof(fc.integer({ min: -60, max: 7200 }), fc.double()),
              EvaluationPeriods: fc.integer({ min: -1, max: 300 }),
              DatapointsToAlarm: fc.integer({ min: -1, max: 5 }),
              Threshold: fc.oneof(fc.double(), fc.string()),
              ComparisonOperator: fc.oneof(fc.constant('GreaterThanThreshold'), fc.string()),
              TreatMissingData: fc.oneof(fc.constantFrom('missing', 'breaching'), fc.string()),
            },
            { requiredKeys: [] },
          ),
        ),
        (doc) => {
          resultOrOneLineError(() => parseMetricAlarm(doc), JSON.stringify(doc));
        },
      ),
      { numRuns: 400, seed: 8 },
    );
  });

  it('two evaluators racing on one change publish one event', async () => {
    const h = await harness();
    await h.alarms.putMetricAlarm(SAMPLE);
    await h.point(Date.UTC(2024, 4, 1, 12), 0.9);
    const [a, b] = await Promise.all([h.alarms.evaluateAll(), h.alarms.evaluateAll()]);
    assert.equal(a.length + b.length, 1);
    assert.equal(h.seen.length, 1);
  });
});
