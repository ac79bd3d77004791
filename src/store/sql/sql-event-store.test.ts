import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeEventStoreContract } from '../contract/event-store.contract.js';
import { openMetadataStore } from '../index.js';

describeEventStoreContract('sqlite file', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'driftline-events-'));
  return openMetadataStore(`sqlite://${path.join(dir, 'meta.db')}`);
});
describeEventStoreContract('memory', () => openMetadataStore('memory:'));
