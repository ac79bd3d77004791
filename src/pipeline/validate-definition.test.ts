import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nycTaxiBuildPipeline } from './nyc-taxi-build-pipeline.js';
import { PipelineBuilder, conditions } from './pipeline-builder.js';
import { validateDefinition } from './validate-definition.js';

const step = (Name: string, extra: Record<string, unknown> = {}) => ({
  Name,
  Type: 'Processing',
  Arguments: { AppSpecification: { ImageUri: 'local', ContainerEntrypoint: ['true'] } },
  ...extra,
});

describe('validateDefinition', () => {
  it('accepts the NYC taxi build pipeline', () => {
    assert.deepEqual(validateDefinition(nycTaxiBuildPipeline({ inputDataUrl: '/d', inputZonesUrl: '/z' })), []);
  });

  it('reports every problem at once: cycle, unknown references, type mismatches, bad defaults', () => {
    const problems = validateDefinition({
      Version: '2020-12-01',
      Metadata: {},
      Parameters: [
        { Name: 'Threshold', Type: 'Float', DefaultValue: 'seven' },
        { Name: 'Mode', Type: 'String', DefaultValue: 'a' },
      ],
      Steps: [
        step('A', { DependsOn: ['B'] }),
        step('B', {
          Arguments: { AppSpecification: { ImageUri: 'local', ContainerEntrypoint: ['x'], ContainerArguments: [{ Get: 'Steps.A.ProcessingJobName' }] } },
        }),
        step('C', {
          Arguments: {
            AppSpecification: { ImageUri: 'local', ContainerEntrypoint: ['x'], ContainerArguments: [{ Get: 'Parameters.Nope' }, { Get: 'Steps.Ghost.X' }] },
          },
        }),
        {
          Name: 'Check',
          Type: 'Condition',
          Arguments: { Conditions: [{ Type: 'GreaterThan', LeftValue: { Get: 'Parameters.Mode' }, RightValue: 3 }], IfSteps: [], ElseSteps: [] },
        },
        step('D', { CacheConfig: { Enabled: true, ExpireAfter: 'one hour' } }),
      ],
    });
    const text = problems.join('\n');
    assert.match(text, /parameter 'Threshold' is Float but its DefaultValue is "seven"/);
    assert.match(text, /dependency cycle: (A -> B -> A|B -> A -> B)/);
    assert.match(text, /step 'C' references unknown parameter 'Nope'/);
    assert.match(text, /step 'C' references unknown step 'Ghost'/);
    assert.match(text, /type mismatch: GreaterThan needs numbers but LeftValue is a string/);
    assert.match(text, /'one hour' is not an ISO-8601 duration/);
    assert.ok(problems.length >= 6);
  });

  it('rejects unknown step types, properties and property files, and duplicate names', () => {
    const problems = validateDefinition({
      Version: '2020-12-01',
      Metadata: {},
      Parameters: [],
      Steps: [
        step('A'),
        step('A'),
        step('B', {
          Arguments: {
            AppSpecification: {
              ImageUri: 'local',
              ContainerEntrypoint: ['x'],
              ContainerArguments: [
                { Get: 'Steps.A.ModelArtifacts.S3ModelArtifacts' },
                { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.A.PropertyFiles.Report' }, Path: 'x' } },
              ],
            },
          },
        }),
        { Name: 'T', Type: 'Transform', Arguments: {} },
      ],
    });
    const text = problems.join('\n');
    assert.match(text, /step name 'A' is used more than once/);
    assert.match(text, /'Steps\.A\.ModelArtifacts\.S3ModelArtifacts' is not a property of Processing step 'A'/);
    assert.match(text, /step 'A' declares no property file 'Report'/);
    assert.match(text, /step 'T' has Type "Transform"/);
  });

  it('the builder refuses an invalid pipeline with one error naming each problem', () => {
    const b = new PipelineBuilder();
    const mode = b.stringParameter('Mode', 'x');
    b.condition('Check', { conditions: [conditions.lessThan(mode.ref, 1)] });
    assert.throws(() => b.build(), /invalid pipeline definition \(1 problem\): step 'Check': type mismatch: LessThan needs numbers but LeftValue is a string/);
  });
});
