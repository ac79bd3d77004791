import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryArtifactStore } from '../artifacts/memory-artifact-store.js';
import { ManualClock } from '../core/clock.js';
import { noopLogger } from '../core/logger.js';
import { openMetadataStore } from '../store/index.js';
import { FakeJobLauncher, type FakeJob } from './adapters/fake-job-launcher.js';
import { MemoryStepWorkspace } from './adapters/memory-step-workspace.js';
import type { EngineEvent } from './execution-engine.js';
import { flattenSteps } from './flatten-steps.js';
import type { RegisterModelInput } from './model-registrar.js';
import { nycTaxiBuildPipeline } from './nyc-taxi-build-pipeline.js';
import { PipelineService } from './pipeline-service.js';

const JOB_STEPS = ['PreprocessData', 'DataQualityBaselineJob', 'TrainModel', 'EvaluateModel', 'ScoreBaseline', 'PredictionBaselineJob'];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What each built-in job of the template writes, so that every step has the files the next one reads. */
function jobs(overrides: Record<string, FakeJob> = {}): Record<string, FakeJob> {
  const baselineFiles: FakeJob = async (job) => {
    await job.write('output/statistics.json', `{"step":"${job.spec.name}"}`);
    await job.write('output/constraints.json', '{}');
    return 0;
  };
  return {
    prepare: async (job) => {
      for (const split of ['train', 'validation', 'test', 'baseline']) await job.write(`output/${split}/${split}.csv`, 'fare_amount,x\n10,1\n');
      return 0;
    },
    train: async (job) => {
      await job.write('model/model.json', '{}');
      return 0;
    },
    evaluate: async (job) => {
      await job.write('evaluation/evaluation.json', '{"regression_metrics":{"rmse":{"value":3.5}}}');
      await job.write('model_quality/statistics.json', '{}');
      await job.write('model_quality/constraints.json', '{}');
      return 0;
    },
    'score-baseline': async (job) => {
      await job.write('output/baseline/baseline.csv', 'fare_amount,x\n9.5,1\n');
      return 0;
    },
    'suggest-baseline': baselineFiles,
    ...overrides,
  };
}

/** The template on the engine with an in-memory workspace and fake jobs; `registered` records every registration. */
async function harness(fakeJobs: Record<string, FakeJob>) {
  const meta = await openMetadataStore('memory:');
  const workspace = new MemoryStepWorkspace(new MemoryArtifactStore());
  await workspace.writeLocal('/data/trips/green_tripdata_2021-01.parquet', 'trips');
  await workspace.writeLocal('/data/taxi_zones.zip', 'zones');
  const clock = new ManualClock(Date.UTC(2026, 11, 3));
  const registered: RegisterModelInput[] = [];
  let n = 0;
  const service = new PipelineService({
    store: meta.pipelines,
    workspace,
    launcher: new FakeJobLauncher(workspace, fakeJobs),
    registrar: {
      register: async (input) => {
        registered.push(input);
        return { arn: 'arn:model-package/nyc-taxi/1', name: 'nyc-taxi/1', group: input.group, version: 1, approvalStatus: input.approvalStatus };
      },
      latestApprovedBaseline: async () => undefined,
    },
    clock,
    ids: (prefix: string) => `${prefix}-${++n}`,
    logger: noopLogger,
    owner: 'host:1:1:aa',
    ownerAlive: () => false,
    now: () => clock.now(),
    sleep: (ms: number) => sleep(Math.min(ms, 5)),
    heartbeatMs: 20,
    staleAfterMs: 60_000,
    codeVersion: () => 'test',
  });
  await service.upsert('build', nycTaxiBuildPipeline({ inputDataUrl: '/data/trips', inputZonesUrl: '/data/taxi_zones.zip', cache: false }));
  return { service, registered };
}

/** A suggest-baseline job that fails for one QualityCheck step and writes the files for the other. */
function failingQualityCheck(step: string, before: () => Promise<void> = async () => undefined): FakeJob {
  return async (job) => {
    if (!job.spec.name.includes(`-${step}-`)) return jobs()['suggest-baseline']!(job);
    await before();
    job.log(`${step}: the baseline dataset is not CSV`);
    return 1;
  };
}

