import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionRecord, PipelineDefinition, PipelineStore, StepRecord } from '../../pipeline/index.js';

const def = (steps: string[]): PipelineDefinition => ({
  Version: '2020-12-01',
  Metadata: {},
  Parameters: [{ Name: 'P', Type: 'Integer', DefaultValue: 1 }],
  Steps: steps.map((Name) => ({ Name, Type: 'Fail', Arguments: { ErrorMessage: 'x' } })),
});

const execution = (id: string, createdAt: number, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id,
  arn: `arn:aws:sagemaker:local:000000000000:pipeline/p/execution/${id}`,
  pipelineName: 'p',
  pipelineVersion: 1,
  displayName: id,
  status: 'Executing',
  parameters: { P: 2 },
  createdAt,
  owner: 'host:1',
  heartbeatAt: createdAt,
  stopRequested: false,
  ...overrides,
});

const step = (executionId: string, name: string, overrides: Partial<StepRecord> = {}): StepRecord => ({
  executionId,
  name,
  type: 'Processing',
  status: 'Succeeded',
  attemptCount: 1,
  startedAt: 10,
  endedAt: 20,
  cacheKey: 'k1',
  properties: { ProcessingJobName: `${executionId}-${name}` },
  metadata: { logUri: 'file:///log' },
  ...overrides,
});

