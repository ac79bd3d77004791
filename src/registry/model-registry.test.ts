import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { noopLogger } from '../core/logger.js';
import { InProcessEventBus, type EventEnvelope } from '../events/index.js';
import { MemoryRegistryStore } from '../store/memory/memory-registry-store.js';
import { ModelRegistry, type RegisterModelInput } from './model-registry.js';
import { toDescribeModelPackage } from './describe-model-package.js';
import { MODEL_PACKAGE_STATE_CHANGE, type ModelPackageStateChangeDetail } from './model-package-event.js';

const T0 = Date.UTC(2024, 4, 1, 9, 10, 0);
const EXEC = 'arn:aws:sagemaker:local:000000000000:pipeline/taxi-build/execution/abc123';
const METRICS = {
  ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: 'file:///a/evaluation.json' } },
  Bias: {},
  Explainability: {},
};
const BASELINES = {
  ModelDataQuality: {
    Statistics: { ContentType: 'application/json', S3Uri: 'file:///a/statistics.json' },
    Constraints: { ContentType: 'application/json', S3Uri: 'file:///a/constraints.json' },
  },
};

function input(overrides: Partial<RegisterModelInput> = {}): RegisterModelInput {
  return {
    group: 'taxi',
    modelDataUrl: 'file:///artifacts/model.json',
    modelSha256: 'AB'.repeat(32),
    modelMetrics: METRICS,
    driftCheckBaselines: BASELINES,
    generatedBy: EXEC,
    ...overrides,
  };
}

