import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { describeDatasetStoreContract } from '../contract/dataset-store.contract.js';
import { openMetadataStore } from '../index.js';
import { MIGRATIONS } from '../migrations/index.js';

describeDatasetStoreContract('sqlite', async () => (await openMetadataStore('sqlite::memory:')).datasets);

describe('SQLite metadata store', () => {
  it('creates the file, applies numbered migrations once, and keeps data across reopen', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'driftline-sqlite-'));
    const uri = `sqlite://${path.join(dir, 'nested', 'meta.db')}`;
    const first = await openMetadataStore(uri);
    assert.deepEqual(first.migrations, Object.keys(MIGRATIONS));
    await first.datasets.create({ id: 'ds_x', kind: 'generated', uri: 'file:///x', createdAt: 1, rowCount: 3, files: [], details: {} });
    await first.close();
    const second = await openMetadataStore(uri);
    assert.deepEqual(second.migrations, Object.keys(MIGRATIONS));
    assert.equal((await second.datasets.get('ds_x')).rowCount, 3);
    await second.close();
  });

  it('rejects unknown URI schemes listing the supported ones', async () => {
    await assert.rejects(openMetadataStore('mysql://x'), {
      code: 'invalid_argument',
      message: /supported schemes are sqlite:, memory:/,
    });
  });
});
