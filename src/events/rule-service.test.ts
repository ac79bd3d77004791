import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { noopLogger } from '../core/logger.js';
import { openMetadataStore } from '../store/index.js';
import type { EventEnvelope } from './event-envelope.js';
import type { EventStore, RuleRecord, RuleTarget } from './event-store.js';
import { makeEvent } from './make-event.js';
import { PersistentEventBus } from './persistent-event-bus.js';
import { RuleService, SCHEDULED_EVENT_DETAIL_TYPE, type RuleTargetRunner } from './rule-service.js';
import { deliverWebhook, verifyWebhookSignature, type HttpSender } from './webhook.js';

const DRIFT_PATTERN = {
  source: ['aws.cloudwatch'],
  'detail-type': ['CloudWatch Alarm State Change'],
  detail: { alarmName: ['taxi-prod-threshold'], state: { value: ['ALARM'] } },
};

/** Runs targets as told: records every call; a webhook goes through the fake HTTP sender. */
class RecordingRunner implements RuleTargetRunner {
  readonly calls: { target: RuleTarget; eventId: string; rule: string }[] = [];
  constructor(private readonly sender?: HttpSender) {}
  async run(target: RuleTarget, event: EventEnvelope, rule: RuleRecord): Promise<void> {
    this.calls.push({ target, eventId: event.id, rule: rule.name });
    if (target.kind === 'webhook') await deliverWebhook(this.sender!, target, event);
  }
}

/** An HTTP sender answering with the given statuses in turn (the last one from then on). */
function scriptedSender(statuses: number[]): HttpSender & { bodies: { url: string; headers: Record<string, string>; body: string }[] } {
  const bodies: { url: string; headers: Record<string, string>; body: string }[] = [];
  return {
    bodies,
    post: async (url, headers, body) => {
      bodies.push({ url, headers: { ...headers }, body });
      return { status: statuses[Math.min(bodies.length - 1, statuses.length - 1)]! };
    },
  };
}

async function setup(options: { store?: EventStore; clock?: ManualClock; sender?: HttpSender } = {}) {
  const store = options.store ?? (await openMetadataStore('memory:')).events;
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 0, 1, 12));
  let n = 0;
  const ids = (p: string) => `${p}_${String(++n).padStart(4, '0')}_${clock.now()}`;
  const runner = new RecordingRunner(options.sender);
  const bus = new PersistentEventBus({ store, clock, logger: noopLogger });
  const rules = new RuleService({ store, runner, clock, ids, logger: noopLogger, publish: (e) => bus.publish(e) });
  bus.routeWith((e) => rules.route(e));
  const alarm = (alarmName = 'taxi-prod-threshold', value = 'ALARM') =>
    makeEvent(
      'aws.cloudwatch',
      'CloudWatch Alarm State Change',
      [`arn:aws:cloudwatch:local:000000000000:alarm:${alarmName}`],
      { alarmName, state: { value } },
      clock,
      ids,
    );
  return { store, clock, ids, runner, bus, rules, alarm };
}

