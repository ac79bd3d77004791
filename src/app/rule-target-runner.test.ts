import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noopLogger } from '../core/logger.js';
import type { EventEnvelope, RuleRecord, RuleTarget } from '../events/index.js';
import type { PipelineService } from '../pipeline/index.js';
import { AppRuleTargetRunner } from './rule-target-runner.js';

const EVENT = { id: 'evt-1' } as EventEnvelope;
const RULE = { name: 'taxi-drift' } as RuleRecord;

function harness(opts: { executing?: string[]; orphaned?: string[]; rows?: number } = {}) {
  const created: Record<string, string>[] = [];
  const exported: string[] = [];
  const pipelines = {
    executions: async () => ({ items: (opts.executing ?? []).map((id) => ({ id })) }),
    interrupted: async () => (opts.orphaned ?? []).map((id) => ({ id })),
    create: async (_name: string, o: { parameters?: Record<string, string> }) => {
      created.push({ ...(o.parameters ?? {}) });
      return { id: `exec-${created.length}` };
    },
    resumeOwned: async () => ({}),
  } as unknown as PipelineService;
  const runner = new AppRuleTargetRunner({
    pipelines: () => pipelines,
    registry: () => {
      throw new Error('unused');
    },
    deployments: () => {
      throw new Error('unused');
    },
    sender: { send: async () => ({ status: 200 }) } as never,
    logger: noopLogger,
    capturedData: async (t, eventId) => {
      exported.push(`${t.endpointName}/${t.days}/${eventId}`);
      const rows = opts.rows ?? 5000;
      return { rows, to: '2026-12-03T12:00:30.000Z', ...(rows >= t.minimumRows ? { uri: 'file:///training-data/taxi-prod/evt-1' } : {}) };
    },
  });
  return { runner, created, exported };
}

const target: RuleTarget = {
  id: 'start-build',
  kind: 'pipeline',
  pipelineName: 'taxi-build',
  parameters: { Seed: '7' },
  trainingData: { endpointName: 'taxi-prod', days: 30, minimumRows: 1000 },
};

describe('AppRuleTargetRunner (pipeline targets)', () => {
  it("trains on the endpoint's labelled traffic when it has enough rows, recording where the data ends; else on the raw files", async () => {
    const h = harness();
    await h.runner.run(target, EVENT, RULE);
    await h.runner.settled();
    assert.deepEqual(h.exported, ['taxi-prod/30/evt-1']);
    assert.deepEqual(h.created, [
      { Seed: '7', InputDataUrl: 'file:///training-data/taxi-prod/evt-1', InputSource: 'capture:taxi-prod until 2026-12-03T12:00:30.000Z' },
    ]);
    const few = harness({ rows: 999 });
    await few.runner.run(target, EVENT, RULE);
    assert.deepEqual(few.created, [{ Seed: '7' }]);
  });

  it("the sample's guard: no second execution while one runs; an execution whose process is gone does not block", async () => {
    const busy = harness({ executing: ['exec-0'] });
    await busy.runner.run(target, EVENT, RULE);
    assert.deepEqual(busy.created, []);
    assert.deepEqual(busy.exported, [], 'nothing exported either');
    const orphaned = harness({ executing: ['exec-0'], orphaned: ['exec-0'] });
    await orphaned.runner.run(target, EVENT, RULE);
    assert.equal(orphaned.created.length, 1);
  });
});
