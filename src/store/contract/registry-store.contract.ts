import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelPackageArn, modelPackageGroupArn } from '../../core/arn.js';
import { ManualClock } from '../../core/clock.js';
import { noopLogger } from '../../core/logger.js';
import { InProcessEventBus } from '../../events/index.js';
import { ModelRegistry, type ApprovalStatus, type ModelPackage, type ModelPackageGroup, type RegistryStore } from '../../registry/index.js';

function aGroup(name: string, createdAt = 1000, overrides: Partial<ModelPackageGroup> = {}): ModelPackageGroup {
  return { name, arn: modelPackageGroupArn(name), description: `the ${name} model`, tags: { 'sagemaker:project-name': name }, createdAt, ...overrides };
}

function aPackage(group: string, version: number, approvalStatus: ApprovalStatus = 'PendingManualApproval'): ModelPackage {
  const at = 1_700_000_000_000 + version;
  return {
    group,
    version,
    arn: modelPackageArn(group, version),
    name: `${group}/${version}`,
    status: 'Completed',
    approvalStatus,
    ...(approvalStatus === 'PendingManualApproval' ? {} : { approval: { by: 'alice', at, reason: 'looks good' } }),
    approvalHistory: [{ status: approvalStatus, by: 'arn:aws:sagemaker:local:000000000000:pipeline/p/execution/e1', at }],
    createdAt: at,
    lastModifiedAt: at,
    modelDataUrl: `file:///artifacts/${group}/${version}/model.json`,
    modelSha256: 'c'.repeat(64),
    inferenceSpecification: {
      containers: [{ image: 'driftline/gbdt', modelDataUrl: `file:///artifacts/${group}/${version}/model.json` }],
      supportedContentTypes: ['text/csv'],
      supportedResponseMimeTypes: ['text/csv'],
    },
    modelMetrics: {
      ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: 'file:///e/evaluation.json' } },
      ModelDataQuality: {
        Statistics: { ContentType: 'application/json', S3Uri: 'file:///b/statistics.json', ContentDigest: 'd'.repeat(64) },
        Constraints: { ContentType: 'application/json', S3Uri: 'file:///b/constraints.json' },
      },
      Bias: {},
      Explainability: {},
    },
    driftCheckBaselines: {
      ModelDataQuality: {
        Statistics: { ContentType: 'application/json', S3Uri: 'file:///b/statistics.json' },
        Constraints: { ContentType: 'application/json', S3Uri: 'file:///b/constraints.json' },
      },
    },
    generatedBy: 'arn:aws:sagemaker:local:000000000000:pipeline/p/execution/e1',
    customerMetadata: { rmse: '3.42' },
    tags: { team: 'fares' },
    description: `version ${version}`,
  };
}

const build = (group: string, status?: ApprovalStatus) => (version: number) => aPackage(group, version, status);

