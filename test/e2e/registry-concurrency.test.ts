import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openMetadataStore } from '../../src/store/index.js';
import { PROJECT_ROOT } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

const SCRIPT = path.join(PROJECT_ROOT, 'test', 'support', 'register-versions.ts');

/** Starts one registering child; resolves `ready` when it has opened the store, `done` with the versions it got. */
function startChild(args: string[]): { ready: Promise<void>; done: Promise<number[]> } {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('ready\n')) markReady();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      markReady();
      if (code !== 0) reject(new Error(`child exited ${code}: ${err}`));
      else resolve(JSON.parse(out.split('\n').filter((l) => l.startsWith('['))[0]!) as number[]);
    });
  });
  return { ready, done };
}

describe('registry across processes', () => {
  it('4 processes registering 5 versions each into one SQLite file get versions 1..20, no gap, no duplicate', async () => {
    const dir = await tmpDir('driftline-registry-procs-');
    const uri = `sqlite://${path.join(dir, 'driftline.db')}`;
    await (await openMetadataStore(uri)).close(); // migrate once, before the children race
    const goFile = path.join(dir, 'go');
    const children = Array.from({ length: 4 }, () => startChild([uri, 'taxi', '5', goFile]));
    await Promise.all(children.map((c) => c.ready));
    await writeFile(goFile, '');
    const perChild = await Promise.all(children.map((c) => c.done));
    assert.ok(perChild.every((v) => v.length === 5));
    assert.deepEqual(
      perChild.flat().sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );

    const stores = await openMetadataStore(uri);
    try {
      const listed = await stores.registry.listVersions('taxi', { limit: 100 });
      assert.deepEqual(
        listed.items.map((p) => p.version),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      assert.equal(new Set(listed.items.map((p) => p.modelDataUrl)).size, 20, 'every registration is its own version');
      assert.equal((await stores.registry.listGroups()).items.length, 1);
    } finally {
      await stores.close();
    }
  });
});