describe('the nyc-taxi-build template', () => {
  it("registers the predictions' data-quality baseline (PredictionBaselineJob's) as ModelDataQuality, not the training data's", async () => {
    const h = await harness(jobs());
    const run = await h.service.start('build');
    assert.equal(run.execution.status, 'Succeeded', run.execution.failureReason);
    assert.equal(h.registered.length, 1);
    const [input] = h.registered;
    const dq = (input!.driftCheckBaselines as { ModelDataQuality: { Statistics: { S3Uri: string }; Constraints: { S3Uri: string } } }).ModelDataQuality;
    assert.match(dq.Statistics.S3Uri, /\/PredictionBaselineJob\/quality_check_output\/statistics\.json$/);
    assert.match(dq.Constraints.S3Uri, /\/PredictionBaselineJob\/quality_check_output\/constraints\.json$/);
    assert.deepEqual((input!.modelMetrics as { ModelDataQuality: unknown }).ModelDataQuality, dq);
    const score = run.steps.find((s) => s.name === 'ScoreBaseline')!;
    const inputs = (score.properties!['ProcessingInputs'] as { InputName: string; S3Input: { S3Uri: string } }[]).map((i) => [i.InputName, i.S3Input.S3Uri]);
    assert.match(inputs[0]![1]!, /\/TrainModel\/model\/model\.json$/, 'the trained model');
    assert.match(inputs[1]![1]!, /\/PreprocessData\/baseline$/, "the baseline the sample's DataQualityBaselineJob profiles");
  });

  it('RegisterModel waits for every job step, the training-data baseline included', () => {
    const flat = flattenSteps(nycTaxiBuildPipeline({ inputDataUrl: '/d', inputZonesUrl: '/z' }).Steps);
    const deps = new Map(flat.map((s) => [s.def.Name, s.dependsOn]));
    const upstream = (name: string, seen = new Set<string>()): Set<string> => {
      for (const d of deps.get(name) ?? []) if (!seen.has(d)) upstream(d, seen.add(d));
      return seen;
    };
    assert.deepEqual([...upstream('RegisterModel')].filter((s) => JOB_STEPS.includes(s)).sort(), [...JOB_STEPS].sort());
  });

  for (const step of JOB_STEPS) {
    it(`registers nothing when ${step} fails`, async () => {
      const processor: Record<string, string> = {
        PreprocessData: 'prepare',
        TrainModel: 'train',
        EvaluateModel: 'evaluate',
        ScoreBaseline: 'score-baseline',
      };
      const failing = processor[step] ? { [processor[step]]: async () => 1 } : { 'suggest-baseline': failingQualityCheck(step) };
      const h = await harness(jobs(failing));
      const run = await h.service.start('build');
      assert.equal(run.execution.status, 'Failed');
      assert.match(run.execution.failureReason ?? '', new RegExp(`^Step ${step} failed`));
      assert.deepEqual(h.registered, []);
    });
  }

  it('registers nothing when the training-data baseline fails after the rmse check passed', async () => {
    let checked!: () => void;
    const checkPassed = new Promise<void>((r) => (checked = r));
    const h = await harness(
      jobs({
        // Still running when CheckEvaluation succeeds, then failing: RegisterModel must not have started meanwhile.
        'suggest-baseline': failingQualityCheck('DataQualityBaselineJob', async () => {
          await Promise.race([checkPassed, sleep(5000)]);
          await sleep(100);
        }),
      }),
    );
    const onEvent = (e: EngineEvent) => {
      if (e.kind === 'step' && e.step.name === 'CheckEvaluation' && e.step.status === 'Succeeded') checked();
    };
    const run = await h.service.start('build', { onEvent });
    assert.equal(run.execution.status, 'Failed');
    assert.equal(run.steps.find((s) => s.name === 'CheckEvaluation')?.status, 'Succeeded', 'the check passed while the baseline job still ran');
    assert.deepEqual(h.registered, []);
    assert.equal(
      run.steps.some((s) => s.name === 'RegisterModel'),
      false,
    );
  });
});
