import path from 'node:path';
import { describeRegistryStoreContract } from '../contract/registry-store.contract.js';
import { openMetadataStore } from '../index.js';
import { tmpDir } from '../../../test/support/tmp-dir.js';

describeRegistryStoreContract('sqlite in memory', async () => (await openMetadataStore('sqlite::memory:')).registry);
describeRegistryStoreContract(
  'sqlite file',
  async () => (await openMetadataStore(`sqlite://${path.join(await tmpDir('driftline-registry-'), 'meta.db')}`)).registry,
);
