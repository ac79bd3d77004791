import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isMainThread } from 'node:worker_threads';
import fc from 'fast-check';
import { noopLogger } from '../core/logger.js';
import { applyEdits, deeplyNested, editArb, oddValue } from '../../test/support/json-mutations.js';
import { assertFast, fcParams, resultOrOneLineErrorAsync } from '../../test/support/property-checks.js';
import { PROJECT_ROOT } from '../../test/support/shared-data.js';
import { reportInput, runTimeLimited } from '../../test/support/time-limited.js';
import { tmpDir } from '../../test/support/tmp-dir.js';
import { FsCaptureSource } from './adapters/fs-capture-source.js';
import { AnalysisService } from './analysis-service.js';
import type { BaselineService } from './baseline-service.js';
import { recordToRows } from './capture-rows.js';

/**
 * Property tests of the capture reader: captured records (the sample's record mutated, and records
 * built from random parts: CSV, JSON, BASE64 and garbage payloads, deep nesting, odd times) become
 * rows or a one-line reason; capture files of random lines go through the whole analysis to a result
 * or a one-line invalid_argument error. Fixed seeds, in a worker with a time limit.
 */

const T0 = Date.parse('2024-05-01T12:00:00Z');
const T1 = Date.parse('2024-05-01T14:00:00Z');
const SAMPLE = {
  captureData: {
    endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: 'card', encoding: 'CSV' },
    endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: '19.87', encoding: 'CSV' },
  },
  eventMetadata: { eventId: '6f1c2a8e-1f7b-4b57-9f0e-2d4a9b3c0e11', inferenceTime: '2024-05-01T12:07:31Z' },
  eventVersion: '0',
};
const PER_INPUT_MS = 2000;

/** What recordToRows may give: rows of strings, a skip, or a one-line reason. */
function checkRows(result: ReturnType<typeof recordToRows>, input: string): void {
  if (result === 'outside' || result === 'shadow') return;
  if (Array.isArray(result)) {
    for (const row of result) assert.ok(Array.isArray(row) && row.every((c) => typeof c === 'string'), input);
    return;
  }
  assert.equal(typeof result.error, 'string', input);
  assert.doesNotMatch(result.error, /[\r\n\u2028\u2029]/, `${JSON.stringify(result.error)} for ${input}`);
}

const csvArb = fc
  .array(fc.array(fc.oneof(fc.double().map(String), fc.string({ maxLength: 8 }), fc.constantFrom('', ' ', '"a,b"', '1e308', '-0')), { maxLength: 12 }), {
    maxLength: 5,
  })
  .chain((rows) => fc.constantFrom('\n', '\r\n', '\r').map((nl) => rows.map((r) => r.join(',')).join(nl)));
