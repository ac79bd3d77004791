import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArtifactStore } from '../core/artifact-store.js';

/** The behaviour every ArtifactStore adapter must show. Call it from each adapter's test file. */
export function describeArtifactStoreContract(name: string, makeStore: () => Promise<ArtifactStore>): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    it('round-trips bytes and text and reports size and sha256', async () => {
      const store = await makeStore();
      const info = await store.put('a/b/c.txt', 'hello');
      assert.deepEqual(info, {
        key: 'a/b/c.txt',
        size: 5,
        sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      });
      assert.equal(new TextDecoder().decode(await store.get('a/b/c.txt')), 'hello');
      await store.put('bin.dat', new Uint8Array([0, 255, 7]));
      assert.deepEqual([...(await store.get('bin.dat'))], [0, 255, 7]);
      assert.deepEqual(await store.stat('a/b/c.txt'), info);
    });

    it('overwrites a key with new content', async () => {
      const store = await makeStore();
      await store.put('k', 'one');
      await store.put('k', 'two!');
      assert.equal(new TextDecoder().decode(await store.get('k')), 'two!');
      assert.equal((await store.stat('k'))?.size, 4);
    });

    it('throws not_found for a missing key and stat returns undefined', async () => {
      const store = await makeStore();
      await assert.rejects(store.get('nope/x'), { code: 'not_found' });
      assert.equal(await store.stat('nope/x'), undefined);
    });

    it('lists keys under a folder prefix, sorted and recursive', async () => {
      const store = await makeStore();
      await store.put('m/2/model.json', '{}');
      await store.put('m/1/model.json', '{}');
      await store.put('m/1/report/r.json', '{}');
      await store.put('mx/other', '{}');
      assert.deepEqual(await store.list('m'), ['m/1/model.json', 'm/1/report/r.json', 'm/2/model.json']);
      assert.deepEqual(await store.list('m/1/'), ['m/1/model.json', 'm/1/report/r.json']);
      assert.deepEqual(await store.list('absent'), []);
      assert.equal((await store.list()).length, 4);
    });

    it('deletes idempotently', async () => {
      const store = await makeStore();
      await store.put('d/x', '1');
      await store.delete('d/x');
      await store.delete('d/x');
      assert.equal(await store.stat('d/x'), undefined);
      assert.deepEqual(await store.list('d'), []);
    });

    it('rejects keys that escape the root, are absolute or malformed', async () => {
      const store = await makeStore();
      for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a//b', './a', 'a\\b', '', 'a/\0b', 'C:/x']) {
        await assert.rejects(store.put(key, 'x'), { code: 'invalid_argument' }, `put ${JSON.stringify(key)}`);
        await assert.rejects(store.get(key), { code: 'invalid_argument' }, `get ${JSON.stringify(key)}`);
      }
      assert.throws(() => store.uriOf('../x'), { code: 'invalid_argument' });
    });

    it('gives every key a URI under the root URI', async () => {
      const store = await makeStore();
      assert.ok(store.uriOf('a/b.json').startsWith(store.rootUri + '/'));
      assert.ok(store.uriOf('a/b.json').endsWith('/a/b.json'));
    });
  });
}
