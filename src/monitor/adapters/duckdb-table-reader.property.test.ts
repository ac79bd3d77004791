import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isMainThread } from 'node:worker_threads';
import fc from 'fast-check';
import { noopLogger } from '../../core/logger.js';
import { assertFast, fcParams, resultOrOneLineErrorAsync } from '../../../test/support/property-checks.js';
import { PROJECT_ROOT } from '../../../test/support/shared-data.js';
import { reportInput, runTimeLimited } from '../../../test/support/time-limited.js';
import { tmpDir } from '../../../test/support/tmp-dir.js';
import { AnalysisService } from '../analysis-service.js';
import { BaselineService } from '../baseline-service.js';
import type { CaptureSource } from '../capture-source.js';
import { DuckDbTableReader } from './duckdb-table-reader.js';

/**
 * Property tests of the monitor's dataset reading (DuckDB CSV reader → profile → analysis, columns
 * matched by name with a header and by position without): generated CSV texts (odd headers,
 * quotes, ragged rows, extreme numbers, binary bytes) and mutations of a real dataset end in an
 * analysis result or a one-line invalid_argument error. Fixed seeds, in a worker with a time limit.
 * DuckDB opens a database per file, so these run fewer inputs than the pure-function properties.
 */

const fixture = (name: string) => readFile(path.join(PROJECT_ROOT, 'test', 'fixtures', 'sagemaker', name), 'utf8');
const NAMES = ['fare_amount', 'passenger_count', 'trip_seconds', 'vendor_id', 'pickup_zone'];

const cellArb = fc.oneof(
  fc.integer({ min: -10, max: 100 }).map(String),
  fc.double({ noDefaultInfinity: true, noNaN: true }).map(String),
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'inf',
    '-Infinity',
    '1e308',
    '-1e308',
    '1e999',
    '0x10',
    'VTS',
    'CMT',
    'Astoria',
    '"quoted, with comma"',
    '"unterminated',
    'a"b',
    '"multi\nline"',
    'é',
    '\u0000',
    'NULL',
  ),
  fc.string({ maxLength: 8 }),
);
const headerArb = fc.oneof(
  fc.constant(NAMES),
  fc.shuffledSubarray(NAMES).map((n) => [...n, 'tip_amount']),
  fc.array(fc.oneof(fc.constantFrom(...NAMES), fc.constantFrom('', ' ', 'a b', '"q"', 'x,y', 'dup', 'dup', '_c0', 'column0'), fc.string({ maxLength: 6 })), {
    minLength: 1,
    maxLength: 7,
  }),
);
const csvArb = fc
  .record({
    header: fc.option(headerArb, { freq: 4 }),
    rows: fc.array(fc.array(cellArb, { minLength: 1, maxLength: 7 }), { maxLength: 30 }),
    newline: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    tail: fc.constantFrom('', '\n', ',', '\u0000\u0001\u00ff'),
  })
  .map(({ header, rows, newline, bom, tail }) => ({
    header: header !== null,
    text: `${bom ? '\ufeff' : ''}${[...(header ? [header.join(',')] : []), ...rows.map((r) => r.join(','))].join(newline)}${tail}`,
  }));

/** Mutations of the real dataset: characters deleted, inserted (quotes, commas, newlines, bytes) or the text cut. */
const mutatedCsvArb = (base: string) =>
  fc
    .record({
      edits: fc.array(
        fc.record({ at: fc.nat(), len: fc.nat({ max: 12 }), insert: fc.constantFrom('', '"', ',', '\n', '\r', ',,', '\u0000', '1e999', 'abc', '-1e308') }),
        { minLength: 1, maxLength: 5 },
      ),
      cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 4 }),
      header: fc.boolean(),
    })
    .map(({ edits, cut, header }) => {
      let text = base;
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        text = text.slice(0, at) + e.insert + text.slice(at + e.len);
      }
      return { header, text: cut === null ? text : text.slice(0, Math.floor(cut * text.length)) };
    });

export async function datasets({ seed, numRuns }: { seed: number; numRuns: number }): Promise<number> {
  const [statistics, constraints, base] = await Promise.all([
    fixture('statistics-service.json'),
    fixture('constraints-service.json'),
    fixture('service-dataset.csv'),
  ]);
  const texts = new Map([
    ['statistics.json', statistics],
    ['constraints.json', constraints],
  ]);
  const staged = { dir: '', uri: '', open: async () => ({ write: async () => {} }), localPath: async () => '', commit: async () => [], abort: async () => {} };
  const files = { readText: async (f: string) => texts.get(f), writeText: async () => {}, stage: async () => staged };
  const baselines = new BaselineService({ reader: new DuckDbTableReader(), files, logger: noopLogger });
  const service = new AnalysisService({ baselines, capture: {} as CaptureSource, files, logger: noopLogger, clock: { now: () => 0 } });
  const dir = await tmpDir('driftline-csv-prop-');
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.oneof(csvArb, mutatedCsvArb(base)), async ({ header, text }) => {
        const file = path.join(dir, `${run++}.csv`);
        await writeFile(file, text);
        const input = JSON.stringify({ header, text });
        reportInput(input);
        const start = performance.now();
        const outcome = await resultOrOneLineErrorAsync(
          () => service.analyze({ statistics: 'statistics.json', constraints: 'constraints.json', dataset: file, header, out: 'out', report: 'report.html' }),
          input,
        );
        if (outcome.ok) {
          const r = outcome.value;
          assert.ok(['Completed', 'CompletedWithViolations', 'Failed'].includes(r.status), r.status);
          if (r.statistics) {
            const names = r.statistics.features.map((f) => f.name);
            assert.equal(new Set(names).size, names.length, `duplicate column names ${names.join(',')}`);
            for (const n of NAMES) assert.ok(names.includes(n) !== r.missingColumns.includes(n), `${n}: present or missing`);
          }
        }
        await rm(file, { force: true });
        assertFast(start, 10_000, input);
      }),
      fcParams(seed, numRuns),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return numRuns;
}

if (isMainThread) {
  describe('the monitor reading CSV datasets: properties (fixed seed, in a worker with a time limit)', () => {
    it('generated and mutated CSV files: an analysis result or a one-line error', async () => {
      assert.equal(await runTimeLimited(import.meta.url, 'datasets', { seed: 9301, numRuns: 150 }, 120_000), 150);
    });
  });
}