/** The behaviour every PipelineStore adapter must show. */
export function describePipelineStoreContract(name: string, makeStore: () => Promise<PipelineStore>): void {
  describe(`PipelineStore contract: ${name}`, () => {
    it('keeps every definition version on upsert and returns the newest as the pipeline', async () => {
      const store = await makeStore();
      await assert.rejects(store.getPipeline('p'), { code: 'not_found' });
      const v1 = await store.upsertPipeline({ name: 'p', arn: 'arn:p', description: 'one', definition: def(['A']), now: 1 });
      const v2 = await store.upsertPipeline({ name: 'p', arn: 'arn:p', description: 'two', definition: def(['A', 'B']), now: 2 });
      assert.equal(v1.latestVersion, 1);
      assert.equal(v2.latestVersion, 2);
      assert.deepEqual(
        v2.definition.Steps.map((s) => s.Name),
        ['A', 'B'],
      );
      assert.equal(v2.createdAt, 1);
      assert.equal(v2.updatedAt, 2);
      assert.deepEqual(
        (await store.listPipelineVersions('p')).map((v) => [v.version, v.definition.Steps.length]),
        [
          [1, 1],
          [2, 2],
        ],
      );
      assert.deepEqual((await store.getPipelineVersion('p', 1)).definition, def(['A']));
      await assert.rejects(store.getPipelineVersion('p', 3), { code: 'not_found' });
      assert.deepEqual(
        (await store.listPipelines()).items.map((p) => p.name),
        ['p'],
      );
    });

    it('stores executions, lists them newest first with filters, and updates them compare-and-set', async () => {
      const store = await makeStore();
      await store.upsertPipeline({ name: 'p', arn: 'arn:p', description: '', definition: def(['A']), now: 1 });
      await store.createExecution(execution('e1', 100));
      await store.createExecution(execution('e2', 200, { status: 'Failed', failureReason: 'boom', endedAt: 250 }));
      await assert.rejects(store.createExecution(execution('e1', 300)), { code: 'already_exists' });
      assert.deepEqual(await store.getExecution('e2'), execution('e2', 200, { status: 'Failed', failureReason: 'boom', endedAt: 250 }));
      assert.deepEqual(
        (await store.listExecutions({})).items.map((e) => e.id),
        ['e2', 'e1'],
      );
      assert.deepEqual(
        (await store.listExecutions({ status: 'Executing' })).items.map((e) => e.id),
        ['e1'],
      );
      assert.deepEqual((await store.listExecutions({ pipelineName: 'other' })).items, []);
      const page = await store.listExecutions({}, { limit: 1 });
      assert.deepEqual(
        page.items.map((e) => e.id),
        ['e2'],
      );
      assert.deepEqual(
        (await store.listExecutions({}, { limit: 1, pageToken: page.nextPageToken! })).items.map((e) => e.id),
        ['e1'],
      );

      assert.equal(await store.updateExecution('e1', { owner: 'host:2' }, { owner: 'host:9' }), undefined, 'wrong owner: no change');
      assert.equal((await store.getExecution('e1')).owner, 'host:1');
      assert.equal(await store.updateExecution('e1', { status: 'Stopped' }, { statuses: ['Failed'] }), undefined, 'wrong status: no change');
      const claimed = await store.updateExecution(
        'e1',
        { owner: 'host:2', heartbeatAt: 500, stopRequested: true },
        { owner: 'host:1', statuses: ['Executing'] },
      );
      assert.equal(claimed?.owner, 'host:2');
      assert.equal(claimed?.stopRequested, true);
      const cleared = await store.updateExecution('e2', { status: 'Executing', clearFailure: true, clearEnd: true });
      assert.equal(cleared?.failureReason, undefined);
      assert.equal(cleared?.endedAt, undefined);
      await assert.rejects(store.updateExecution('nope', { status: 'Stopped' }), { code: 'not_found' });
    });

    it('upserts step states and finds cache hits only among fresh, original successes of the same pipeline', async () => {
      const store = await makeStore();
      await store.upsertPipeline({ name: 'p', arn: 'arn:p', description: '', definition: def(['A']), now: 1 });
      await store.createExecution(execution('e1', 100));
      await store.createExecution(execution('e2', 200));
      await store.putStep(step('e1', 'A', { status: 'Executing', endedAt: undefined }));
      await store.putStep(step('e1', 'A', { endedAt: 1000 }));
      await store.putStep(step('e1', 'B', { status: 'Failed', cacheKey: 'k2', failureReason: 'bad' }));
      await store.putStep(step('e2', 'A', { endedAt: 2000, cacheHit: { sourceExecutionArn: 'arn:e1', sourceExecutionId: 'e1' } }));
      const steps = await store.listSteps('e1');
      assert.deepEqual(
        steps.map((s) => [s.name, s.status]),
        [
          ['A', 'Succeeded'],
          ['B', 'Failed'],
        ],
      );
      assert.deepEqual(steps[0], step('e1', 'A', { endedAt: 1000 }));
      assert.equal((await store.findCacheHit('p', 'k1', 0))?.executionId, 'e1', 'the original, not the cache hit');
      assert.equal(await store.findCacheHit('p', 'k1', 1001), undefined, 'expired');
      assert.equal(await store.findCacheHit('p', 'k2', 0), undefined, 'failed steps are never reused');
      assert.equal(await store.findCacheHit('other', 'k1', 0), undefined, 'other pipelines are not searched');
      await store.deleteStep('e1', 'B');
      assert.deepEqual(
        (await store.listSteps('e1')).map((s) => s.name),
        ['A'],
      );
      await assert.rejects(store.putStep(step('nope', 'A')), { code: 'not_found' });
    });

    it('a fenced step write lands only while the execution has that owner', async () => {
      const store = await makeStore();
      await store.upsertPipeline({ name: 'p', arn: 'arn:p', description: '', definition: def(['A']), now: 1 });
      await store.createExecution(execution('e1', 100, { owner: 'old' }));
      await store.putStep(step('e1', 'A', { status: 'Executing' }), { owner: 'old' });
      const claimed = await store.updateExecution('e1', { owner: 'new' }, { owner: 'old' });
      assert.equal(claimed?.owner, 'new');
      assert.equal(await store.updateExecution('e1', { heartbeatAt: 5 }, { owner: 'old' }), undefined, "the old owner's heartbeat is refused");
      await assert.rejects(store.putStep(step('e1', 'A', { status: 'Succeeded' }), { owner: 'old' }), { code: 'conflict' });
      assert.equal((await store.listSteps('e1'))[0]?.status, 'Executing', 'the stale owner wrote nothing');
      await store.putStep(step('e1', 'A', { status: 'Succeeded' }), { owner: 'new' });
      assert.equal((await store.listSteps('e1'))[0]?.status, 'Succeeded');
      await assert.rejects(store.putStep(step('nope', 'A'), { owner: 'new' }), { code: 'not_found' });
    });
  });
}
