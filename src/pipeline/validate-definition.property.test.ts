import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMainThread } from 'node:worker_threads';
import fc from 'fast-check';
import { applyEdits, editArb, oddValue, toJsonText } from '../../test/support/json-mutations.js';
import { assertFast, fcParams, resultOrOneLineError } from '../../test/support/property-checks.js';
import { reportInput, runTimeLimited } from '../../test/support/time-limited.js';
import { nycTaxiBuildPipeline } from './nyc-taxi-build-pipeline.js';
import { assertValidDefinition } from './validate-definition.js';

/**
 * Property tests of pipeline definitions (`assertValidDefinition`): the sample's build pipeline
 * mutated (fields deleted, replaced by values of the wrong type, NaN/Infinity/huge numbers, parts
 * copied elsewhere, lists emptied) and random JSON documents end in the definition or one
 * invalid_argument error on one line. Fixed seeds, in a worker with a time limit.
 */

const SAMPLE = nycTaxiBuildPipeline({ inputDataUrl: '/data/trips', inputZonesUrl: '/data/zones.zip' });

function check(doc: unknown): void {
  let input: string;
  try {
    input = toJsonText(doc);
  } catch {
    input = String(doc);
  }
  reportInput(input);
  const start = performance.now();
  resultOrOneLineError(() => assertValidDefinition(doc), input);
  assertFast(start, 2000, input);
}

export function mutatedDefinitions({ seed, numRuns }: { seed: number; numRuns: number }): number {
  fc.assert(
    fc.property(fc.array(editArb, { minLength: 1, maxLength: 6 }), (edits) => check(applyEdits(SAMPLE, edits))),
    fcParams(seed, numRuns),
  );
  return numRuns;
}

export function randomDefinitions({ seed, numRuns }: { seed: number; numRuns: number }): number {
  const stepArb = fc.record(
    {
      Name: fc.oneof(fc.constantFrom('A', 'B', 'Check', 'a\nb', ''), oddValue),
      Type: fc.oneof(fc.constantFrom('Processing', 'Training', 'Condition', 'QualityCheck', 'RegisterModel', 'Fail'), oddValue),
      Arguments: fc.oneof(fc.jsonValue({ maxDepth: 3 }), oddValue),
      DependsOn: fc.oneof(fc.array(fc.constantFrom('A', 'B', 'Check')), oddValue),
      CacheConfig: oddValue,
      RetryPolicies: oddValue,
      PropertyFiles: oddValue,
    },
    { requiredKeys: ['Name'] },
  );
  const docArb = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.record(
      {
        Version: fc.oneof(fc.constant('2020-12-01'), oddValue),
        Metadata: oddValue,
        Parameters: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), oddValue),
        Steps: fc.oneof(fc.array(stepArb, { maxLength: 4 }), oddValue),
        ParallelismConfiguration: oddValue,
      },
      { requiredKeys: ['Version', 'Steps'] },
    ),
  );
  fc.assert(fc.property(docArb, check), fcParams(seed, numRuns));
  return numRuns;
}

if (isMainThread) {
  describe('assertValidDefinition: properties (fixed seeds, in a worker with a time limit)', () => {
    const run = (name: string, seed: number, numRuns: number) => runTimeLimited(import.meta.url, name, { seed, numRuns }, 60_000);
    it('mutations of the build pipeline: the definition or one one-line invalid_argument error', async () => {
      assert.equal(await run('mutatedDefinitions', 9501, 1000), 1000);
    });
    it('random documents: the definition or one one-line invalid_argument error', async () => {
      assert.equal(await run('randomDefinitions', 9502, 800), 800);
    });
  });
}
