import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeEndpointStoreContract } from '../contract/endpoint-store.contract.js';
import { openMetadataStore } from '../index.js';

describeEndpointStoreContract('sqlite file', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'driftline-endpoints-'));
  return openMetadataStore(`sqlite://${path.join(dir, 'meta.db')}`);
});
describeEndpointStoreContract('memory', () => openMetadataStore('memory:'));
