import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from '../core/logger.js';
import { noopLogger } from '../core/logger.js';
import { captureEncoding, captureFilePath, captureRecordLine } from './capture-record.js';
import { CaptureWriter, parseFsyncPolicy, type CaptureFile, type CaptureFiles } from './capture-writer.js';
import type { CaptureSpec } from './endpoint-spec.js';

const SPEC: CaptureSpec = {
  samplingPercent: 100,
  destinationPath: '/cap',
  destinationUri: 'file:///cap',
  captureInput: true,
  captureOutput: true,
  csvContentTypes: ['text/csv'],
  jsonContentTypes: ['application/json'],
};

/** Files in memory; `fail` makes writes throw (a full disk). */
class MemoryFiles implements CaptureFiles {
  readonly files = new Map<string, string>();
  writes = 0;
  syncs = 0;
  fail = false;
  open(path: string): Promise<CaptureFile> {
    if (this.fail) return Promise.reject(new Error('ENOSPC: no space left on device'));
    this.files.set(path, this.files.get(path) ?? '');
    return Promise.resolve({
      write: (data: Buffer) => {
        if (this.fail) return Promise.reject(new Error('ENOSPC: no space left on device'));
        this.writes++;
        this.files.set(path, this.files.get(path)! + data.toString('utf8'));
        return Promise.resolve();
      },
      sync: () => {
        this.syncs++;
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    });
  }
}

function countingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const l: Logger & { warnings: string[] } = { ...noopLogger, warnings, warn: (msg: string) => void warnings.push(msg), child: () => l };
  return l;
}

const T = Date.parse('2024-05-01T12:07:31.402Z');
let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

describe('capture records', () => {
  it('are SageMaker lines: key order, encodings, optional metadata, second-precision time', () => {
    const line = captureRecordLine(
      { contentType: 'text/csv', data: Buffer.from('1,2,3') },
      { contentType: 'text/csv; charset=utf-8', data: Buffer.from('19.87') },
      { eventId: 'e1', inferenceId: 'i1', inferenceTimeMs: T, customAttributes: 'a=b' },
      SPEC,
    );
    assert.equal(
      line,
      '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"1,2,3","encoding":"CSV"},' +
        '"endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"19.87","encoding":"CSV"}},' +
        '"eventMetadata":{"eventId":"e1","inferenceId":"i1","inferenceTime":"2024-05-01T12:07:31Z","customAttributes":"a=b"},"eventVersion":"0"}',
    );
    const plain = JSON.parse(
      captureRecordLine(
        { contentType: 'application/jsonlines', data: Buffer.from('[1]') },
        { contentType: 'application/json', data: Buffer.from('{}') },
        { eventId: 'e2', inferenceTimeMs: T },
        SPEC,
      ),
    ) as {
      captureData: { endpointInput: { data: string; encoding: string }; endpointOutput: { encoding: string } };
      eventMetadata: Record<string, string>;
    };
    assert.deepEqual(plain.captureData.endpointInput, {
      observedContentType: 'application/jsonlines',
      mode: 'INPUT',
      data: Buffer.from('[1]').toString('base64'),
      encoding: 'BASE64',
    });
    assert.equal(plain.captureData.endpointOutput.encoding, 'JSON');
    assert.deepEqual(Object.keys(plain.eventMetadata), ['eventId', 'inferenceTime']);
    assert.equal(captureEncoding('TEXT/CSV; charset=utf-8', SPEC), 'CSV');
    const inputOnly = JSON.parse(
      captureRecordLine(
        { contentType: 'text/csv', data: Buffer.from('1') },
        { contentType: 'text/csv', data: Buffer.from('2') },
        { eventId: 'e', inferenceTimeMs: T },
        { ...SPEC, captureOutput: false },
      ),
    ) as {
      captureData: object;
    };
    assert.deepEqual(Object.keys(inputOnly.captureData), ['endpointInput']);
  });

  it('go to <dest>/<endpoint>/<variant>/yyyy/mm/dd/hh/MM-SS-mmm-<uuid>.jsonl', () => {
    assert.equal(captureFilePath('/cap/', 'ep', 'LatestApproved', T, 'u'), '/cap/ep/LatestApproved/2024/05/01/12/07-31-402-u.jsonl');
  });
});