describe('RuleService', () => {
  it('retention: 30 days after, events whose deliveries succeeded go with those deliveries (the contract covers dead letters)', async () => {
    const { rules, bus, alarm, store, clock } = await setup();
    await rules.putRule({ name: 'taxi-drift', eventPattern: JSON.stringify(DRIFT_PATTERN) });
    await rules.putTargets('taxi-drift', [{ kind: 'pipeline', pipelineName: 'taxi-build' }]);
    await bus.publish(alarm());
    await bus.publish(alarm('taxi-prod-threshold', 'OK'));
    await rules.deliverDue();
    clock.advance(29 * 86_400_000);
    assert.deepEqual(await rules.enforceRetention(), { events: 0, deliveries: 0 }, 'kept 30 days');
    clock.advance(2 * 86_400_000);
    assert.deepEqual(await rules.enforceRetention(), { events: 2, deliveries: 1 });
    assert.equal((await store.listEvents()).items.length, 0);
  });

  it("the sample's drift pattern starts the pipeline target: match -> pending delivery -> succeeded", async () => {
    const { rules, bus, runner, alarm, store } = await setup();
    await rules.putRule({ name: 'taxi-drift', eventPattern: JSON.stringify(DRIFT_PATTERN) });
    await rules.putTargets('taxi-drift', [{ kind: 'pipeline', pipelineName: 'taxi-build', parameters: { InputData: 'file:///x' } }]);
    const e = alarm();
    await bus.publish(e);
    await bus.publish(alarm('taxi-staging-threshold'));
    await bus.publish(alarm('taxi-prod-threshold', 'OK'));
    assert.equal((await store.listEvents()).items.length, 3, 'every event is stored');
    const pending = (await rules.listDeliveries()).items;
    assert.deepEqual(
      pending.map((d) => [d.eventId, d.ruleName, d.targetId, d.status]),
      [[e.id, 'taxi-drift', 'target-1', 'pending']],
    );
    assert.deepEqual(await rules.deliverDue(), { fired: 0, attempted: 1, succeeded: 1, retrying: 0, deadLettered: 0 });
    assert.deepEqual(runner.calls, [
      { target: { id: 'target-1', kind: 'pipeline', pipelineName: 'taxi-build', parameters: { InputData: 'file:///x' } }, eventId: e.id, rule: 'taxi-drift' },
    ]);
    assert.equal((await rules.listDeliveries()).items[0]!.status, 'succeeded');
    assert.deepEqual(await rules.deliverDue(), { fired: 0, attempted: 0, succeeded: 0, retrying: 0, deadLettered: 0 }, 'delivered once');
  });

  it('in-process handlers still run on the persistent bus; an event published twice is stored and routed once', async () => {
    const { rules, bus, alarm } = await setup();
    await rules.putRule({ name: 'r', eventPattern: DRIFT_PATTERN });
    await rules.putTargets('r', [{ kind: 'pipeline', pipelineName: 'p' }]);
    const seen: string[] = [];
    bus.subscribe((ev) => void seen.push(ev.id));
    const e = alarm();
    await bus.publish(e);
    await bus.publish(e);
    assert.deepEqual(seen, [e.id, e.id]);
    assert.equal((await rules.listDeliveries()).items.length, 1);
  });

  it('a failing webhook is retried with exponential backoff, then dead-lettered, and a replay delivers it', async () => {
    const sender = scriptedSender([500, 500, 503, 500, 502, 200]);
    const { rules, bus, alarm, clock } = await setup({ sender });
    await rules.putRule({ name: 'hook', eventPattern: DRIFT_PATTERN });
    await rules.putTargets('hook', [{ id: 'ops', kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's3cret' }]);
    await bus.publish(alarm());
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const s = await rules.deliverDue();
      assert.equal(s.attempted, 1, `attempt ${attempt}`);
      const [d] = (await rules.listDeliveries()).items;
      if (attempt < 5) {
        assert.equal(d!.status, 'pending');
        delays.push(d!.nextAttemptAt - clock.now());
        assert.equal((await rules.deliverDue()).attempted, 0, 'nothing is due before the backoff');
        clock.advance(d!.nextAttemptAt - clock.now());
      } else {
        assert.equal(d!.status, 'failed');
        assert.equal(d!.attempts, 5);
        assert.match(d!.lastError!, /answered HTTP 502/);
      }
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000]);
    const dead = (await rules.deadLetters()).items;
    assert.equal(dead.length, 1);
    clock.advance(3_600_000);
    assert.equal((await rules.deliverDue()).attempted, 0, 'a dead letter is not tried again by itself');
    const replayed = await rules.replay(dead[0]!.id);
    assert.equal(replayed.status, 'succeeded');
    assert.equal(replayed.attempts, 1);
    assert.equal((await rules.deadLetters()).items.length, 0);
    await assert.rejects(rules.replay(dead[0]!.id), { code: 'failed_precondition' });
    assert.equal(sender.bodies.length, 6);
    for (const b of sender.bodies) assert.ok(verifyWebhookSignature('s3cret', b.body, b.headers['X-Driftline-Signature']));
  });

  it('a disabled rule matches nothing; enabling it again matches new events', async () => {
    const { rules, bus, alarm } = await setup();
    await rules.putRule({ name: 'r', eventPattern: DRIFT_PATTERN, state: 'DISABLED' });
    await rules.putTargets('r', [{ kind: 'pipeline', pipelineName: 'p' }]);
    await bus.publish(alarm());
    assert.equal((await rules.listDeliveries()).items.length, 0);
    await rules.enableRule('r');
    await bus.publish(alarm());
    assert.equal((await rules.listDeliveries()).items.length, 1);
    await rules.disableRule('r');
    await bus.publish(alarm());
    assert.equal((await rules.listDeliveries()).items.length, 1);
  });

  it('a restart (a new service over the same database) delivers what was pending', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'driftline-rules-'));
    const uri = `sqlite://${path.join(dir, 'meta.db')}`;
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const first = await openMetadataStore(uri);
    let eventId: string;
    try {
      const a = await setup({ store: first.events, clock });
      await a.rules.putRule({ name: 'r', eventPattern: DRIFT_PATTERN });
      await a.rules.putTargets('r', [{ kind: 'pipeline', pipelineName: 'p' }]);
      const e = a.alarm();
      eventId = e.id;
      await a.bus.publish(e);
      assert.equal(a.runner.calls.length, 0);
    } finally {
      await first.close();
    }
    const second = await openMetadataStore(uri);
    try {
      const b = await setup({ store: second.events, clock });
      assert.equal((await b.rules.deliverDue()).succeeded, 1);
      assert.deepEqual(
        b.runner.calls.map((c) => c.eventId),
        [eventId],
      );
    } finally {
      await second.close();
    }
  });

  it('a delivery claimed by a worker that died is attempted again once its lease runs out', async () => {
    const { rules, bus, alarm, store, clock, runner } = await setup();
    await rules.putRule({ name: 'r', eventPattern: DRIFT_PATTERN });
    await rules.putTargets('r', [{ kind: 'pipeline', pipelineName: 'p' }]);
    await bus.publish(alarm());
    const [d] = (await rules.listDeliveries()).items;
    // Another process claimed it (as `deliverDue` does) and died before recording the outcome.
    assert.equal(await store.updateDelivery({ ...d!, nextAttemptAt: clock.now() + 60_000 }, d!), true);
    assert.equal((await rules.deliverDue()).attempted, 0);
    clock.advance(59_999);
    assert.equal((await rules.deliverDue()).attempted, 0);
    clock.advance(1);
    assert.equal((await rules.deliverDue()).succeeded, 1);
    assert.equal(runner.calls.length, 1);
  });

  it('deliverDue calls do not overlap in one process', async () => {
    const { rules, bus, alarm } = await setup();
    await rules.putRule({ name: 'r', eventPattern: DRIFT_PATTERN });
    await rules.putTargets('r', [{ kind: 'pipeline', pipelineName: 'p' }]);
    await bus.publish(alarm());
    const [a, b] = await Promise.all([rules.deliverDue(), rules.deliverDue()]);
    assert.deepEqual([a.attempted, b.attempted].sort(), [0, 1]);
  });

  it('a schedule fires a "Scheduled Event" to its rule only, then moves on to the next fire time', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 11, 30));
    const { rules, runner } = await setup({ clock });
    const r = await rules.putRule({ name: 'retrain', scheduleExpression: 'cron(0 12 1 * ? *)' });
    assert.equal(r.nextFireAt, Date.UTC(2026, 0, 1, 12));
    await rules.putTargets('retrain', [{ kind: 'pipeline', pipelineName: 'taxi-build' }]);
    await rules.putRule({ name: 'other', eventPattern: { source: ['aws.events'] } });
    await rules.putTargets('other', [{ kind: 'pipeline', pipelineName: 'nope' }]);
    assert.equal((await rules.deliverDue()).fired, 0);
    clock.advance(30 * 60_000);
    assert.deepEqual(await rules.deliverDue(), { fired: 1, attempted: 1, succeeded: 1, retrying: 0, deadLettered: 0 });
    const { event } = await rules.getEvent(runner.calls[0]!.eventId);
    assert.equal(event['detail-type'], SCHEDULED_EVENT_DETAIL_TYPE);
    assert.equal(event.time, '2026-01-01T12:00:00Z');
    assert.deepEqual(event.resources, [r.arn]);
    assert.equal((await rules.describeRule('retrain')).nextFireAt, Date.UTC(2026, 1, 1, 12));
    assert.equal((await rules.deliverDue()).fired, 0);
    await rules.disableRule('retrain');
    assert.equal((await rules.describeRule('retrain')).nextFireAt, undefined);
  });

  it('validates rules and targets with one-line errors; delete refuses a rule with targets unless forced', async () => {
    const { rules } = await setup();
    await assert.rejects(rules.putRule({ name: 'bad name!', eventPattern: DRIFT_PATTERN }), { code: 'invalid_argument' });
    await assert.rejects(rules.putRule({ name: 'r' }), /needs an event pattern, a schedule expression or both/);
    await assert.rejects(rules.putRule({ name: 'r', eventPattern: '{"source":"x"}' }), /event pattern is not valid: "source"/);
    await assert.rejects(rules.putRule({ name: 'r', scheduleExpression: 'every day' }), { code: 'invalid_argument' });
    await assert.rejects(rules.putTargets('nope', [{ kind: 'pipeline', pipelineName: 'p' }]), { code: 'not_found' });
    await rules.putRule({ name: 'r', eventPattern: DRIFT_PATTERN, description: 'drift' });
    await assert.rejects(rules.putTargets('r', [{ kind: 'webhook', url: 'ftp://x', secret: 's' }]), /http or https/);
    await assert.rejects(rules.putTargets('r', [{ kind: 'webhook', url: 'http://x', secret: '' }]), /secret/);
    await assert.rejects(rules.putTargets('r', [{ kind: 'deployment', group: '' }]), /needs a model package group/);
    await assert.rejects(rules.putTargets('r', [{ kind: 'lambda' } as never]), /unknown target kind "lambda"/);
    const six = Array.from({ length: 6 }, (_, i) => ({ kind: 'pipeline' as const, pipelineName: `p${i}` }));
    await assert.rejects(rules.putTargets('r', six), /at most 5/);
    await rules.putTargets('r', [{ kind: 'pipeline', pipelineName: 'p' }]);
    const again = await rules.putRule({ name: 'r', eventPattern: DRIFT_PATTERN });
    assert.equal(again.targets.length, 1, 'PutRule keeps the targets');
    await assert.rejects(rules.deleteRule('r'), { code: 'failed_precondition' });
    await rules.deleteRule('r', true);
    assert.deepEqual(await rules.listRules(), []);
  });

  it('a delivery whose rule was deleted goes to the dead-letter list at once', async () => {
    const { rules, bus, alarm } = await setup();
    await rules.putRule({ name: 'r', eventPattern: DRIFT_PATTERN });
    await rules.putTargets('r', [{ kind: 'pipeline', pipelineName: 'p' }]);
    await bus.publish(alarm());
    await rules.deleteRule('r', true);
    assert.equal((await rules.deliverDue()).deadLettered, 1);
    assert.match((await rules.deadLetters()).items[0]!.lastError!, /rule 'r' no longer exists/);
  });

  it('testPattern is TestEventPattern', async () => {
    const { rules, alarm } = await setup();
    assert.equal(rules.testPattern(JSON.stringify(DRIFT_PATTERN), JSON.stringify(alarm())), true);
    assert.equal(rules.testPattern(DRIFT_PATTERN, alarm('x')), false);
    assert.throws(() => rules.testPattern(DRIFT_PATTERN, '[1]'), /event must be a JSON object/);
  });
});