describe('ModelRegistry', () => {
  let clock: ManualClock;
  let events: EventEnvelope<ModelPackageStateChangeDetail>[];
  let registry: ModelRegistry;
  let n: number;

  beforeEach(() => {
    clock = new ManualClock(T0);
    events = [];
    n = 0;
    const bus = new InProcessEventBus(noopLogger);
    bus.subscribe((e) => void events.push(e as EventEnvelope<ModelPackageStateChangeDetail>));
    registry = new ModelRegistry({ store: new MemoryRegistryStore(), events: bus, clock, ids: (p) => `${p}_${++n}`, logger: noopLogger });
  });

  it('registers version 1 in a group it creates, pending approval, with defaults and the registration in the history', async () => {
    const pkg = await registry.register(input());
    assert.deepEqual(pkg, {
      group: 'taxi',
      version: 1,
      arn: 'arn:aws:sagemaker:local:000000000000:model-package/taxi/1',
      name: 'taxi/1',
      status: 'Completed',
      approvalStatus: 'PendingManualApproval',
      approvalHistory: [{ status: 'PendingManualApproval', by: EXEC, at: T0 }],
      createdAt: T0,
      lastModifiedAt: T0,
      modelDataUrl: 'file:///artifacts/model.json',
      modelSha256: 'ab'.repeat(32),
      inferenceSpecification: {
        containers: [{ image: 'driftline/gbdt-xgboost-json', modelDataUrl: 'file:///artifacts/model.json' }],
        supportedContentTypes: ['text/csv'],
        supportedResponseMimeTypes: ['text/csv'],
      },
      modelMetrics: METRICS,
      driftCheckBaselines: BASELINES,
      generatedBy: EXEC,
      customerMetadata: {},
      tags: {},
    });
    assert.equal((await registry.getGroup('taxi')).arn, 'arn:aws:sagemaker:local:000000000000:model-package-group/taxi');
    assert.equal((await registry.register(input())).version, 2);
  });

  it('publishes a Model Package State Change event with the reference 8.3 detail on create and on every approval change', async () => {
    const pkg = await registry.register(input({ group: 'Taxi' }));
    clock.advance(60_000);
    await registry.approve('Taxi', 1, { by: 'alice', reason: 'rmse 3.4 below the 7.0 gate' });
    clock.advance(60_000);
    await registry.approve('Taxi', 1, { by: 'bob' });
    assert.equal(events.length, 3);
    const [created, approved] = events;
    assert.deepEqual(created, {
      version: '0',
      id: 'evt_1',
      'detail-type': MODEL_PACKAGE_STATE_CHANGE,
      source: 'aws.sagemaker',
      account: '000000000000',
      time: '2024-05-01T09:10:00Z',
      region: 'local',
      resources: ['arn:aws:sagemaker:local:000000000000:model-package/taxi/1'],
      detail: {
        ModelPackageName: 'Taxi/1',
        ModelPackageGroupName: 'Taxi',
        ModelPackageVersion: 1,
        ModelPackageArn: pkg.arn,
        CreationTime: '2024-05-01T09:10:00.000Z',
        InferenceSpecification: {
          Containers: [{ Image: 'driftline/gbdt-xgboost-json', ModelDataUrl: 'file:///artifacts/model.json' }],
          SupportedContentTypes: ['text/csv'],
          SupportedResponseMIMETypes: ['text/csv'],
        },
        ModelPackageStatus: 'Completed',
        ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
        CertifyForMarketplace: false,
        ModelApprovalStatus: 'PendingManualApproval',
        MetadataProperties: { GeneratedBy: EXEC },
        ModelMetrics: METRICS,
        DriftCheckBaselines: BASELINES,
        LastModifiedTime: '2024-05-01T09:10:00.000Z',
      },
    });
    assert.equal(approved!.detail.ModelApprovalStatus, 'Approved');
    assert.equal(approved!.detail.ApprovalDescription, 'rmse 3.4 below the 7.0 gate');
    assert.equal(approved!.detail.LastModifiedTime, '2024-05-01T09:11:00.000Z');
    assert.equal(approved!.time, '2024-05-01T09:11:00Z');
    assert.equal(events[2]!.detail.ApprovalDescription, undefined, 'the reason belongs to the last change only');
  });

  it('approves and rejects with who, when and why; the same status again is recorded too', async () => {
    await registry.register(input());
    clock.advance(1000);
    const approved = await registry.approve('taxi', '1', { by: 'alice', reason: 'good' });
    assert.equal(approved.approvalStatus, 'Approved');
    assert.deepEqual(approved.approval, { by: 'alice', at: T0 + 1000, reason: 'good' });
    clock.advance(1000);
    await registry.approve('taxi', 1, { by: 'carol' });
    clock.advance(1000);
    const rejected = await registry.reject('taxi', 1, { by: 'bob', reason: 'drifts on passengers' });
    assert.deepEqual(
      rejected.approvalHistory.map((c) => [c.status, c.by, c.at - T0, c.reason]),
      [
        ['PendingManualApproval', EXEC, 0, undefined],
        ['Approved', 'alice', 1000, 'good'],
        ['Approved', 'carol', 2000, undefined],
        ['Rejected', 'bob', 3000, 'drifts on passengers'],
      ],
    );
    assert.equal(rejected.lastModifiedAt, T0 + 3000);
    assert.deepEqual(await registry.describe('taxi', 1), rejected);
    assert.deepEqual(await registry.describeArn('arn:aws:sagemaker:us-east-1:111122223333:model-package/TAXI/1'), rejected);
  });

  it('registers directly as Approved with the reason as the approval', async () => {
    const pkg = await registry.register(input({ approvalStatus: 'Approved', approvalDescription: 'auto', registeredBy: 'ci' }));
    assert.deepEqual(pkg.approval, { by: 'ci', at: T0, reason: 'auto' });
    assert.deepEqual(toDescribeModelPackage(pkg).ApprovalDescription, 'auto');
  });

  it('latestApproved is the highest approved version number, undefined when none', async () => {
    for (let i = 0; i < 4; i++) await registry.register(input());
    assert.equal(await registry.latestApproved('taxi'), undefined);
    await registry.approve('taxi', 3, { by: 'a' });
    await registry.approve('taxi', 1, { by: 'a' });
    assert.equal((await registry.latestApproved('taxi'))?.version, 3);
    await registry.reject('taxi', 3, { by: 'a' });
    assert.equal((await registry.latestApproved('taxi'))?.version, 1);
    await assert.rejects(registry.latestApproved('ghost'), { code: 'not_found' });
  });

  it('registers once per idempotency key, publishing once', async () => {
    const first = await registry.register(input({ idempotencyKey: 'exec-1/RegisterModel' }));
    const again = await registry.register(input({ idempotencyKey: 'exec-1/RegisterModel', modelDataUrl: 'file:///other.json' }));
    assert.deepEqual(again, first);
    assert.equal(events.length, 1);
  });

  it('rejects invalid input with invalid_argument and a message naming the problem', async () => {
    const bad: [Partial<RegisterModelInput>, RegExp][] = [
      [{ group: '-taxi' }, /invalid model package group name '-taxi'/],
      [{ group: 'a'.repeat(64) }, /invalid model package group name/],
      [{ group: 'taxi_fares' }, /invalid model package group name/],
      [{ approvalStatus: 'approved' }, /invalid approval status 'approved': use one of PendingManualApproval, Approved, Rejected/],
      [{ approvalDescription: 'x'.repeat(1025) }, /approval description is 1025 characters long: at most 1024/],
      [{ customerMetadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, /customer metadata has 51 entries: at most 50/],
      [{ customerMetadata: { ['k'.repeat(129)]: 'v' } }, /customer metadata key .* must be 1 to 128 characters/],
      [{ customerMetadata: { k: 'v'.repeat(257) } }, /customer metadata value of 'k' is 257 characters long: at most 256/],
      [{ modelSha256: 'abc' }, /model SHA-256 must be 64 hexadecimal digits/],
      [{ modelDataUrl: ' ' }, /model data URL is empty/],
    ];
    for (const [overrides, message] of bad) {
      await assert.rejects(registry.register(input(overrides)), { code: 'invalid_argument', message }, JSON.stringify(overrides).slice(0, 80));
    }
    const ok = await registry.register(
      input({ group: 'a'.repeat(63), customerMetadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(256)])) }),
    );
    assert.equal(Object.keys(ok.customerMetadata).length, 50);
    assert.equal(events.length, 1, 'nothing was published for the refused registrations');
    await assert.rejects(registry.approve('taxi', 1, { by: 'a', reason: 'x'.repeat(1025) }), { code: 'invalid_argument' });
    await assert.rejects(registry.approve('taxi', 1, { by: ' ' }), { code: 'invalid_argument' });
    await assert.rejects(registry.describe('taxi', 'one'), { code: 'invalid_argument', message: /invalid model package version 'one'/ });
    await assert.rejects(registry.describe('taxi', 0), { code: 'invalid_argument' });
    await assert.rejects(registry.describeArn('arn:aws:sagemaker:local:0:model/x'), { code: 'invalid_argument' });
    await assert.rejects(registry.listVersions('taxi', { approvalStatus: 'Nope' as never }), { code: 'invalid_argument' });
  });

  it('reports unknown groups and versions as not_found', async () => {
    await registry.register(input());
    await assert.rejects(registry.describe('taxi', 2), { code: 'not_found', message: "model package 'taxi/2' not found" });
    await assert.rejects(registry.describe('ghost', 1), { code: 'not_found' });
    await assert.rejects(registry.approve('taxi', 7, { by: 'a' }), { code: 'not_found' });
    await assert.rejects(registry.listVersions('ghost'), { code: 'not_found', message: "model package group 'ghost' not found" });
    await assert.rejects(registry.describeArn('arn:aws:sagemaker:local:000000000000:model-package/taxi/9'), { code: 'not_found' });
  });

  it('creates groups explicitly, refusing a duplicate; ensureGroup keeps an existing one', async () => {
    const g = await registry.createGroup({ name: 'taxi', description: 'NYC fares', tags: { 'sagemaker:project-name': 'taxi' } });
    assert.deepEqual(g, {
      name: 'taxi',
      arn: 'arn:aws:sagemaker:local:000000000000:model-package-group/taxi',
      description: 'NYC fares',
      tags: { 'sagemaker:project-name': 'taxi' },
      createdAt: T0,
    });
    await assert.rejects(registry.createGroup({ name: 'taxi' }), { code: 'already_exists', message: "model package group 'taxi' already exists" });
    assert.deepEqual(await registry.ensureGroup('taxi', 'other text'), g);
    await registry.ensureGroup('bikes');
    assert.deepEqual(
      (await registry.listGroups()).items.map((x) => x.name),
      ['bikes', 'taxi'],
    );
    await assert.rejects(registry.register(input({ group: 'Taxi' })), {
      code: 'already_exists',
      message: "model package group 'Taxi' clashes with an existing group whose name differs only in case",
    });
  });

  it('a failing subscriber does not fail the registration', async () => {
    const bus = new InProcessEventBus(noopLogger);
    bus.subscribe(() => {
      throw new Error('subscriber down');
    });
    const r = new ModelRegistry({ store: new MemoryRegistryStore(), events: bus, clock, ids: (p) => p, logger: noopLogger });
    assert.equal((await r.register(input())).version, 1);
  });
});
