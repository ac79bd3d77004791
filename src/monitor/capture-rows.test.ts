import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordToRows } from './capture-rows.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const T1 = Date.parse('2024-05-01T13:00:00Z');
const record = (input: object, output: object, time = '2024-05-01T12:07:31Z', extra: object = {}) => ({
  captureData: {
    endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', ...input },
    endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', ...output },
  },
  eventMetadata: { eventId: 'e1', inferenceTime: time, ...extra },
  eventVersion: '0',
});

describe('recordToRows (captured traffic -> monitored rows)', () => {
  it("puts the output first, then the inputs, for the sample's CSV payload", () => {
    const r = record({ data: '1,-73.986114,40.685634,-73.936794,40.715370,5.318025,7,0,2', encoding: 'CSV' }, { data: '19.87', encoding: 'CSV' });
    assert.deepEqual(recordToRows(r, T0, T1, 'START'), [['19.87', '1', '-73.986114', '40.685634', '-73.936794', '40.715370', '5.318025', '7', '0', '2']]);
    assert.deepEqual((recordToRows(r, T0, T1, 'END') as string[][])[0]!.at(-1), '19.87');
  });

  it('decodes JSON and BASE64 payloads, and several rows per request', () => {
    const json = record(
      {
        data: JSON.stringify({
          instances: [
            [1, 2],
            [3, 4],
          ],
        }),
        encoding: 'JSON',
      },
      { data: JSON.stringify({ predictions: [10, 20] }), encoding: 'JSON' },
    );
    assert.deepEqual(recordToRows(json, T0, T1, 'START'), [
      ['10', '1', '2'],
      ['20', '3', '4'],
    ]);
    const b64 = record({ data: Buffer.from('5,6').toString('base64'), encoding: 'BASE64' }, { data: '7', encoding: 'CSV' });
    assert.deepEqual(recordToRows(b64, T0, T1, 'START'), [['7', '5', '6']]);
  });

  it('skips shadow traffic and records outside the window, and explains bad records', () => {
    assert.equal(recordToRows(record({ data: '1', encoding: 'CSV' }, { data: '2', encoding: 'CSV' }, '2024-05-01T13:00:00Z'), T0, T1, 'START'), 'outside');
    assert.equal(
      recordToRows(
        record({ data: '1', encoding: 'CSV' }, { data: '2', encoding: 'CSV' }, undefined, { invocationSource: 'ShadowExperiment' }),
        T0,
        T1,
        'START',
      ),
      'shadow',
    );
    assert.deepEqual(recordToRows({ eventVersion: '0' }, T0, T1, 'START'), { error: 'no captureData' });
    assert.match(
      (recordToRows(record({ data: '{oops', encoding: 'JSON' }, { data: '1', encoding: 'CSV' }), T0, T1, 'START') as { error: string }).error,
      /endpointInput: bad JSON payload/,
    );
  });

  it('an empty payload, a too deeply nested one and odd texts give one-line reasons, not a crash', () => {
    assert.deepEqual(recordToRows({ captureData: { endpointInput: { data: '', encoding: 'CSV' } } }, T0, T1, 'START'), {
      error: 'endpointInput: empty payload',
    });
    assert.deepEqual(recordToRows(record({ data: '1', encoding: 'CSV' }, { data: '\n', encoding: 'CSV' }), T0, T1, 'START'), {
      error: 'endpointOutput: empty payload',
    });
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    assert.deepEqual(recordToRows(record({ data: deep, encoding: 'JSON' }, { data: '1', encoding: 'CSV' }), T0, T1, 'START'), {
      error: 'endpointInput: JSON payload nested too deeply',
    });
    assert.deepEqual(recordToRows(record({ data: '1', encoding: 'x\ny' }, { data: '1', encoding: 'CSV' }), T0, T1, 'START'), {
      error: "endpointInput: unknown encoding 'X\\u000aY'",
    });
    assert.deepEqual(recordToRows(record({ data: '1', encoding: 'CSV' }, { data: '1', encoding: 'CSV' }, 'noon\ntoday'), T0, T1, 'START'), {
      error: "bad inferenceTime 'noon\\u000atoday'",
    });
  });
});