/** The behaviour every RegistryStore adapter must show. */
export function describeRegistryStoreContract(name: string, makeStore: () => Promise<RegistryStore>): void {
  describe(`RegistryStore contract: ${name}`, () => {
    it('keeps groups; a duplicate name, also in another case, is already_exists; an unknown one not_found', async () => {
      const store = await makeStore();
      const taxi = aGroup('Taxi-Fares');
      await store.createGroup(taxi);
      assert.deepEqual(await store.getGroup('Taxi-Fares'), taxi);
      await assert.rejects(store.createGroup(aGroup('Taxi-Fares', 2)), { code: 'already_exists' });
      await assert.rejects(store.createGroup(aGroup('taxi-fares', 2)), { code: 'already_exists' });
      await assert.rejects(store.getGroup('nope'), { code: 'not_found', message: "model package group 'nope' not found" });
      const bare = aGroup('bare', 5, { tags: {} });
      delete (bare as { description?: string }).description;
      await store.createGroup(bare);
      assert.deepEqual(await store.getGroup('bare'), bare);
    });

    it('lists groups by name, paged', async () => {
      const store = await makeStore();
      for (const n of ['c', 'a', 'e', 'b', 'd']) await store.createGroup(aGroup(n));
      const first = await store.listGroups({ limit: 3 });
      assert.deepEqual(
        first.items.map((g) => g.name),
        ['a', 'b', 'c'],
      );
      const second = await store.listGroups({ limit: 3, pageToken: first.nextPageToken });
      assert.deepEqual(
        second.items.map((g) => g.name),
        ['d', 'e'],
      );
      assert.equal(second.nextPageToken, undefined);
    });

    it('numbers versions 1, 2, 3 per group and returns exactly what was built, by version and by ARN', async () => {
      const store = await makeStore();
      await store.createGroup(aGroup('taxi'));
      await store.createGroup(aGroup('other'));
      const r1 = await store.insertNextVersion('taxi', build('taxi'));
      const r2 = await store.insertNextVersion('taxi', build('taxi', 'Approved'));
      const o1 = await store.insertNextVersion('other', build('other'));
      assert.deepEqual([r1.modelPackage.version, r2.modelPackage.version, o1.modelPackage.version], [1, 2, 1]);
      assert.equal(r1.created, true);
      assert.deepEqual(r1.modelPackage, aPackage('taxi', 1));
      assert.deepEqual(await store.getVersion('taxi', 2), aPackage('taxi', 2, 'Approved'));
      assert.deepEqual(await store.getVersionByArn(modelPackageArn('taxi', 2)), aPackage('taxi', 2, 'Approved'));
      await assert.rejects(store.getVersion('taxi', 3), { code: 'not_found', message: "model package 'taxi/3' not found" });
      await assert.rejects(store.getVersion('ghost', 1), { code: 'not_found' });
      await assert.rejects(store.getVersionByArn(modelPackageArn('taxi', 9)), { code: 'not_found' });
    });

    it('refuses to insert into an unknown group', async () => {
      const store = await makeStore();
      await assert.rejects(store.insertNextVersion('ghost', build('ghost')), { code: 'not_found', message: "model package group 'ghost' not found" });
    });

    it('gives 20 concurrent insertions versions exactly 1..20', async () => {
      const store = await makeStore();
      await store.createGroup(aGroup('taxi'));
      const results = await Promise.all(Array.from({ length: 20 }, () => store.insertNextVersion('taxi', build('taxi'))));
      assert.deepEqual(
        results.map((r) => r.modelPackage.version).sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const all = await store.listVersions('taxi', { limit: 100 });
      assert.deepEqual(
        all.items.map((p) => p.version),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('gives 20 concurrent ModelRegistry.register calls on a new group versions exactly 1..20', async () => {
      const store = await makeStore();
      const registry = new ModelRegistry({
        store,
        events: new InProcessEventBus(noopLogger),
        clock: new ManualClock(0),
        ids: (p) => `${p}_x`,
        logger: noopLogger,
      });
      const packages = await Promise.all(
        Array.from({ length: 20 }, (_, i) => registry.register({ group: 'fresh', modelDataUrl: `file:///m${i}.json`, modelSha256: 'a'.repeat(64) })),
      );
      assert.deepEqual(
        packages.map((p) => p.version).sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      assert.equal((await store.listGroups()).items.length, 1);
    });

    it('returns the earlier package for a reused idempotency key, without building or inserting', async () => {
      const store = await makeStore();
      await store.createGroup(aGroup('taxi'));
      await store.createGroup(aGroup('other'));
      const first = await store.insertNextVersion('taxi', build('taxi'), 'exec-1/RegisterModel');
      let built = 0;
      const again = await store.insertNextVersion('taxi', (v) => (built++, aPackage('taxi', v)), 'exec-1/RegisterModel');
      assert.equal(built, 0);
      assert.deepEqual(again, { modelPackage: first.modelPackage, created: false });
      const otherKey = await store.insertNextVersion('taxi', build('taxi'), 'exec-2/RegisterModel');
      assert.equal(otherKey.modelPackage.version, 2);
      const otherGroup = await store.insertNextVersion('other', build('other'), 'exec-1/RegisterModel');
      assert.deepEqual([otherGroup.created, otherGroup.modelPackage.version], [true, 1]);
      const concurrent = await Promise.all(Array.from({ length: 5 }, () => store.insertNextVersion('taxi', build('taxi'), 'exec-3/RegisterModel')));
      assert.deepEqual(new Set(concurrent.map((r) => r.modelPackage.version)), new Set([3]));
      assert.equal(concurrent.filter((r) => r.created).length, 1);
      assert.equal((await store.listVersions('taxi')).items.length, 3);
    });

    it('lists versions filtered by approval status, ascending by default or descending, paged', async () => {
      const store = await makeStore();
      await store.createGroup(aGroup('taxi'));
      const statuses: ApprovalStatus[] = ['Approved', 'Rejected', 'Approved', 'PendingManualApproval', 'Approved', 'Approved'];
      for (const s of statuses) await store.insertNextVersion('taxi', build('taxi', s));
      assert.deepEqual(
        (await store.listVersions('taxi')).items.map((p) => p.version),
        [1, 2, 3, 4, 5, 6],
      );
      const approvedDesc = await store.listVersions('taxi', { approvalStatus: 'Approved', order: 'desc', limit: 3 });
      assert.deepEqual(
        approvedDesc.items.map((p) => p.version),
        [6, 5, 3],
      );
      assert.ok(approvedDesc.nextPageToken);
      const rest = await store.listVersions('taxi', { approvalStatus: 'Approved', order: 'desc', limit: 3, pageToken: approvedDesc.nextPageToken });
      assert.deepEqual(
        rest.items.map((p) => p.version),
        [1],
      );
      assert.equal(rest.nextPageToken, undefined);
      assert.deepEqual(
        (await store.listVersions('taxi', { approvalStatus: 'Rejected', order: 'asc' })).items.map((p) => p.version),
        [2],
      );
      assert.deepEqual(
        (await store.listVersions('taxi', { limit: 2, order: 'asc' })).items.map((p) => p.version),
        [1, 2],
      );
      await assert.rejects(store.listVersions('ghost'), { code: 'not_found' });
    });

    it('updates approval: status, last decision, history appended, modification time; kept on re-read', async () => {
      const store = await makeStore();
      await store.createGroup(aGroup('taxi'));
      await store.insertNextVersion('taxi', build('taxi'));
      const created = aPackage('taxi', 1);
      const approved = await store.updateApproval('taxi', 1, { status: 'Approved', by: 'alice', at: 5000, reason: 'rmse 3.4 < 7' });
      const expected: ModelPackage = {
        ...created,
        approvalStatus: 'Approved',
        approval: { by: 'alice', at: 5000, reason: 'rmse 3.4 < 7' },
        approvalHistory: [...created.approvalHistory, { status: 'Approved', by: 'alice', at: 5000, reason: 'rmse 3.4 < 7' }],
        lastModifiedAt: 5000,
      };
      assert.deepEqual(approved, expected);
      assert.deepEqual(await store.getVersion('taxi', 1), expected);
      const rejected = await store.updateApproval('taxi', 1, { status: 'Rejected', by: 'bob', at: 6000 });
      assert.deepEqual(rejected.approval, { by: 'bob', at: 6000 });
      assert.deepEqual(
        rejected.approvalHistory.map((c) => c.status),
        ['PendingManualApproval', 'Approved', 'Rejected'],
      );
      assert.deepEqual(await store.getVersion('taxi', 1), rejected);
      assert.equal((await store.listVersions('taxi', { approvalStatus: 'Rejected' })).items.length, 1);
      await assert.rejects(store.updateApproval('taxi', 2, { status: 'Approved', by: 'a', at: 1 }), {
        code: 'not_found',
        message: "model package 'taxi/2' not found",
      });
    });

    it('updateCustomerMetadata adds and replaces properties, keeps the others, and stamps the change', async () => {
      const store = await makeStore();
      await store.createGroup(aGroup('taxi'));
      await store.insertNextVersion('taxi', build('taxi'));
      const created = aPackage('taxi', 1);
      const first = await store.updateCustomerMetadata('taxi', 1, { 'challenger.status': 'Waiting' }, 7000);
      assert.deepEqual(first.customerMetadata, { ...created.customerMetadata, 'challenger.status': 'Waiting' });
      assert.equal(first.lastModifiedAt, 7000);
      const second = await store.updateCustomerMetadata('taxi', 1, { 'challenger.status': 'Promote', 'challenger.rmse': '3.1' }, 8000);
      assert.deepEqual(second.customerMetadata, { ...created.customerMetadata, 'challenger.status': 'Promote', 'challenger.rmse': '3.1' });
      assert.deepEqual(await store.getVersion('taxi', 1), second);
      assert.equal(second.approvalStatus, created.approvalStatus);
      await assert.rejects(store.updateCustomerMetadata('taxi', 9, { a: 'b' }, 1), { code: 'not_found' });
    });
  });
}
