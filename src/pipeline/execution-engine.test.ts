import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryArtifactStore } from '../artifacts/memory-artifact-store.js';
import { ManualClock } from '../core/clock.js';
import { UnavailableError } from '../core/errors.js';
import { noopLogger } from '../core/logger.js';
import { openMetadataStore } from '../store/index.js';
import { FakeJobLauncher, hangingJob, type FakeJob } from './adapters/fake-job-launcher.js';
import { MemoryStepWorkspace } from './adapters/memory-step-workspace.js';
import { ExecutionEngine, jobNameOf, logKeyOf } from './execution-engine.js';
import { JOB_LOG_FILE, JOB_RESULT_FILE } from './job-launcher.js';
import type { ModelRegistrar } from './model-registrar.js';
import { PipelineBuilder } from './pipeline-builder.js';
import { PipelineService } from './pipeline-service.js';
import type { PipelineStore, StepRecord } from './pipeline-store.js';

const OWNER = 'host:100:1:aa';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const quick: FakeJob = async () => 0;
const cmd = (name: string) => ({ processor: { command: [name] } });

/** A PipelineStore whose step writes fail when `failStep` says so (a database going away). */
function faultyStore(inner: PipelineStore): PipelineStore & { failStep?: (s: StepRecord) => boolean; failExecutionUpdates?: boolean; failNextEnds?: number } {
  const store = Object.create(inner) as PipelineStore & { failStep?: (s: StepRecord) => boolean; failExecutionUpdates?: boolean; failNextEnds?: number };
  store.putStep = async (s, fence) => {
    if (store.failStep?.(s)) throw new UnavailableError('metadata store: save step failed: SQLITE_IOERR: disk I/O error');
    return inner.putStep(s, fence);
  };
  store.updateExecution = async (id, patch, expect) => {
    const failThisEnd = patch.status !== undefined && (store.failNextEnds ?? 0) > 0;
    if (failThisEnd) store.failNextEnds = store.failNextEnds! - 1;
    if (store.failExecutionUpdates || failThisEnd) throw new UnavailableError('metadata store: update execution failed: SQLITE_IOERR: disk I/O error');
    return inner.updateExecution(id, patch, expect);
  };
  return store;
}

async function harness(jobs: Record<string, FakeJob>, registrar: Partial<ModelRegistrar> = {}) {
  const meta = await openMetadataStore('memory:');
  const store = faultyStore(meta.pipelines);
  const artifacts = new MemoryArtifactStore();
  const workspace = new MemoryStepWorkspace(artifacts);
  const launcher = new FakeJobLauncher(workspace, jobs);
  const clock = new ManualClock(Date.UTC(2026, 11, 2));
  let n = 0;
  const deps = {
    store,
    workspace,
    launcher,
    registrar: {
      register: async () => {
        throw new Error('not used');
      },
      latestApprovedBaseline: async () => undefined,
      ...registrar,
    },
    clock,
    ids: (prefix: string) => `${prefix}-${++n}`,
    logger: noopLogger,
    owner: OWNER,
    ownerAlive: () => false,
    now: () => clock.now(),
    sleep: (ms: number) => sleep(Math.min(ms, 5)),
    heartbeatMs: 20,
    staleAfterMs: 60_000,
    codeVersion: () => 'test',
  };
  const service = new PipelineService(deps);
  return { store, inner: meta.pipelines, artifacts, workspace, launcher, service, deps };
}

/** Upserts pipeline `p`: one Processing step per entry (step name -> fake job), all independent. */
async function upsertSteps(h: { service: PipelineService }, steps: Record<string, string>): Promise<void> {
  const b = new PipelineBuilder();
  for (const [name, job] of Object.entries(steps)) b.processing(name, cmd(job));
  await h.service.upsert('p', b.build());
}

async function steps(store: PipelineStore, id: string): Promise<Record<string, string>> {
  return Object.fromEntries((await store.listSteps(id)).map((s) => [s.name, s.status]));
}

