import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMainThread } from 'node:worker_threads';
import fc from 'fast-check';
import { assertFast, fcParams, resultOrOneLineError } from '../../../test/support/property-checks.js';
import { reportInput, runTimeLimited } from '../../../test/support/time-limited.js';
import { parseNumericCsv } from './csv-matrix-reader.js';
import { parseNumericCsvBytes } from './numeric-csv.js';

/**
 * Property tests of the training CSV reader (`parseNumericCsv`): generated numeric tables come back
 * exactly; generated and mutated texts end in a table or a one-line invalid_argument error naming
 * the file. Fixed seeds, in a worker with a time limit.
 */

const numberArb = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer().map(Number), fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 0.1));
const tableArb = fc.record({
  rows: fc.integer({ min: 1, max: 20 }),
  cols: fc.integer({ min: 2, max: 6 }),
  seedValues: fc.array(fc.option(numberArb, { freq: 6 }), { minLength: 120, maxLength: 120 }),
  header: fc.boolean(),
  labelFirst: fc.boolean(),
  crlf: fc.boolean(),
  missing: fc.constantFrom('', 'NaN', 'nan'),
});

export function roundTrip({ seed, numRuns }: { seed: number; numRuns: number }): number {
  fc.assert(
    fc.property(tableArb, ({ rows, cols, seedValues, header, labelFirst, crlf, missing }) => {
      const cell = (r: number, c: number) => {
        const v = seedValues[(r * cols + c) % seedValues.length]!;
        // Labels are never missing.
        return v === null && !(labelFirst && c === 0) ? null : (v ?? 1);
      };
      const lines = Array.from({ length: rows }, (_, r) =>
        Array.from({ length: cols }, (_, c) => cell(r, c))
          .map((v) => (v === null ? missing : String(v)))
          .join(','),
      );
      const names = Array.from({ length: cols }, (_, c) => `f${c}`);
      const text = [...(header ? [names.join(',')] : []), ...lines].join(crlf ? '\r\n' : '\n');
      reportInput(text);
      const t = parseNumericCsv(text, 'gen.csv', { header, labelFirst });
      // The byte-level parser (what `train` and `predict` use) reads exactly the same table.
      const b = parseNumericCsvBytes(Buffer.from(text, 'utf8'), 'gen.csv', { header, labelFirst });
      assert.deepEqual(
        [b.rows, b.cols, [...b.data], b.label ? [...b.label] : undefined, b.columns],
        [t.rows, t.cols, [...t.data], t.label ? [...t.label] : undefined, t.columns],
      );
      const featureCols = labelFirst ? cols - 1 : cols;
      assert.equal(t.rows, rows);
      assert.equal(t.cols, featureCols);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const expected = cell(r, c);
          const got = labelFirst && c === 0 ? t.label![r]! : t.data[r * featureCols + c - (labelFirst ? 1 : 0)]!;
          if (expected === null) assert.ok(Number.isNaN(got), `row ${r} col ${c}: ${got}`);
          else assert.ok(got === expected, `row ${r} col ${c}: ${got} vs ${expected}`);
        }
      }
      if (header) assert.deepEqual(t.columns, labelFirst ? names.slice(1) : names);
    }),
    fcParams(seed, numRuns),
  );
  return numRuns;
}

const oddCell = fc.oneof(
  numberArb.map(String),
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-Infinity', '1e999', '0x1F', '1_000', '"1"', 'abc', '1,5', '\r', 'a\rb', '\u2028', '\t1', '١٢', '\u0000'),
  fc.string({ maxLength: 6 }),
);
const textArb = fc.oneof(
  fc
    .array(fc.array(oddCell, { minLength: 1, maxLength: 5 }), { maxLength: 8 })
    .chain((rows) => fc.constantFrom('\n', '\r\n', '\r', '\n\n').map((nl) => rows.map((r) => r.join(',')).join(nl))),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b).toString('latin1')),
  // A valid file with a few characters replaced.
  fc
    .record({
      at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
      by: fc.array(fc.constantFrom('', ',', '\n', '\r', '"', 'x', '1e999', '\u2028'), { minLength: 4, maxLength: 4 }),
    })
    .map(({ at, by }) => {
      let text = 'fare,a,b\n7.5,1,2\n8.25,,3\r\n9,4,5\n';
      at.forEach((p, i) => {
        const k = p % (text.length + 1);
        text = text.slice(0, k) + by[i]! + text.slice(k + 1);
      });
      return text;
    }),
);

export function anyText({ seed, numRuns }: { seed: number; numRuns: number }): number {
  fc.assert(
    fc.property(textArb, fc.boolean(), fc.boolean(), (text, header, labelFirst) => {
      const input = JSON.stringify({ text, header, labelFirst });
      reportInput(input);
      const start = performance.now();
      const result = resultOrOneLineError(() => parseNumericCsv(text, 'gen.csv', { header, labelFirst }), input);
      if (result.ok) {
        const t = result.value;
        assert.equal(t.data.length, t.rows * t.cols);
        if (labelFirst)
          assert.ok(
            t.label!.every((v) => Number.isFinite(v)),
            input,
          );
      } else assert.match(result.error.message, /^gen\.csv: /);
      // The byte-level parser ends the same way: a table or a one-line error naming the file.
      const bytes = resultOrOneLineError(() => parseNumericCsvBytes(Buffer.from(text, 'utf8'), 'gen.csv', { header, labelFirst }), input);
      if (!bytes.ok) assert.match(bytes.error.message, /^gen\.csv: /);
      else if (labelFirst)
        assert.ok(
          bytes.value.label!.every((v) => Number.isFinite(v)),
          input,
        );
      assertFast(start, 2000, input);
    }),
    fcParams(seed, numRuns),
  );
  return numRuns;
}

if (isMainThread) {
  describe('parseNumericCsv: properties (fixed seeds, in a worker with a time limit)', () => {
    const run = (name: string, seed: number, numRuns: number) => runTimeLimited(import.meta.url, name, { seed, numRuns }, 60_000);
    it('generated numeric tables (header or not, label first or not, CRLF, missing cells) come back exactly', async () => {
      assert.equal(await run('roundTrip', 9401, 500), 500);
    });
    it('generated and mutated texts: a table or a one-line error naming the file', async () => {
      assert.equal(await run('anyText', 9402, 1500), 1500);
    });
  });
}
