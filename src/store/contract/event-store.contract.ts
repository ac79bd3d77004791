import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryRecord, EventEnvelope, EventStore, RuleRecord } from '../../events/index.js';

function anEvent(id: string, source = 'aws.sagemaker', detailType = 'SageMaker Model Package State Change'): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source,
    account: '000000000000',
    time: '2024-05-01T09:30:00Z',
    region: 'local',
    resources: ['arn:x'],
    detail: { n: 1, nested: { s: 'é' } },
  };
}

function aRule(name: string, extra: Partial<RuleRecord> = {}): RuleRecord {
  return {
    name,
    arn: `arn:aws:events:local:000000000000:rule/${name}`,
    eventPattern: '{"source":["aws.cloudwatch"]}',
    state: 'ENABLED',
    targets: [{ id: 't1', kind: 'pipeline', pipelineName: 'taxi-build', parameters: { A: '1' } }],
    createdAt: 1000,
    updatedAt: 1000,
    ...extra,
  };
}

function aDelivery(id: string, eventId: string, extra: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return { id, eventId, ruleName: 'r', targetId: 't1', status: 'pending', attempts: 0, nextAttemptAt: 100, createdAt: 100, updatedAt: 100, ...extra };
}

/** The contract every EventStore adapter passes. */
export function describeEventStoreContract(name: string, makeStores: () => Promise<{ events: EventStore; close(): Promise<void> }>): void {
  describe(`EventStore contract: ${name}`, () => {
    it('keeps events as published, refuses a second event of the same id, lists newest first with filters and pages', async () => {
      const stores = await makeStores();
      try {
        const s = stores.events;
        await s.insertEvent(anEvent('e1'), 10);
        await s.insertEvent(anEvent('e2', 'aws.cloudwatch', 'CloudWatch Alarm State Change'), 20);
        await s.insertEvent(anEvent('e3'), 30);
        assert.deepEqual(await s.getEvent('e2'), { event: anEvent('e2', 'aws.cloudwatch', 'CloudWatch Alarm State Change'), receivedAt: 20 });
        await assert.rejects(s.insertEvent(anEvent('e1'), 40), { code: 'already_exists' });
        await assert.rejects(s.getEvent('nope'), { code: 'not_found' });
        assert.deepEqual(
          (await s.listEvents()).items.map((e) => e.event.id),
          ['e3', 'e2', 'e1'],
        );
        assert.deepEqual(
          (await s.listEvents({ source: 'aws.sagemaker' })).items.map((e) => e.event.id),
          ['e3', 'e1'],
        );
        assert.deepEqual(
          (await s.listEvents({ detailType: 'CloudWatch Alarm State Change' })).items.map((e) => e.event.id),
          ['e2'],
        );
        const first = await s.listEvents({ limit: 2 });
        assert.equal(first.items.length, 2);
        assert.deepEqual(
          (await s.listEvents({ limit: 2, pageToken: first.nextPageToken! })).items.map((e) => e.event.id),
          ['e1'],
        );
      } finally {
        await stores.close();
      }
    });

    it('creates, replaces, lists and deletes rules; advances a schedule only from the expected time', async () => {
      const stores = await makeStores();
      try {
        const s = stores.events;
        await s.putRule(aRule('b'));
        await s.putRule(aRule('a', { scheduleExpression: 'rate(1 hour)', nextFireAt: 5000, scheduleAnchor: 1000 }));
        assert.deepEqual(await s.getRule('b'), aRule('b'));
        await s.putRule(aRule('b', { state: 'DISABLED', description: 'off', updatedAt: 2000 }));
        assert.deepEqual(await s.getRule('b'), aRule('b', { state: 'DISABLED', description: 'off', updatedAt: 2000 }));
        assert.deepEqual(
          (await s.listRules()).map((r) => r.name),
          ['a', 'b'],
        );
        assert.equal(await s.advanceSchedule('a', 4000, 9000), false);
        assert.equal(await s.advanceSchedule('a', 5000, 9000), true);
        assert.equal((await s.getRule('a')).nextFireAt, 9000);
        assert.equal(await s.advanceSchedule('a', 9000, undefined), true);
        assert.equal((await s.getRule('a')).nextFireAt, undefined);
        await s.deleteRule('a');
        await assert.rejects(s.getRule('a'), { code: 'not_found' });
        await assert.rejects(s.deleteRule('a'), { code: 'not_found' });
      } finally {
        await stores.close();
      }
    });

    it('inserts deliveries once per event x rule x target, lists due ones, updates them compare-and-set', async () => {
      const stores = await makeStores();
      try {
        const s = stores.events;
        assert.equal(await s.insertDeliveries([aDelivery('d1', 'e1'), aDelivery('d2', 'e2', { nextAttemptAt: 50, createdAt: 101 })]), 2);
        assert.equal(await s.insertDeliveries([aDelivery('d3', 'e1'), aDelivery('d4', 'e1', { targetId: 't2', nextAttemptAt: 500, createdAt: 102 })]), 1);
        assert.deepEqual(await s.getDelivery('d1'), aDelivery('d1', 'e1'));
        await assert.rejects(s.getDelivery('d3'), { code: 'not_found' });
        assert.deepEqual(
          (await s.dueDeliveries(100, 10)).map((d) => d.id),
          ['d2', 'd1'],
        );
        assert.deepEqual(
          (await s.dueDeliveries(1000, 1)).map((d) => d.id),
          ['d2'],
        );
        const failed = { ...aDelivery('d1', 'e1'), status: 'failed' as const, attempts: 5, lastError: 'HTTP 500', updatedAt: 200 };
        assert.equal(await s.updateDelivery(failed, { status: 'pending', attempts: 1, nextAttemptAt: 100 }), false);
        assert.equal(await s.updateDelivery(failed, { status: 'pending', attempts: 0, nextAttemptAt: 100 }), true);
        assert.deepEqual(await s.getDelivery('d1'), failed);
        assert.equal(await s.updateDelivery(failed, { status: 'pending', attempts: 0, nextAttemptAt: 100 }), false, 'the second writer loses');
        assert.deepEqual(
          (await s.listDeliveries({ status: 'failed' })).items.map((d) => d.id),
          ['d1'],
        );
        assert.deepEqual(
          (await s.listDeliveries({ eventId: 'e1' })).items.map((d) => d.id),
          ['d4', 'd1'],
        );
        assert.deepEqual(
          (await s.listDeliveries({ limit: 2 })).items.map((d) => d.id),
          ['d4', 'd2'],
        );
      } finally {
        await stores.close();
      }
    });

    it('purgeBefore deletes old succeeded deliveries, then old events with no delivery left; pending and dead letters keep theirs', async () => {
      const stores = await makeStores();
      try {
        const s = stores.events;
        for (const [id, at] of [
          ['old-done', 100],
          ['old-pending', 100],
          ['old-dead', 100],
          ['old-plain', 100],
          ['new', 900],
        ] as const)
          await s.insertEvent(anEvent(id), at);
        await s.insertDeliveries([
          aDelivery('d-done', 'old-done', { status: 'succeeded', updatedAt: 150 }),
          aDelivery('d-pending', 'old-pending', { status: 'pending', updatedAt: 150 }),
          aDelivery('d-dead', 'old-dead', { status: 'failed', updatedAt: 150 }),
          aDelivery('d-new', 'new', { status: 'succeeded', updatedAt: 950 }),
        ]);
        assert.deepEqual(await s.purgeBefore(500), { events: 2, deliveries: 1 });
        assert.deepEqual((await s.listEvents()).items.map((e) => e.event.id).sort(), ['new', 'old-dead', 'old-pending']);
        assert.deepEqual((await s.listDeliveries()).items.map((d) => d.id).sort(), ['d-dead', 'd-new', 'd-pending']);
        assert.deepEqual(await s.purgeBefore(500), { events: 0, deliveries: 0 }, 'idempotent');
      } finally {
        await stores.close();
      }
    });
  });
}