describe('CaptureWriter', () => {
  it('writes the records of one tick in one write, and resolves each append after its write', async () => {
    const files = new MemoryFiles();
    const w = new CaptureWriter({ files, destinationPath: '/cap', endpoint: 'ep', variant: 'v', uuid, logger: noopLogger });
    let resolved = 0;
    const appends = Array.from({ length: 50 }, (_, i) => w.append(`{"n":${i}}`, T).then(() => resolved++));
    assert.equal(files.writes, 0);
    await Promise.all(appends);
    assert.equal(resolved, 50);
    assert.equal(files.writes, 1);
    const [path, text] = [...files.files][0]!;
    assert.match(path!, /^\/cap\/ep\/v\/2024\/05\/01\/12\/07-31-402-[0-9a-f-]+\.jsonl$/);
    assert.equal(text!.split('\n').length, 51);
    assert.equal(w.captured, 50);
    await w.close();
  });

  it('starts a new file for each minute of invocation time and when the file is full', async () => {
    const files = new MemoryFiles();
    const w = new CaptureWriter({ files, destinationPath: '/cap', endpoint: 'ep', variant: 'v', uuid, logger: noopLogger, maxFileBytes: 30 });
    await Promise.all([w.append('{"a":1}', T), w.append('{"a":2}', T + 60_000), w.append('{"a":3}', T + 3_600_000)]);
    const paths = [...files.files.keys()];
    assert.equal(paths.length, 3);
    assert.ok(paths.some((p) => p.includes('/2024/05/01/13/07-31-402-')));
    for (let i = 0; i < 5; i++) await w.append(`{"big":"${'x'.repeat(10)}"}`, T + 3_600_000);
    assert.ok(files.files.size >= 6, `files: ${files.files.size}`);
    await w.close();
  });

  it('drops and counts records on a failing disk without rejecting, logs once per burst, and resumes', async () => {
    const files = new MemoryFiles();
    const logger = countingLogger();
    const w = new CaptureWriter({ files, destinationPath: '/cap', endpoint: 'ep', variant: 'v', uuid, logger });
    await w.append('{"ok":1}', T);
    files.fail = true;
    for (let i = 0; i < 3; i++) await Promise.all([w.append('{"x":1}', T), w.append('{"x":2}', T)]);
    assert.equal(w.dropped, 6);
    assert.equal(w.captured, 1);
    assert.deepEqual(logger.warnings, ['capture records dropped, inference goes on']);
    files.fail = false;
    await w.append('{"ok":2}', T);
    assert.equal(w.captured, 2);
    assert.deepEqual(logger.warnings, ['capture records dropped, inference goes on', 'capture resumed']);
    await w.close();
    await w.append('{"late":1}', T);
    assert.equal(w.dropped, 7);
  });

  it('a hung disk does not hold the answers: they are released after maxWaitMs, the records written when the disk is back', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const written: string[] = [];
    const files: CaptureFiles = {
      open: () =>
        Promise.resolve({
          write: async (d: Buffer) => {
            await gate;
            written.push(d.toString('utf8'));
          },
          sync: () => Promise.resolve(),
          close: () => Promise.resolve(),
        }),
    };
    const w = new CaptureWriter({ files, destinationPath: '/cap', endpoint: 'ep', variant: 'v', uuid, logger: noopLogger, maxWaitMs: 20 });
    // A hung write holds a libuv request that keeps the process alive; this promise does not.
    const alive = setInterval(() => undefined, 1000);
    await Promise.all([w.append('{"a":1}', T), w.append('{"a":2}', T)]);
    assert.equal(written.length, 0);
    await w.append('{"a":3}', T);
    assert.equal(w.late, 3);
    release();
    await w.close();
    clearInterval(alive);
    assert.equal(w.captured, 3);
    assert.equal(written.join('').split('\n').filter(Boolean).length, 3);
  });

  it('fsyncs each batch with the batch policy, and parses the policies', async () => {
    const files = new MemoryFiles();
    const w = new CaptureWriter({ files, destinationPath: '/cap', endpoint: 'ep', variant: 'v', uuid, logger: noopLogger, fsync: { kind: 'batch' } });
    await Promise.all([w.append('{"a":1}', T), w.append('{"a":2}', T)]);
    await w.append('{"a":3}', T);
    assert.equal(files.syncs, 2);
    await w.close();
    assert.deepEqual(parseFsyncPolicy('interval:200'), { kind: 'interval', ms: 200 });
    assert.deepEqual(parseFsyncPolicy('none'), { kind: 'none' });
    assert.throws(() => parseFsyncPolicy('always'), /not none, batch or interval/);
  });
});
