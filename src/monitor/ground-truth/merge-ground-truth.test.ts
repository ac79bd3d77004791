import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { CaptureLine, CaptureSource } from '../capture-source.js';
import { FsCaptureSource } from '../adapters/fs-capture-source.js';
import { mergeGroundTruth } from './merge-ground-truth.js';
import { groundTruthLine } from './ground-truth-record.js';

const T = (h: number, m = 0) => Date.UTC(2024, 2, 5, h, m);
const root = mkdtempSync(path.join(os.tmpdir(), 'driftline-merge-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A capture line as SageMaker writes it (the sample's CSV payload). */
function capture(
  eventId: string,
  at: number,
  prediction: string,
  extra: Record<string, unknown> = {},
  input = '1,-73.98,40.68,-73.93,40.71,5.3,7,0,2',
): string {
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: input, encoding: 'CSV' },
      endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: prediction, encoding: 'CSV' },
    },
    eventMetadata: { eventId, inferenceTime: new Date(at).toISOString().replace('.000Z', 'Z'), ...extra },
    eventVersion: '0',
  });
}

function hourFile(dir: string, at: number, name: string, lines: string[]): void {
  const iso = new Date(at).toISOString();
  const folder = path.join(dir, iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10), iso.slice(11, 13));
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, name), lines.map((l) => `${l}\n`).join(''));
}

const label = (eventId: string, data: string) => groundTruthLine({ eventId, data });

