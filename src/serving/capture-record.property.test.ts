import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../test/support/property-checks.js';
import { recordToRows } from '../monitor/index.js';
import { captureRecordLine } from './capture-record.js';
import type { CaptureSpec } from './endpoint-spec.js';
import { encodePredictions, encodeRows, OUTPUT_CONTENT_TYPES, type PayloadFormat } from './payload-codecs.js';

const SPEC: CaptureSpec = {
  samplingPercent: 100,
  destinationPath: '/cap',
  destinationUri: 'file:///cap',
  captureInput: true,
  captureOutput: true,
  csvContentTypes: ['text/csv'],
  jsonContentTypes: ['application/json'],
};
const T = Date.parse('2024-05-01T12:07:31.402Z');
const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v));

describe('capture records read by the monitor (property)', () => {
  it('give back one monitored row per request row: prediction first, then the features', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<PayloadFormat>('csv', 'json'),
        fc.integer({ min: 1, max: 6 }).chain((cols) => fc.array(fc.array(finite, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 5 })),
        fc.option(fc.string({ minLength: 1, maxLength: 64 }), { nil: undefined }),
        (format, rows, inferenceId) => {
          const predictions = rows.map((r) => r.reduce((a, b) => a + b, 0));
          const contentType = format === 'csv' ? 'text/csv' : 'application/json';
          const line = captureRecordLine(
            { contentType, data: Buffer.from(encodeRows(format, rows)) },
            { contentType: OUTPUT_CONTENT_TYPES[format], data: Buffer.from(encodePredictions(format, predictions)) },
            { eventId: 'e', inferenceTimeMs: T, ...(inferenceId !== undefined ? { inferenceId } : {}) },
            SPEC,
          );
          assert.doesNotMatch(line, /\n/);
          const got = recordToRows(JSON.parse(line), T - 60_000, T + 60_000, 'START');
          assert.ok(Array.isArray(got), JSON.stringify(got));
          assert.deepEqual(
            got.map((r) => r.map(Number)),
            rows.map((r, i) => [predictions[i]!, ...r]),
          );
        },
      ),
      fcParams(1401, 300),
    );
  });
});
