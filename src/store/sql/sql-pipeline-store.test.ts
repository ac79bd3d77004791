import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describePipelineStoreContract } from '../contract/pipeline-store.contract.js';
import { openMetadataStore } from '../index.js';

describePipelineStoreContract('sqlite file', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'driftline-pipelines-'));
  return (await openMetadataStore(`sqlite://${path.join(dir, 'meta.db')}`)).pipelines;
});
describePipelineStoreContract('memory', async () => (await openMetadataStore('memory:')).pipelines);
