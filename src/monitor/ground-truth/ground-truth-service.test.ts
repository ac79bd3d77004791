import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../../core/clock.js';
import { NotFoundError } from '../../core/errors.js';
import { noopLogger } from '../../core/logger.js';
import { NodeLocalFiles } from '../../data/adapters/node-local-files.js';
import { FsCaptureSource } from '../adapters/fs-capture-source.js';
import { GroundTruthService } from './ground-truth-service.js';
import { parseGroundTruthLabel } from './ground-truth-record.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'driftline-gt-'));
after(() => rmSync(root, { recursive: true, force: true }));

function service(name: string, clock = new ManualClock(Date.UTC(2024, 2, 5, 11, 15, 7))) {
  const gtRoot = path.join(root, name, 'ground-truth');
  const capRoot = path.join(root, name, 'capture');
  let n = 0;
  return {
    gtRoot,
    capRoot,
    clock,
    service: new GroundTruthService({
      files: new NodeLocalFiles(),
      source: new FsCaptureSource(),
      locations: {
        groundTruthDirOf: async (e) => {
          if (e !== 'taxi-prod') throw new NotFoundError('endpoint', e);
          return path.join(gtRoot, e);
        },
        captureDirsOf: async (e) => [path.join(capRoot, e, 'AllTraffic')],
      },
      clock,
      ids: (p) => `${p}_${++n}`,
      logger: noopLogger,
    }),
  };
}

describe('GroundTruthService', () => {
  it('stores a batch as one SageMaker ground-truth file in the hour it was collected, one line per id (the last value of a repeated id)', async () => {
    const h = service('store');
    const r = await h.service.ingest('taxi-prod', [
      { inferenceId: 'trip-1', label: 12.5 },
      { groundTruthData: { data: '9.0', encoding: 'CSV' }, eventMetadata: { eventId: '58' }, eventVersion: '0' },
      { eventId: 'trip-1', label: '13' },
    ]);
    assert.deepEqual(
      { ...r, file: path.relative(h.gtRoot, r.file) },
      {
        endpointName: 'taxi-prod',
        accepted: 2,
        duplicatesInBatch: 1,
        file: path.join('taxi-prod', '2024', '03', '05', '11', '1507-gt_1.jsonl'),
        collectedAt: '2024-03-05T11:15:07.000Z',
      },
    );
    assert.deepEqual(
      readFileSync(r.file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      [
        { groundTruthData: { data: '13', encoding: 'CSV' }, eventMetadata: { eventId: 'trip-1' }, eventVersion: '0' },
        { groundTruthData: { data: '9.0', encoding: 'CSV' }, eventMetadata: { eventId: '58' }, eventVersion: '0' },
      ],
    );
  });

  it('refuses a whole batch in one line naming the bad label, and stores nothing; an unknown endpoint is not_found', async () => {
    const h = service('refuse');
    await assert.rejects(
      h.service.ingest('taxi-prod', [
        { inferenceId: 'a', label: 1 },
        { inferenceId: 'b', label: 'twelve' },
      ]),
      (err: Error) => {
        assert.match(err.message, /^label 2: label 'twelve' of 'b' is not a number.*nothing was stored$/);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
    await assert.rejects(h.service.ingest('taxi-prod', []), /no labels/);
    await assert.rejects(h.service.ingest('other', [{ inferenceId: 'a', label: 1 }]), { code: 'not_found' });
    assert.equal(existsSync(path.join(root, 'refuse')), false, 'no folder, no file');
  });

  it('reconcile names the labels that match no captured record, over the whole period', async () => {
    const h = service('reconcile');
    const dir = path.join(h.capRoot, 'taxi-prod', 'AllTraffic', '2024', '03', '05', '10');
    mkdirSync(dir, { recursive: true });
    const rec = (id: string, minute: number) =>
      JSON.stringify({
        captureData: { endpointInput: { data: '1,2', encoding: 'CSV' }, endpointOutput: { data: '5', encoding: 'CSV' } },
        eventMetadata: { eventId: `uuid-${id}`, inferenceId: id, inferenceTime: `2024-03-05T10:${String(minute).padStart(2, '0')}:00Z` },
        eventVersion: '0',
      });
    writeFileSync(path.join(dir, 'a.jsonl'), `${rec('t1', 1)}\n${rec('t2', 2)}\n${rec('t3', 3)}\n`);
    await h.service.ingest('taxi-prod', [
      { inferenceId: 't1', label: 5 },
      { inferenceId: 't2', label: 6 },
      { inferenceId: 'lost', label: 7 },
    ]);
    h.clock.set(Date.UTC(2024, 2, 5, 12, 0, 0));
    await h.service.ingest('taxi-prod', [{ inferenceId: 't1', label: 5 }]);
    const r = await h.service.reconcile('taxi-prod', Date.UTC(2024, 2, 5, 10), Date.UTC(2024, 2, 5, 13));
    assert.deepEqual(
      [r.captureRecords, r.mergedRecords, r.unlabelledRecords, r.labels, r.duplicateLabels, r.labelsNotMatched, r.labelsWithoutCapture],
      [3, 2, 1, 3, 1, 1, ['lost']],
    );
  });

  it('property: any JSON value either parses as a label or gets a one-line reason', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ inferenceId: fc.string(), label: fc.oneof(fc.double(), fc.string()) })), (v) => {
        const r = parseGroundTruthLabel(v);
        if ('error' in r) assert.doesNotMatch(r.error, /[\n\r]/);
        else {
          assert.match(r.eventId, /^[\x20-\x7e]{1,64}$/);
          assert.ok(r.data.split(',').every((c) => Number.isFinite(Number(c))));
        }
      }),
      { numRuns: 500 },
    );
  });

  it(
    'a full disk: the batch that does not fit is refused in one line (unavailable), leaves no partial or temporary file, and the stored labels still merge',
    { skip: os.platform() !== 'linux' || process.getuid?.() !== 0 ? 'needs root on Linux to mount a small tmpfs' : false },
    async (t) => {
      const h = service('full');
      mkdirSync(h.gtRoot, { recursive: true });
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', h.gtRoot]);
      } catch (err) {
        t.skip(`cannot mount a tmpfs here: ${(err as Error).message.split('\n')[0]}`);
        return;
      }
      try {
        const batch = (n: number) => Array.from({ length: 200 }, (_, i) => ({ inferenceId: `b${n}-${i}`, label: i }));
        const stored: string[] = [];
        let refused: Error | undefined;
        for (let n = 0; n < 100 && !refused; n++) {
          h.clock.advance(1000);
          await h.service.ingest('taxi-prod', batch(n)).then(
            (r) => void stored.push(r.file),
            (err: Error) => (refused = err),
          );
        }
        assert.ok(refused, 'the disk filled up');
        assert.equal((refused as { code?: string }).code, 'unavailable');
        assert.doesNotMatch(refused.message, /\n/);
        const files: string[] = [];
        const walk = (d: string) => {
          for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (f: string) => files.push(f))(path.join(d, e.name));
        };
        walk(h.gtRoot);
        assert.deepEqual(files.sort(), [...stored].sort(), 'only whole batches, no temporary file');
        for (const f of stored) assert.equal(readFileSync(f, 'utf8').trim().split('\n').length, 200);
      } finally {
        execFileSync('umount', [h.gtRoot]);
      }
    },
  );
});
