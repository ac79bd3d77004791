import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isAppError } from '../../core/errors.js';
import { parseLabelBatch } from './label-batch.js';

describe('parseLabelBatch', () => {
  it('reads JSON Lines, a JSON array or {"labels"}, and CSV with or without a header', () => {
    assert.deepEqual(parseLabelBatch('{"inferenceId":"a","label":1}\n\n{"inferenceId":"b","label":2}\n', 'jsonl'), [
      { inferenceId: 'a', label: 1 },
      { inferenceId: 'b', label: 2 },
    ]);
    assert.deepEqual(parseLabelBatch('{"labels":[{"inferenceId":"a","label":1}]}', 'json'), [{ inferenceId: 'a', label: 1 }]);
    assert.deepEqual(parseLabelBatch('inference_id,label\r\na,1.5\nb,-2\n', 'csv'), [
      { inferenceId: 'a', label: '1.5' },
      { inferenceId: 'b', label: '-2' },
    ]);
    assert.deepEqual(parseLabelBatch('a,1.5\n', 'csv'), [{ inferenceId: 'a', label: '1.5' }], 'a first row of data is not a header');
    assert.throws(() => parseLabelBatch('a,1\nb\n', 'csv'), /^InvalidArgumentError: line 2: expected inference_id,label/);
    assert.throws(() => parseLabelBatch('{"x":1}', 'json'), /JSON array/);
  });

  it('property: any text in any format gives items or a one-line invalid_argument, never another error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.array(fc.json()).map((a) => a.join('\n')),
        ),
        fc.constantFrom('jsonl', 'json', 'csv'),
        (text, format) => {
          try {
            assert.ok(Array.isArray(parseLabelBatch(text, format as 'jsonl' | 'json' | 'csv')));
          } catch (err) {
            assert.ok(isAppError(err) && err.code === 'invalid_argument', String(err));
            assert.doesNotMatch((err as Error).message, /[\n\r]/);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
