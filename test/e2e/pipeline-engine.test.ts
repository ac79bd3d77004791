import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PipelineBuilder, conditions, join, nycTaxiBuildPipeline } from '../../src/pipeline/index.js';
import { cli } from '../support/cli-runner.js';
import { openApp, syntheticMonth } from '../support/pipeline-app.js';
import { PROJECT_ROOT } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const node = (script: string) => ({ command: [process.execPath, '-e', script] });

describe('pipeline engine', () => {
  it('retries a failing job with backoff, enforces time limits, and runs independent steps in parallel', { timeout: 60_000 }, async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      const marker = path.join(home, 'tried');
      const b = new PipelineBuilder();
      // Fails on its first attempt (no marker yet), succeeds on the second.
      b.processing('Flaky', {
        processor: node(
          `const fs=require('fs');if(!fs.existsSync(${JSON.stringify(marker)})){fs.writeFileSync(${JSON.stringify(marker)},'1');console.error('transient failure');process.exit(3)}require('fs').writeFileSync('/opt/ml/processing/output/out/x.txt'.replace('/opt/ml/processing',process.env.PROCESSING_JOB_DIR),'ok')`,
        ),
        outputs: [{ name: 'out' }],
        retry: [{ FailureValue: ['Job.INTERNAL_ERROR'], IntervalSeconds: 0, MaxAttempts: 2 }],
      });
      b.processing('Slow', { processor: node('setTimeout(() => {}, 30000)'), maxRuntimeSeconds: 1 });
      await app.pipelines.upsert('engine', b.build());
      const events: { type: string; detail: Record<string, unknown> }[] = [];
      app.events.subscribe((e) => {
        events.push({ type: e['detail-type'], detail: e.detail as Record<string, unknown> });
      });
      const run = await app.pipelines.start('engine');
      const flaky = run.steps.find((s) => s.name === 'Flaky')!;
      const slow = run.steps.find((s) => s.name === 'Slow')!;
      assert.equal(flaky.status, 'Succeeded');
      assert.equal(flaky.attemptCount, 2);
      assert.equal(slow.status, 'Failed');
      assert.match(slow.failureReason ?? '', /time limit of 1 s/);
      assert.equal(run.execution.status, 'Failed');
      assert.ok(slow.startedAt! < flaky.endedAt!, 'the two independent steps overlapped');
      const executionEvents = events.filter((e) => e.type === 'SageMaker Model Building Pipeline Execution Status Change');
      assert.deepEqual(
        executionEvents.map((e) => [e.detail['previousPipelineExecutionStatus'], e.detail['currentPipelineExecutionStatus']]),
        [
          [undefined, 'Executing'],
          ['Executing', 'Failed'],
        ],
      );
      const flakySteps = events.filter((e) => e.type === 'SageMaker Model Building Pipeline Execution Step Status Change' && e.detail['stepName'] === 'Flaky');
      assert.deepEqual(
        flakySteps.map((e) => e.detail['currentStepStatus']),
        ['Starting', 'Executing', 'Executing', 'Succeeded'],
      );
      const logs = await cli(['pipeline', 'logs', run.execution.id, 'Flaky'], { home });
      assert.equal(logs.code, 0, logs.stderr);
      assert.match(logs.stdout, /== pipelines-exec-.*-Flaky-1\.log\ntransient failure/);
      const out = await app.artifacts.get(`pipelines/engine/${run.execution.id}/Flaky/out/x.txt`);
      assert.equal(Buffer.from(out).toString(), 'ok');
    } finally {
      await app.close();
    }
  });

  it('stop from another process kills the running job and ends the execution Stopped', { timeout: 60_000 }, async () => {
    const home = await tmpDir();
    const runner = await openApp(home);
    try {
      const b = new PipelineBuilder();
      const first = b.processing('Wait', { processor: node('setTimeout(() => {}, 60000)') });
      b.processing('After', { processor: node('0'), dependsOn: [first] });
      await runner.pipelines.upsert('stoppable', b.build());
      const exec = await runner.pipelines.create('stoppable');
      const done = runner.pipelines.resumeOwned(exec.id);
      await sleep(500);
      const stopped = await cli(['pipeline', 'stop', exec.id, '--json'], { home });
      assert.equal(stopped.code, 0, stopped.stderr);
      const result = await done;
      assert.equal(result.execution.status, 'Stopped');
      assert.deepEqual(
        result.steps.map((s) => [s.name, s.status]),
        [['Wait', 'Stopped']],
      );
      const again = await cli(['pipeline', 'stop', exec.id], { home });
      assert.equal(again.code, 5);
      assert.match(again.stderr, /already Stopped/);
    } finally {
      await runner.close();
    }
  });

  it('after SIGKILL during training, resume finishes the execution without re-running finished steps or registering twice', { timeout: 180_000 }, async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      const data = await syntheticMonth(app, path.join(home, 'raw'), 40_000);
      await app.pipelines.upsert('build', nycTaxiBuildPipeline({ inputDataUrl: data.trips, inputZonesUrl: data.zones }));
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(PROJECT_ROOT, 'src', 'main', 'cli.ts'),
          '--home',
          home,
          'pipeline',
          'start',
          'build',
          '--param',
          'NumRound=600',
          '--param',
          'EarlyStoppingRounds=0',
          '--param',
          'RmseThreshold=1000',
        ],
        {
          cwd: PROJECT_ROOT,
          stdio: 'ignore',
        },
      );
      let executionId: string | undefined;
      for (let i = 0; i < 600 && !executionId; i++) {
        await sleep(100);
        const page = await app.pipelines.executions({ pipelineName: 'build' });
        const e = page.items[0];
        if (!e) continue;
        const steps = await app.pipelines.describeExecution(e.id);
        if (steps.steps.some((s) => s.name === 'TrainModel' && s.status === 'Executing')) executionId = e.id;
      }
      assert.ok(executionId, 'training started');
      await sleep(300);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const mid = await app.pipelines.describeExecution(executionId);
      assert.equal(mid.execution.status, 'Executing');
      assert.equal(mid.steps.find((s) => s.name === 'TrainModel')?.status, 'Executing');

      const resumed = await cli(['pipeline', 'resume', '--json'], { home });
      assert.equal(resumed.code, 0, resumed.stderr);
      const after = await app.pipelines.describeExecution(executionId);
      assert.equal(after.execution.status, 'Succeeded', after.execution.failureReason);
      assert.equal(after.steps.find((s) => s.name === 'PreprocessData')?.attemptCount, 1, 'finished steps are not re-run');
      assert.equal(after.steps.find((s) => s.name === 'TrainModel')?.attemptCount, 2);
      const versions = await app.registry.listVersions('nyc-taxi');
      assert.deepEqual(
        versions.items.map((v) => v.version),
        [1],
      );
      const all = await app.pipelines.executions({});
      assert.equal(all.items.length, 1);
      const leftovers = existsSync(path.join(home, 'jobs')) ? await readdir(path.join(home, 'jobs')) : [];
      assert.deepEqual(leftovers, [], 'the killed attempt left no job folder behind');
    } finally {
      await app.close();
    }
  });

  it('a Fail step in the branch a condition takes fails the execution with its message', async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      const b = new PipelineBuilder();
      const limit = b.integerParameter('Limit', 3);
      const stop = b.fail('TooBig', { message: join(' ', ['limit', limit.ref, 'is above 2']) });
      const fine = b.processing('Fine', { processor: node('0') });
      b.condition('Check', { conditions: [conditions.lessThanOrEqualTo(limit.ref, 2)], ifSteps: [fine], elseSteps: [stop] });
      await app.pipelines.upsert('gate', b.build());
      const failed = await app.pipelines.start('gate');
      assert.equal(failed.execution.status, 'Failed');
      assert.equal(failed.execution.failureReason, 'Step TooBig failed: limit 3 is above 2');
      assert.deepEqual(
        failed.steps.map((x) => [x.name, x.status]),
        [
          ['Check', 'Succeeded'],
          ['TooBig', 'Failed'],
        ],
      );
      const passed = await app.pipelines.start('gate', { parameters: { Limit: '1' } });
      assert.equal(passed.execution.status, 'Succeeded');
      assert.deepEqual(
        passed.steps.map((x) => x.name),
        ['Check', 'Fine'],
      );
    } finally {
      await app.close();
    }
  });

  it('a condition decides while a step its branch reads is still running; the branch step waits for it', { timeout: 60_000 }, async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      const b = new PipelineBuilder();
      const slow = b.processing('Slow', { processor: node('setTimeout(() => {}, 1500)') });
      const fast = b.processing('Fast', { processor: node('0') });
      const after = b.processing('After', { processor: node('0'), arguments: [slow.property('ProcessingJobName')] });
      b.condition('Check', { conditions: [conditions.equals(fast.property('ProcessingJobStatus'), 'Completed')], ifSteps: [after] });
      await app.pipelines.upsert('race', b.build());
      const run = await app.pipelines.start('race');
      assert.equal(run.execution.status, 'Succeeded', run.execution.failureReason);
      const at = (n: string) => run.steps.find((x) => x.name === n)!;
      assert.ok(at('Check').endedAt! < at('Slow').endedAt!, 'the condition did not wait for Slow');
      assert.ok(at('After').startedAt! >= at('Slow').endedAt!, 'the branch step waited for Slow');
    } finally {
      await app.close();
    }
  });

  it('a QualityCheck with SkipCheck false fails on drift against the supplied baseline and keeps the violation report', { timeout: 60_000 }, async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      const csv = (shift: number) => ['x,y', ...Array.from({ length: 400 }, (_, i) => `${((i * 37) % 100) / 100 + shift},${i % 7}`)].join('\n') + '\n';
      await writeFile(path.join(home, 'base.csv'), csv(0));
      await writeFile(path.join(home, 'drifted.csv'), csv(5));
      await app.baselines.suggestBaseline(path.join(home, 'base.csv'), path.join(home, 'baseline'), { header: true });
      const b = new PipelineBuilder();
      const data = b.stringParameter('Data', path.join(home, 'drifted.csv'));
      b.qualityCheck('Check', {
        dataset: data.ref,
        skipCheck: false,
        registerNewBaseline: false,
        suppliedStatistics: path.join(home, 'baseline', 'statistics.json'),
        suppliedConstraints: path.join(home, 'baseline', 'constraints.json'),
      });
      await app.pipelines.upsert('qc', b.build());
      const drifted = await app.pipelines.start('qc');
      assert.equal(drifted.execution.status, 'Failed');
      const reason = drifted.steps[0]!.failureReason ?? '';
      assert.match(reason, /^Quality Check failed\. See violation report at: (.+constraint_violations\.json)$/);
      const report = JSON.parse(
        Buffer.from(await app.artifacts.get(`pipelines/qc/${drifted.execution.id}/Check/quality_check_output/constraint_violations.json`)).toString(),
      ) as { violations: { feature_name: string; constraint_check_type: string }[] };
      assert.ok(report.violations.some((v) => v.feature_name === 'x' && v.constraint_check_type === 'baseline_drift_check'));
      const same = await app.pipelines.start('qc', { parameters: { Data: path.join(home, 'base.csv') } });
      assert.equal(same.execution.status, 'Succeeded', same.execution.failureReason);
      assert.equal(same.steps[0]!.properties?.['BaselineUsedForDriftCheckStatistics'], path.join(home, 'baseline', 'statistics.json'));
    } finally {
      await app.close();
    }
  });

  it('the CLI reports every definition problem in one line and keeps earlier versions on upsert', async () => {
    const home = await tmpDir();
    const bad = path.join(home, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [], Steps: [{ Name: 'A', Type: 'Processing', Arguments: {}, DependsOn: ['Z'] }] }),
    );
    const r = await cli(['pipeline', 'upsert', 'p', '--definition', bad], { home });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(
      r.stderr,
      /invalid pipeline definition \(2 problems\): step 'A' depends on unknown step 'Z'; step 'A': AppSpecification\.ImageUri is required/,
    );
    const good = path.join(home, 'good.json');
    const b = new PipelineBuilder();
    b.processing('A', { processor: node('0') });
    await writeFile(good, JSON.stringify(b.build()));
    assert.equal((await cli(['pipeline', 'upsert', 'p', '--definition', good], { home })).code, 0);
    assert.equal((await cli(['pipeline', 'upsert', 'p', '--definition', good], { home })).code, 0);
    const d = await cli(['pipeline', 'describe', 'p', '--json'], { home });
    assert.deepEqual(
      d.json<{ Versions: { Version: number }[] }>().Versions.map((v) => v.Version),
      [1, 2],
    );
    const start = await cli(['pipeline', 'start', 'p', '--param', 'Nope=1'], { home });
    assert.equal(start.code, 2);
    assert.match(start.stderr, /unknown parameter 'Nope'/);
  });
});
