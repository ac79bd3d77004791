import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { describeArtifactStoreContract } from './artifact-store.contract.js';
import { FsArtifactStore } from './fs-artifact-store.js';

const tmp = () => mkdtemp(path.join(os.tmpdir(), 'driftline-fs-store-'));

describeArtifactStoreContract('filesystem', async () => new FsArtifactStore(path.join(await tmp(), 'root')));

describe('FsArtifactStore on disk', () => {
  it('refuses keys that pass through a symlink leading outside the root', async () => {
    const dir = await tmp();
    const root = path.join(dir, 'root');
    const outside = path.join(dir, 'outside');
    await mkdir(root);
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.txt'), 'secret');
    await symlink(outside, path.join(root, 'link'));
    const store = new FsArtifactStore(root);
    await assert.rejects(store.get('link/secret.txt'), { code: 'invalid_argument', message: /symbolic link/ });
    await assert.rejects(store.put('link/new.txt', 'x'), { code: 'invalid_argument' });
    assert.deepEqual(await readdir(outside), ['secret.txt']);
  });

  it('stores objects as plain files under the root and leaves no temporary files', async () => {
    const root = path.join(await tmp(), 'root');
    const store = new FsArtifactStore(root);
    await store.put('models/m1/model.json', '{"a":1}');
    assert.deepEqual(await readdir(path.join(root, 'models', 'm1')), ['model.json']);
    assert.equal(store.uriOf('models/m1/model.json'), `file://${root}/models/m1/model.json`);
  });
});
