import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../support/cli-runner.js';
import { NYC_DIR, nyc, SKIP_WITHOUT_NYC } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

/** A local mirror of TLC's layout serving the shared files; `/trip-data/green_tripdata_2099-01.parquet` breaks off mid-body. */
function startMirror(): Promise<{ server: Server; base: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    requests.push(req.url ?? '');
    const name = path.basename(req.url ?? '');
    if (name === 'green_tripdata_2099-01.parquet') {
      res.writeHead(200, { 'content-length': '1000000' });
      res.write(Buffer.alloc(1000));
      res.destroy();
      return;
    }
    const file = path.join(NYC_DIR, name);
    if (!existsSync(file) || !/^\/(trip-data|misc)\//.test(req.url ?? '')) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': String((await stat(file)).size) });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })),
  );
}

describe('data fetch-nyc against a local mirror', { skip: SKIP_WITHOUT_NYC }, () => {
  let mirror: Awaited<ReturnType<typeof startMirror>>;
  before(async () => {
    mirror = await startMirror();
  });
  after(() => mirror.server.close());

  it('downloads the months and the zones, records sizes and sha256, then skips complete files', async () => {
    const dir = await tmpDir();
    const out = path.join(dir, 'raw');
    const argv = ['--json', 'data', 'fetch-nyc', '--months', '2021-01,2021-02', '--out', out, '--base-url', mirror.base];
    const first = await cli(argv, { home: dir });
    assert.equal(first.code, 0, first.stderr);
    const files = first.json<{ files: { name: string; bytes: number; sha256: string; skipped?: boolean }[] }>().files;
    assert.deepEqual(
      files.map((f) => f.name),
      ['green_tripdata_2021-01.parquet', 'green_tripdata_2021-02.parquet', 'taxi_zones.zip'],
    );
    for (const f of files) {
      const original = await readFile(nyc(f.name));
      assert.equal(f.bytes, original.byteLength);
      assert.equal(f.sha256, createHash('sha256').update(original).digest('hex'));
      assert.equal(f.skipped, undefined);
    }
    const manifest = JSON.parse(await readFile(path.join(out, 'fetch-manifest.json'), 'utf8'));
    assert.equal(manifest.files.length, 3);

    const before = mirror.requests.length;
    const second = await cli(argv, { home: dir });
    assert.equal(second.code, 0, second.stderr);
    assert.ok(second.json<{ files: { skipped?: boolean }[] }>().files.every((f) => f.skipped));
    assert.equal(mirror.requests.length, before, 'no request for complete files');
  });

  it('downloads again a file that changed on disk', async () => {
    const dir = await tmpDir();
    const out = path.join(dir, 'raw');
    const argv = ['--json', 'data', 'fetch-nyc', '--months', '2021-01', '--out', out, '--base-url', mirror.base];
    assert.equal((await cli(argv, { home: dir })).code, 0);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(out, 'taxi_zones.zip'), 'damaged');
    const again = await cli(argv, { home: dir });
    const files = again.json<{ files: { name: string; skipped?: boolean }[] }>().files;
    assert.equal(files.find((f) => f.name === 'taxi_zones.zip')!.skipped, undefined);
    assert.equal(files.find((f) => f.name === 'green_tripdata_2021-01.parquet')!.skipped, true);
  });

  it('a month the mirror does not have: not found, nothing partial left', async () => {
    const dir = await tmpDir();
    const out = path.join(dir, 'raw');
    const run = await cli(['data', 'fetch-nyc', '--months', '2030-01', '--out', out, '--base-url', mirror.base], { home: dir });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /remote file '.*green_tripdata_2030-01\.parquet' not found/);
    assert.deepEqual(existsSync(out) ? await readdir(out) : [], []);
  });

  it('a download that breaks off: unavailable, no file and no .part left', async () => {
    const dir = await tmpDir();
    const out = path.join(dir, 'raw');
    const run = await cli(['data', 'fetch-nyc', '--months', '2099-01', '--out', out, '--base-url', mirror.base], { home: dir });
    assert.equal(run.code, 7, run.stderr);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1);
    assert.match(run.stderr, /green_tripdata_2099-01\.parquet/);
    assert.deepEqual(existsSync(out) ? await readdir(out) : [], []);
  });

  it('rejects a bad fleet and a bad month', async () => {
    const dir = await tmpDir();
    const fleet = await cli(['data', 'fetch-nyc', '--months', '2021-01', '--fleet', 'blue', '--out', dir, '--base-url', mirror.base], { home: dir });
    assert.equal(fleet.code, 2);
    assert.match(fleet.stderr, /--fleet must be green or yellow/);
    const month = await cli(['data', 'fetch-nyc', '--months', '21-01', '--out', dir, '--base-url', mirror.base], { home: dir });
    assert.equal(month.code, 2);
  });
});
