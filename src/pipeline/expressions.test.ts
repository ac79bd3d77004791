import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateConditions, evaluateExpressions, type EvaluationContext } from './evaluate-expression.js';
import { retryDelay } from './execution-engine.js';
import { parseIsoDuration } from '../core/iso-duration.js';
import { resolveParameters } from './resolve-parameters.js';

const ctx: EvaluationContext = {
  parameter: (n) => (({ Threshold: 7, Bucket: 'b', Flag: true }) as Record<string, number | string | boolean>)[n],
  execution: (v) => (v === 'PipelineExecutionId' ? 'exec-1' : undefined),
  stepProperties: (s) =>
    s === 'Prep'
      ? {
          ProcessingOutputConfig: {
            Outputs: [
              { OutputName: 'train', S3Output: { S3Uri: 'file:///a/train' } },
              { OutputName: 'test', S3Output: { S3Uri: 'file:///a/test' } },
            ],
          },
          PropertyFiles: { Report: { propertyFile: { step: 'Prep', name: 'Report', uri: 'file:///a/eval.json' } } },
        }
      : undefined,
  readJson: async (uri) => (uri === 'file:///a/eval.json' ? { regression_metrics: { rmse: { value: 3.5 } } } : undefined),
};

describe('expressions', () => {
  it('resolves Get (parameters, execution variables, step outputs by name), Join and JsonGet', async () => {
    const out = await evaluateExpressions(
      {
        uri: { Get: "Steps.Prep.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri" },
        path: { 'Std:Join': { On: '/', Values: ['s3:/', { Get: 'Parameters.Bucket' }, { Get: 'Execution.PipelineExecutionId' }, 'out'] } },
        rmse: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Prep.PropertyFiles.Report' }, Path: 'regression_metrics.rmse.value' } },
        literal: [1, 'x'],
      },
      ctx,
    );
    assert.deepEqual(out, { uri: 'file:///a/test', path: 's3://b/exec-1/out', rmse: 3.5, literal: [1, 'x'] });
  });

  it('fails clearly on a step that has not run', async () => {
    await assert.rejects(evaluateExpressions({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' }, ctx), /step 'Train' has not succeeded/);
  });

  it('evaluates every condition type; Conditions entries are ANDed', async () => {
    const rmse = { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Prep.PropertyFiles.Report' }, Path: 'regression_metrics.rmse.value' } };
    const t = { Get: 'Parameters.Threshold' };
    assert.equal(await evaluateConditions([{ Type: 'LessThanOrEqualTo', LeftValue: rmse, RightValue: t }], ctx), true);
    assert.equal(await evaluateConditions([{ Type: 'GreaterThan', LeftValue: rmse, RightValue: t }], ctx), false);
    assert.equal(await evaluateConditions([{ Type: 'GreaterThanOrEqualTo', LeftValue: 7, RightValue: t }], ctx), true);
    assert.equal(await evaluateConditions([{ Type: 'LessThan', LeftValue: 7, RightValue: t }], ctx), false);
    assert.equal(await evaluateConditions([{ Type: 'Equals', LeftValue: { Get: 'Parameters.Bucket' }, RightValue: 'b' }], ctx), true);
    assert.equal(await evaluateConditions([{ Type: 'In', QueryValue: 3.5, Values: [1, rmse] }], ctx), true);
    assert.equal(await evaluateConditions([{ Type: 'Not', Expression: { Type: 'Equals', LeftValue: 1, RightValue: 1 } }], ctx), false);
    assert.equal(
      await evaluateConditions(
        [
          {
            Type: 'Or',
            Conditions: [
              { Type: 'Equals', LeftValue: 1, RightValue: 2 },
              { Type: 'Equals', LeftValue: { Get: 'Parameters.Flag' }, RightValue: true },
            ],
          },
        ],
        ctx,
      ),
      true,
    );
    assert.equal(
      await evaluateConditions(
        [
          { Type: 'Equals', LeftValue: 1, RightValue: 1 },
          { Type: 'Equals', LeftValue: 1, RightValue: 2 },
        ],
        ctx,
      ),
      false,
    );
  });
});

describe('parameters, durations, retries', () => {
  const declared = [
    { Name: 'N', Type: 'Integer' as const, DefaultValue: 100 },
    { Name: 'Eta', Type: 'Float' as const, DefaultValue: 0.2 },
    { Name: 'On', Type: 'Boolean' as const, DefaultValue: false },
    { Name: 'Status', Type: 'String' as const, DefaultValue: 'PendingManualApproval', EnumValues: ['PendingManualApproval', 'Approved'] },
    { Name: 'Data', Type: 'String' as const },
  ];

  it('converts string overrides to the declared types and keeps defaults', () => {
    assert.deepEqual(resolveParameters(declared, { N: '50', On: 'true', Data: '/x' }), {
      N: 50,
      Eta: 0.2,
      On: true,
      Status: 'PendingManualApproval',
      Data: '/x',
    });
  });

  it('reports every bad value at once', () => {
    assert.throws(
      () => resolveParameters(declared, { N: '1.5', Eta: 'fast', Status: 'Maybe', Nope: '1' }),
      (err: Error) =>
        /unknown parameter 'Nope'/.test(err.message) &&
        /'N' is Integer/.test(err.message) &&
        /'Eta' is Float/.test(err.message) &&
        /'Status' must be one of/.test(err.message) &&
        /'Data' has no default/.test(err.message),
    );
  });

  it('parses ISO-8601 durations', () => {
    assert.equal(parseIsoDuration('PT1H'), 3_600_000);
    assert.equal(parseIsoDuration('P30D'), 30 * 86_400_000);
    assert.equal(parseIsoDuration('P4DT12H'), 4.5 * 86_400_000);
    assert.equal(parseIsoDuration('PT1.5S'), 1500);
    assert.throws(() => parseIsoDuration('P'), /not an ISO-8601 duration/);
    assert.throws(() => parseIsoDuration('1h'), /not an ISO-8601 duration/);
  });

  it('backs off exponentially for matching failure types, up to MaxAttempts retries', () => {
    const p = [{ FailureValue: ['Job.INTERNAL_ERROR'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 2 }];
    assert.equal(retryDelay(p, 'Job.INTERNAL_ERROR', 1), 2000);
    assert.equal(retryDelay(p, 'Job.INTERNAL_ERROR', 2), 6000);
    assert.equal(retryDelay(p, 'Job.INTERNAL_ERROR', 3), undefined);
    assert.equal(retryDelay(p, 'Step.CLIENT_ERROR', 1), undefined);
  });
});
