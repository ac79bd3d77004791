import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assertFast, fcParams, resultOrOneLineError } from '../../test/support/property-checks.js';
import { decodePredictions, decodeRows, encodePredictions, encodeRows, requestFormat, responseFormat, type PayloadFormat } from './payload-codecs.js';

/**
 * Property tests of the payload codecs: any body (random text, mutated valid bodies, deep JSON)
 * gives rows or one invalid_argument line, fast; encoded rows and predictions round-trip.
 */

const FORMATS: readonly PayloadFormat[] = ['csv', 'json', 'jsonlines'];
const formatArb = fc.constantFrom(...FORMATS);
const valueArb = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -1e6, max: 1e6 }), fc.constant(NaN));
const rowsArb = (cols: number) => fc.array(fc.array(valueArb, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 6 });

/** A CSV of all-missing rows is blank lines, which the parser skips: keep one number per row. */
const someNumber = (rows: number[][]) => rows.map((r) => (r.every((v) => Number.isNaN(v)) ? [0, ...r.slice(1)] : r));

describe('payload codecs (properties)', () => {
  it('round-trip rows through every format', () => {
    fc.assert(
      fc.property(
        formatArb,
        fc.integer({ min: 1, max: 8 }).chain((cols) => rowsArb(cols).map((rows) => ({ cols, rows }))),
        (format, { cols, rows }) => {
          const input = format === 'csv' ? someNumber(rows) : rows;
          const decoded = decodeRows(format, encodeRows(format, input), cols);
          assert.equal(decoded.rows, input.length);
          assert.deepEqual(Array.from(decoded.data), input.flat());
        },
      ),
      fcParams(1101, 300),
    );
  });

  it('round-trip predictions through every format', () => {
    fc.assert(
      fc.property(formatArb, fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 20 }), (format, predictions) => {
        assert.deepEqual(decodePredictions(format, encodePredictions(format, predictions)), predictions);
      }),
      fcParams(1102, 300),
    );
  });

  it('refuse any malformed body with one line, quickly, never another error', () => {
    const textArb = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ instances: v })),
      fc
        .array(
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
          { maxLength: 5 },
        )
        .map((ls) => ls.join('\n')),
      fc
        .array(fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.double().map(String)), { maxLength: 5 }), { maxLength: 5 })
        .map((rs) => rs.map((r) => r.join(',')).join('\n')),
      fc.integer({ min: 1, max: 50_000 }).map((d) => `${'['.repeat(d)}1${']'.repeat(d)}`),
      fc.integer({ min: 1, max: 50_000 }).map((d) => `{"instances":${'['.repeat(d)}`),
    );
    fc.assert(
      fc.property(formatArb, textArb, fc.integer({ min: 0, max: 6 }), (format, text, cols) => {
        const start = performance.now();
        const outcome = resultOrOneLineError(() => decodeRows(format, text, cols), `${format}: ${text}`);
        assertFast(start, 500, text);
        if (outcome.ok) {
          assert.equal(outcome.value.data.length, outcome.value.rows * cols);
          assert.ok(outcome.value.rows >= 1);
        }
      }),
      fcParams(1103, 600),
    );
  });

  it('content types and Accept headers: a format or one line', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('text/csv', 'TEXT/CSV; charset=utf-8', 'application/json', 'application/jsonlines', '*/*')),
        (ct) => {
          const r = resultOrOneLineError(() => requestFormat(ct), ct);
          if (r.ok) assert.ok(FORMATS.includes(r.value));
          const a = resultOrOneLineError(() => responseFormat(ct, 'csv'), ct);
          if (a.ok) assert.ok(FORMATS.includes(a.value));
        },
      ),
      fcParams(1104, 300),
    );
  });
});

describe('payload codecs (examples)', () => {
  it('parses the sample payloads and refuses bad ones with a clear line', () => {
    assert.deepEqual(Array.from(decodeRows('csv', '1,2,3\r\n4,,6\n', 3).data), [1, 2, 3, 4, NaN, 6]);
    assert.deepEqual(Array.from(decodeRows('json', '{"instances":[{"features":[1,2]},[3,null]]}', 2).data), [1, 2, 3, NaN]);
    assert.deepEqual(Array.from(decodeRows('json', '{"instances":[1,2]}', 2).data), [1, 2]);
    assert.deepEqual(Array.from(decodeRows('jsonlines', '[1,2]\n{"features":[3,4]}\n', 2).data), [1, 2, 3, 4]);
    assert.throws(() => decodeRows('csv', '1,2', 3), /row 1 has 2 columns, the model needs 3/);
    assert.throws(() => decodeRows('csv', '1,abc,3', 3), /row 1 column 2: 'abc' is not a number/);
    assert.throws(() => decodeRows('csv', '  \n', 3), /empty body/);
    assert.throws(() => decodeRows('json', '{"rows":[]}', 3), /no "instances"/);
    assert.throws(() => requestFormat('image/png'), /unsupported Content-Type 'image\/png'/);
    assert.throws(() => requestFormat(undefined), /no Content-Type/);
    assert.equal(responseFormat('application/json', 'csv'), 'json');
    assert.equal(responseFormat('*/*', 'jsonlines'), 'jsonlines');
    assert.equal(encodePredictions('csv', [19.87, 3]), '19.87\n3');
    assert.equal(encodePredictions('json', [1.5]), '{"predictions":[{"score":1.5}]}');
  });
});