describe('execution engine supervision (in-memory workspace, fake launcher)', () => {
  it('a store error while a sibling job runs: the sibling is stopped and waited for, and the execution ends Failed with the reason', async () => {
    const h = await harness({ a: quick, b: hangingJob });
    await upsertSteps(h, { A: 'a', B: 'b' });
    // A's end cannot be saved: the database went away just then.
    h.store.failStep = (s) => s.name === 'A' && s.status === 'Succeeded';
    const run = await h.service.start('p');
    assert.equal(run.execution.status, 'Failed');
    assert.match(run.execution.failureReason ?? '', /could not save step A \(Succeeded\): metadata store: save step failed/);
    assert.deepEqual(h.launcher.runningJobs(), [], 'no job runs after run() settled');
    h.store.failStep = undefined;
    assert.deepEqual(await steps(h.store, run.execution.id), { A: 'Failed', B: 'Stopped' });
    assert.match((await h.store.listSteps(run.execution.id)).find((s) => s.name === 'B')?.failureReason ?? '', /^stopped: could not save step A/);
  });

  it("a failing 'Starting' write is a fault too (it used to reject run() with the other steps still running)", async () => {
    const h = await harness({ a: hangingJob, b: quick });
    await upsertSteps(h, { A: 'a', B: 'b' });
    h.store.failStep = (s) => s.name === 'B' && s.status === 'Starting';
    const run = await h.service.start('p');
    assert.equal(run.execution.status, 'Failed');
    assert.match(run.execution.failureReason ?? '', /could not save step B \(Starting\)/);
    assert.deepEqual(h.launcher.runningJobs(), []);
    assert.equal(
      h.launcher.events.filter((e) => e.startsWith('start')).length,
      h.launcher.events.filter((e) => e.startsWith('end')).length,
      'every job started has ended',
    );
    h.store.failStep = undefined;
    assert.deepEqual(await steps(h.store, run.execution.id), { A: 'Stopped' });
  });

  it('when even the final write fails, run() rejects with unavailable, but only once no job runs', async () => {
    const h = await harness({ a: quick, b: hangingJob });
    await upsertSteps(h, { A: 'a', B: 'b' });
    const exec = await h.service.create('p');
    h.store.failStep = (s) => s.name === 'A' && s.status === 'Succeeded';
    const engine = new ExecutionEngine(h.deps);
    const definition = (await h.store.getPipeline('p')).definition;
    h.store.failExecutionUpdates = true;
    const running = engine.run(exec.id, definition);
    await assert.rejects(running, (err: Error & { code?: string }) => err.code === 'unavailable' && /resume/.test(err.message) && !err.message.includes('\n'));
    assert.deepEqual(h.launcher.runningJobs(), []);
  });

  it('a short outage at the end: the last writes are tried again and the execution still ends Failed with its reason', async () => {
    const h = await harness({ a: quick, b: hangingJob });
    await upsertSteps(h, { A: 'a', B: 'b' });
    h.store.failStep = (s) => s.name === 'A' && s.status === 'Succeeded';
    // The database is back after the first two tries of the end.
    h.store.failNextEnds = 2;
    const run = await h.service.start('p');
    assert.equal(h.store.failNextEnds, 0, 'the end was tried three times');
    assert.equal(run.execution.status, 'Failed');
    assert.match(run.execution.failureReason ?? '', /^could not save step A \(Succeeded\)/);
    assert.deepEqual(await steps(h.store, run.execution.id), { A: 'Failed', B: 'Stopped' });
  });

  it('a stalled owner that lost the execution to another process stops its jobs and overwrites nothing', async () => {
    const h = await harness({ a: hangingJob });
    await upsertSteps(h, { A: 'a' });
    const exec = await h.service.create('p');
    const running = new ExecutionEngine(h.deps).run(exec.id, (await h.store.getPipeline('p')).definition);
    await sleep(30);
    // Another process took it over (its heartbeat looked stale) and recorded its own state.
    await h.inner.updateExecution(exec.id, { owner: 'host:200:2:bb' });
    const a = (await h.inner.listSteps(exec.id))[0]!;
    await h.inner.putStep({ ...a, attemptCount: 2, status: 'Executing' }, { owner: 'host:200:2:bb' });
    await assert.rejects(running, { code: 'conflict' });
    assert.deepEqual(h.launcher.runningJobs(), []);
    const after = await h.inner.listSteps(exec.id);
    assert.deepEqual([after[0]?.status, after[0]?.attemptCount], ['Executing', 2], "the new owner's state stands");
    assert.equal((await h.inner.getExecution(exec.id)).status, 'Executing');
  });

  it('resume kills a still-running first attempt before the second starts, and keeps its log', async () => {
    const h = await harness({ a: quick });
    await upsertSteps(h, { A: 'a' });
    const exec = await h.service.create('p');
    // A dead engine left A's first attempt Executing, its job still running, its log in the job folder.
    await h.inner.updateExecution(exec.id, { owner: 'host:999:1:dead' });
    await h.inner.putStep({ executionId: exec.id, name: 'A', type: 'Processing', status: 'Executing', attemptCount: 1, startedAt: 1, metadata: {} });
    const dir = await h.workspace.createJobFolder(jobNameOf(exec.id, 'A', 1));
    await h.workspace.writeLocal(`${dir}/${JOB_LOG_FILE}`, 'epoch 1\n');
    h.launcher.leftover(dir);
    const [done] = await h.service.resume();
    assert.equal(done?.execution.status, 'Succeeded');
    assert.deepEqual(h.launcher.events, [
      `terminate ${jobNameOf(exec.id, 'A', 1)}`,
      `start ${jobNameOf(exec.id, 'A', 2)}`,
      `end ${jobNameOf(exec.id, 'A', 2)} Completed`,
    ]);
    const logs = await h.service.logs(done!.execution, done!.steps[0]!);
    assert.equal(logs[0]?.name, `${jobNameOf(exec.id, 'A', 1)}.log`);
    assert.match(
      logs[0]?.text ?? '',
      /^epoch 1\n\n\[driftline\] attempt 1 was interrupted: the engine running it \(host:999:1:dead\) stopped before the job ended; what was left of the job was killed/,
    );
    assert.deepEqual(h.workspace.jobFolders(), [], 'the interrupted attempt left no job folder');
    assert.equal(logKeyOf(done!.execution, 'A', 'j'), `pipelines/p/${exec.id}/A/logs/j.log`);
  });

  it('resuming a Stopping execution ends it Stopped with no step left Executing and nothing running', async () => {
    const h = await harness({ a: quick });
    await upsertSteps(h, { A: 'a', B: 'a' });
    const exec = await h.service.create('p');
    await h.inner.updateExecution(exec.id, { owner: 'host:999:1:dead', status: 'Stopping', stopRequested: true });
    await h.inner.putStep({ executionId: exec.id, name: 'A', type: 'Processing', status: 'Executing', attemptCount: 1, startedAt: 1, metadata: {} });
    const dir = await h.workspace.createJobFolder(jobNameOf(exec.id, 'A', 1));
    h.launcher.leftover(dir);
    const [done] = await h.service.resume();
    assert.equal(done?.execution.status, 'Stopped');
    assert.deepEqual(await steps(h.store, exec.id), { A: 'Stopped' });
    assert.deepEqual(h.launcher.runningJobs(), []);
    assert.deepEqual(h.launcher.events, [`terminate ${jobNameOf(exec.id, 'A', 1)}`], 'nothing new was started');
  });

  it('stop of an execution whose owner is gone kills its leftovers and stops its steps', async () => {
    const h = await harness({});
    await upsertSteps(h, { A: 'a' });
    const exec = await h.service.create('p');
    await h.inner.updateExecution(exec.id, { owner: 'host:999:1:dead' });
    await h.inner.putStep({ executionId: exec.id, name: 'A', type: 'Processing', status: 'Executing', attemptCount: 1, startedAt: 1, metadata: {} });
    h.launcher.leftover(await h.workspace.createJobFolder(jobNameOf(exec.id, 'A', 1)));
    const stopped = await h.service.stop(exec.id);
    assert.equal(stopped.status, 'Stopped');
    assert.deepEqual(await steps(h.store, exec.id), { A: 'Stopped' });
    assert.deepEqual(h.launcher.runningJobs(), []);
  });

  it('on shutdown the jobs are stopped and the execution released; resume then finishes it', async () => {
    let calls = 0;
    const h = await harness({ a: async (job) => (++calls === 1 ? hangingJob(job) : 0) });
    await upsertSteps(h, { A: 'a' });
    const exec = await h.service.create('p');
    const shutdown = new AbortController();
    const running = h.service.resumeOwned(exec.id, undefined, { signal: shutdown.signal });
    await sleep(30);
    shutdown.abort();
    const released = await running;
    assert.equal(released.execution.status, 'Executing');
    assert.equal(released.execution.owner, undefined, 'released: no owner');
    assert.deepEqual(h.launcher.runningJobs(), []);
    assert.deepEqual(await steps(h.store, exec.id), { A: 'Executing' }, 'left for whoever resumes it');
    const [done] = await h.service.resume();
    assert.equal(done?.execution.status, 'Succeeded');
    assert.equal(done?.steps[0]?.attemptCount, 2);
  });

  it('a QualityCheck cannot silently skip its check when the registry is unavailable', async () => {
    const h = await harness(
      {},
      { latestApprovedBaseline: async () => Promise.reject(new UnavailableError('metadata store: list versions failed: database is locked')) },
    );
    const b = new PipelineBuilder();
    b.qualityCheck('Check', { dataset: 'memory://artifacts/data/baseline.csv', modelPackageGroupName: 'g', skipCheck: false });
    await h.service.upsert('p', b.build());
    const run = await h.service.start('p');
    assert.equal(run.execution.status, 'Failed');
    assert.match(run.steps[0]?.failureReason ?? '', /^cannot fetch the drift-check baseline of model package group 'g': metadata store: list versions failed/);
    assert.deepEqual(h.launcher.events, [], 'no check ran without its baseline');
  });

  it("a QualityCheck's cache key covers the baseline it checks against: a newly approved baseline is not served from cache", async () => {
    let baseline = { statistics: 'memory://artifacts/v1/statistics.json', constraints: 'memory://artifacts/v1/constraints.json' };
    const h = await harness(
      {
        'suggest-baseline': async (job) => {
          await job.write('output/statistics.json', '{}');
          await job.write('output/constraints.json', '{}');
          await job.write(JOB_RESULT_FILE, JSON.stringify({ violations: 0 }));
          return 0;
        },
      },
      { latestApprovedBaseline: async () => baseline },
    );
    const artifacts = h.artifacts;
    await artifacts.put('data/baseline.csv', 'a,b\n1,2\n');
    for (const v of ['v1', 'v2']) {
      await artifacts.put(`${v}/statistics.json`, `{"v":"${v}"}`);
      await artifacts.put(`${v}/constraints.json`, `{"v":"${v}"}`);
    }
    const b = new PipelineBuilder();
    b.qualityCheck('Check', { dataset: 'memory://artifacts/data/baseline.csv', modelPackageGroupName: 'g', skipCheck: false, cache: { Enabled: true } });
    await h.service.upsert('p', b.build());
    const first = await h.service.start('p');
    assert.equal(first.execution.status, 'Succeeded', first.execution.failureReason);
    const again = await h.service.start('p');
    assert.ok(again.steps[0]?.cacheHit, 'same data, same baseline: a cache hit');
    baseline = { statistics: 'memory://artifacts/v2/statistics.json', constraints: 'memory://artifacts/v2/constraints.json' };
    const afterApproval = await h.service.start('p');
    assert.equal(afterApproval.steps[0]?.cacheHit, undefined, 'a new approved baseline: checked again');
    assert.equal(h.launcher.events.filter((e) => e.startsWith('start')).length, 2);
  });
  it('while the store fails, the heartbeat backs off instead of writing every beat (a locked database must not starve the jobs)', async () => {
    const slow: FakeJob = () => new Promise((r) => setTimeout(() => r(0), 450));
    const h = await harness({ a: slow });
    await upsertSteps(h, { A: 'a' });
    let beats = 0;
    const update = h.store.updateExecution.bind(h.store);
    h.store.updateExecution = async (id, patch, expect) => {
      if (patch.heartbeatAt !== undefined && patch.status === undefined) {
        beats += 1;
        throw new UnavailableError('metadata store: database is locked');
      }
      return update(id, patch, expect);
    };
    const run = await h.service.start('p');
    assert.equal(run.execution.status, 'Succeeded', 'a failing heartbeat alone does not fail the run');
    // Every 20 ms this would be about 22 beats; backing off (20, 40, 80, 160, 320 ms) it is at most 5.
    assert.ok(beats >= 2 && beats <= 6, `${beats} heartbeats`);
  });
});