const payloadArb = fc.oneof(
  csvArb.map((data) => ({ data, encoding: 'CSV' as unknown })),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ data: JSON.stringify(v), encoding: 'JSON' as unknown })),
  fc
    .record({ key: fc.constantFrom('instances', 'predictions', 'features', 'x'), v: fc.jsonValue({ maxDepth: 3 }) })
    .map(({ key, v }) => ({ data: JSON.stringify({ [key]: v }), encoding: 'JSON' as unknown })),
  fc
    .integer({ min: 1, max: 60_000 })
    .chain((d) =>
      fc
        .constantFrom(deeplyNested(d), deeplyNested(d, '{"instances":', '}').replace('{"instances":}', '{"instances":1}'), deeplyNested(d).replace('[]', '[1]'))
        .map((data) => ({ data, encoding: 'JSON' as unknown })),
    ),
  fc.uint8Array({ maxLength: 64 }).map((b) => ({ data: Buffer.from(b).toString('base64'), encoding: 'BASE64' as unknown })),
  fc.record({
    data: fc.oneof(fc.string({ maxLength: 40 }), oddValue),
    encoding: fc.oneof(fc.constantFrom('CSV', 'JSON', 'BASE64', 'csv', 'XML', 'a\nb'), oddValue),
  }),
);
const timeArb = fc.oneof(
  fc.integer({ min: T0 - 3_600_000, max: T1 + 3_600_000 }).map((t) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z')),
  oddValue,
  fc.constantFrom('2024-05-01T12:07:31', 'yesterday', 'x\ny', '2024-13-45T99:99:99Z'),
);
const recordArb = fc
  .record({
    input: fc.option(payloadArb, { freq: 6 }),
    output: fc.option(payloadArb, { freq: 6 }),
    time: fc.option(timeArb, { freq: 6 }),
    source: fc.option(fc.constantFrom<unknown>('ShadowExperiment', 'Live', 3), { freq: 2 }),
  })
  .map(({ input, output, time, source }) => ({
    captureData: { ...(input ? { endpointInput: { mode: 'INPUT', ...input } } : {}), ...(output ? { endpointOutput: { mode: 'OUTPUT', ...output } } : {}) },
    eventMetadata: { eventId: 'e', ...(time === null ? {} : { inferenceTime: time }), ...(source === null ? {} : { invocationSource: source }) },
    eventVersion: '0',
  }));

export function generatedRecords({ seed, numRuns }: { seed: number; numRuns: number }): number {
  fc.assert(
    fc.property(recordArb, fc.constantFrom<'START' | 'END'>('START', 'END'), (record, position) => {
      const input = JSON.stringify(record);
      reportInput(input);
      const start = performance.now();
      checkRows(recordToRows(record, T0, T1, position), input);
      assertFast(start, PER_INPUT_MS, input);
    }),
    fcParams(seed, numRuns),
  );
  return numRuns;
}

export function mutatedRecords({ seed, numRuns }: { seed: number; numRuns: number }): number {
  fc.assert(
    fc.property(fc.array(editArb, { minLength: 1, maxLength: 5 }), fc.constantFrom<'START' | 'END'>('START', 'END'), (edits, position) => {
      const record = applyEdits(SAMPLE, edits);
      const input = JSON.stringify(record) ?? 'undefined';
      reportInput(input);
      const start = performance.now();
      checkRows(recordToRows(record, T0, T1, position), input);
      assertFast(start, PER_INPUT_MS, input);
    }),
    fcParams(seed, numRuns),
  );
  return numRuns;
}

/** Lines of a capture file: good records, generated or mutated ones, and garbage. */
const lineArb = fc.oneof(
  fc.constant(JSON.stringify(SAMPLE)),
  recordArb.map((r) => JSON.stringify(r)),
  fc.array(editArb, { minLength: 1, maxLength: 3 }).map((edits) => JSON.stringify(applyEdits(SAMPLE, edits)) ?? ''),
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', ' ', '{', '{"captureData":', '\u2028', '\ufeff{}', 'null', '[]', '7', JSON.stringify(SAMPLE).slice(0, 40)),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
);
const filesArb = fc.array(
  fc.record({ hour: fc.constantFrom('12', '13', '14'), lines: fc.array(lineArb, { maxLength: 25 }), newline: fc.constantFrom('\n', '\r\n') }),
  { minLength: 1, maxLength: 3 },
);

/** Capture folders of random files, analysed against the fixture baseline (fare_amount, payment_kind). */
export async function captureFolders({ seed, numRuns }: { seed: number; numRuns: number }): Promise<number> {
  const fixture = (name: string) => readFile(path.join(PROJECT_ROOT, 'test', 'fixtures', 'sagemaker', name), 'utf8');
  const texts = new Map([
    ['statistics.json', await fixture('statistics.json')],
    ['constraints.json', await fixture('constraints-older.json')],
  ]);
  const staged = { dir: '', uri: '', open: async () => ({ write: async () => {} }), localPath: async () => '', commit: async () => [], abort: async () => {} };
  const service = new AnalysisService({
    baselines: {} as BaselineService,
    capture: new FsCaptureSource(),
    files: { readText: async (f) => texts.get(f), writeText: async () => {}, stage: async () => staged },
    logger: noopLogger,
    clock: { now: () => 0 },
  });
  const root = await tmpDir('driftline-capture-prop-');
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(filesArb, async (files) => {
        const dir = path.join(root, String(run++));
        reportInput(files);
        const start = performance.now();
        for (const [i, f] of files.entries()) {
          await mkdir(path.join(dir, '2024', '05', '01', f.hour), { recursive: true });
          await writeFile(path.join(dir, '2024', '05', '01', f.hour, `07-31-40${i}-aaaa.jsonl`), f.lines.join(f.newline));
        }
        const outcome = await resultOrOneLineErrorAsync(
          () =>
            service.analyze({
              statistics: 'statistics.json',
              constraints: 'constraints.json',
              capture: { dir, fromMs: T0, toMs: T1 },
              out: 'out',
              report: 'report.html',
            }),
          JSON.stringify(files),
        );
        if (outcome.ok) {
          const r = outcome.value;
          assert.ok(['Completed', 'CompletedWithViolations', 'Failed'].includes(r.status));
          assert.ok(
            r.capture!.malformedExamples.every((e) => !/[\r\n\u2028\u2029]/.test(e)),
            JSON.stringify(r.capture!.malformedExamples),
          );
          if (r.status === 'Failed') assert.equal(r.capture!.rows, 0);
        }
        await rm(dir, { recursive: true, force: true });
        assertFast(start, 5000, JSON.stringify(files));
      }),
      fcParams(seed, numRuns),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return numRuns;
}

if (isMainThread) {
  describe('capture reader: properties (fixed seeds, in a worker with a time limit)', () => {
    const run = (name: string, seed: number, numRuns: number) => runTimeLimited(import.meta.url, name, { seed, numRuns }, 60_000);
    it('generated capture records: rows, a skip, or a one-line reason', async () => {
      assert.equal(await run('generatedRecords', 9201, 700), 700);
    });
    it('mutations of the sample capture record: rows, a skip, or a one-line reason', async () => {
      assert.equal(await run('mutatedRecords', 9202, 800), 800);
    });
    it('capture folders of random lines: an analysis result or a one-line error', async () => {
      assert.equal(await run('captureFolders', 9203, 120), 120);
    });
  });
}
