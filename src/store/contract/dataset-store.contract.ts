import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset, DatasetStore } from '../../data/index.js';

function aDataset(id: string, createdAt: number, overrides: Partial<Dataset> = {}): Dataset {
  return {
    id,
    kind: 'prepared',
    uri: `file:///data/${id}`,
    createdAt,
    rowCount: 10,
    files: [
      { role: 'input', uri: 'file:///raw/a.parquet', sizeBytes: 123, sha256: 'a'.repeat(64), rows: 12 },
      { role: 'output', uri: `file:///data/${id}/train/train.csv`, sizeBytes: 45, sha256: 'b'.repeat(64) },
    ],
    details: { seed: 42, nested: { ok: true } },
    ...overrides,
  };
}

/** The behaviour every DatasetStore adapter must show. */
export function describeDatasetStoreContract(name: string, makeStore: () => Promise<DatasetStore>): void {
  describe(`DatasetStore contract: ${name}`, () => {
    it('returns exactly what was created, files in order', async () => {
      const store = await makeStore();
      const ds = aDataset('ds_1', 1000);
      await store.create(ds);
      assert.deepEqual(await store.get('ds_1'), ds);
    });

    it('keeps a dataset with no files', async () => {
      const store = await makeStore();
      await store.create(aDataset('ds_empty', 5, { files: [] }));
      assert.deepEqual((await store.get('ds_empty')).files, []);
    });

    it('refuses a duplicate id with already_exists and keeps the first', async () => {
      const store = await makeStore();
      await store.create(aDataset('ds_1', 1000));
      await assert.rejects(store.create(aDataset('ds_1', 2000, { rowCount: 99 })), { code: 'already_exists' });
      assert.equal((await store.get('ds_1')).rowCount, 10);
    });

    it('throws not_found for an unknown id', async () => {
      const store = await makeStore();
      await assert.rejects(store.get('ds_missing'), { code: 'not_found', message: "dataset 'ds_missing' not found" });
    });

    it('lists newest first, paging with a token until the end', async () => {
      const store = await makeStore();
      for (let i = 1; i <= 5; i++) await store.create(aDataset(`ds_${i}`, i * 10));
      const first = await store.list({ limit: 2 });
      assert.deepEqual(
        first.items.map((d) => d.id),
        ['ds_5', 'ds_4'],
      );
      assert.ok(first.nextPageToken);
      const second = await store.list({ limit: 2, pageToken: first.nextPageToken });
      assert.deepEqual(
        second.items.map((d) => d.id),
        ['ds_3', 'ds_2'],
      );
      const third = await store.list({ limit: 2, pageToken: second.nextPageToken });
      assert.deepEqual(
        third.items.map((d) => d.id),
        ['ds_1'],
      );
      assert.equal(third.nextPageToken, undefined);
      assert.equal(third.items[0]!.files.length, 2);
    });
  });
}