describe('mergeGroundTruth (SageMaker ground-truth merge)', () => {
  const captures = path.join(root, 'capture', 'taxi-prod', 'AllTraffic');
  const gt = path.join(root, 'ground-truth', 'taxi-prod');
  hourFile(captures, T(10), '05-00-000-a.jsonl', [
    capture('uuid-1', T(10, 5), '10.5', { inferenceId: 'trip-1' }),
    capture('uuid-2', T(10, 6), '20'),
    capture('uuid-3', T(10, 7), '30', { inferenceId: 'trip-3' }),
    capture('uuid-4', T(10, 8), '40', { inferenceId: 'trip-4' }),
    capture('uuid-5', T(10, 9), '50', { inferenceId: 'trip-5', invocationSource: 'ShadowExperiment' }),
    '{not json',
    capture('uuid-6', T(10, 10), '1.5\n2.5', { inferenceId: 'batch-6' }, '1,2\n3,4'),
    capture('uuid-7', T(10, 11), '7', { inferenceId: 'trip-7' }),
  ]);
  hourFile(captures, T(11), '00-00-000-b.jsonl', [capture('uuid-8', T(11, 1), '80', { inferenceId: 'trip-8' })]);
  // Labels collected later, some twice, one corrected, one for a trip never captured, one for a record outside the window.
  hourFile(gt, T(11), '1500.jsonl', [label('trip-1', '12'), label('uuid-2', '18'), label('trip-3', '33'), label('batch-6', '1,3'), label('trip-7', '1,2')]);
  hourFile(gt, T(12), '0100.jsonl', [
    label('trip-1', '12'),
    label('trip-3', '31'),
    label('ghost', '9'),
    label('trip-8', '80'),
    '{"eventMetadata":{"eventId":"x"}}',
  ]);

  it('joins on inferenceId (else eventId), counts each label once, keeps the last value sent, and accounts for every record and label', async () => {
    const merged: string[] = [];
    const r = await mergeGroundTruth(
      new FsCaptureSource(),
      { captureDirs: [captures], groundTruthDir: gt, fromMs: T(10), toMs: T(11), labelsFromMs: T(10), labelsToMs: T(13) },
      async (line) => {
        merged.push(line);
      },
    );
    assert.deepEqual([...r.y], [12, 18, 31, 1, 3]);
    assert.deepEqual([...r.p], [10.5, 20, 30, 1.5, 2.5]);
    const { examples, ...counts } = r.summary;
    assert.deepEqual(counts, {
      captureRecords: 6,
      mergedRecords: 4,
      mergedRows: 5,
      unlabelledRecords: 1,
      labels: 7,
      duplicateLabels: 1,
      conflictingLabels: 1,
      labelsNotMatched: 2,
      unusableRecords: 1,
      malformedCaptures: 1,
      malformedLabels: 1,
      reusedInferenceIds: 0,
    });
    assert.equal(examples.length, 3);
    assert.ok(examples.some((e) => /'trip-7' has 2 value\(s\) for 1 predicted row/.test(e)));
    const first = JSON.parse(merged[0]!) as { eventMetadata: { inferenceId: string }; groundTruthData: unknown; captureData: unknown };
    assert.equal(first.eventMetadata.inferenceId, 'trip-1');
    assert.deepEqual(first.groundTruthData, { data: '12', encoding: 'CSV' });
    assert.ok(first.captureData, 'a merged line is the capture record plus groundTruthData');
  });

  it('returns the input features of merged rows, and treats a missing ground-truth folder as no labels', async () => {
    const r = await mergeGroundTruth(new FsCaptureSource(), {
      captureDirs: [captures],
      groundTruthDir: gt,
      fromMs: T(10),
      toMs: T(11),
      labelsFromMs: T(10),
      labelsToMs: T(13),
      withInputs: true,
    });
    assert.deepEqual(r.inputs?.[0], ['1', '-73.98', '40.68', '-73.93', '40.71', '5.3', '7', '0', '2']);
    assert.deepEqual(r.inputs?.slice(3), [
      ['1', '2'],
      ['3', '4'],
    ]);
    const none = await mergeGroundTruth(new FsCaptureSource(), {
      captureDirs: [captures, path.join(root, 'no-such-variant')],
      groundTruthDir: path.join(root, 'nothing'),
      fromMs: T(10),
      toMs: T(12),
      labelsFromMs: T(10),
      labelsToMs: T(13),
    });
    assert.equal(none.summary.captureRecords, 7);
    assert.equal(none.summary.unlabelledRecords, 7);
    assert.equal(none.y.length, 0);
  });

  it('property: however often and in whatever batches labels are sent, the merge counts each record once and accounts for every id', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 25 }),
        fc.array(fc.record({ id: fc.integer({ min: 0, max: 40 }), repeat: fc.integer({ min: 1, max: 3 }) }), { maxLength: 30 }),
        async (captured, sent) => {
          const captureLines = captured.map((id, i) => capture(`e${id}`, T(10, i), String(id)));
          const labelLines = sent.flatMap(({ id, repeat }) => Array.from({ length: repeat }, () => label(`e${id}`, String(id + 0.5))));
          const source = memorySource({ cap: captureLines, gt: labelLines });
          const r = await mergeGroundTruth(source, {
            captureDirs: ['cap'],
            groundTruthDir: 'gt',
            fromMs: T(10),
            toMs: T(11),
            labelsFromMs: T(10),
            labelsToMs: T(12),
          });
          const labelled = new Set(sent.map((s) => s.id));
          const both = captured.filter((id) => labelled.has(id));
          assert.equal(r.summary.mergedRecords, both.length);
          assert.equal(r.summary.unlabelledRecords, captured.length - both.length);
          assert.equal(r.summary.labelsNotMatched, labelled.size - both.length);
          assert.equal(r.summary.duplicateLabels, labelLines.length - labelled.size);
          assert.deepEqual([...r.p], both);
          assert.deepEqual(
            [...r.y],
            both.map((id) => id + 0.5),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Capture and label lines held in memory, by folder (the same port the file adapter implements). */
function memorySource(folders: Record<string, string[]>): CaptureSource {
  return {
    async *lines(dir: string): AsyncIterable<CaptureLine> {
      let n = 0;
      for (const text of folders[dir] ?? []) yield { file: dir, line: ++n, record: JSON.parse(text) as unknown };
    },
  };
}
