import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsArtifactStore } from '../../artifacts/fs-artifact-store.js';
import { MemoryArtifactStore } from '../../artifacts/memory-artifact-store.js';
import type { ArtifactStore } from '../../core/artifact-store.js';
import { UnavailableError } from '../../core/errors.js';
import { describeStepWorkspaceContract, type WorkspaceUnderTest } from '../contract/step-workspace.contract.js';
import { FsStepWorkspace } from './fs-step-workspace.js';
import { MemoryStepWorkspace } from './memory-step-workspace.js';

/** An artifact store whose puts fail from the n-th on, as on a full disk. */
function failing(inner: ArtifactStore): { store: ArtifactStore; failPutsFrom(n: number): void } {
  let from = Infinity;
  let puts = 0;
  const store = Object.create(inner) as ArtifactStore;
  store.put = async (key, body) => {
    puts++;
    if (puts >= from) throw new UnavailableError(`artifact store: put ${key}: ENOSPC: no space left on device`);
    return inner.put(key, body);
  };
  return {
    store,
    failPutsFrom: (n) => {
      puts = 0;
      from = n;
    },
  };
}

describeStepWorkspaceContract('filesystem', async (): Promise<WorkspaceUnderTest> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'driftline-ws-'));
  const artifacts = new FsArtifactStore(path.join(dir, 'artifacts'));
  const f = failing(artifacts);
  return { workspace: new FsStepWorkspace(f.store, path.join(dir, 'jobs')), artifacts, failPutsFrom: f.failPutsFrom };
});

describeStepWorkspaceContract('memory', async (): Promise<WorkspaceUnderTest> => {
  const artifacts = new MemoryArtifactStore();
  const f = failing(artifacts);
  return { workspace: new MemoryStepWorkspace(f.store), artifacts, failPutsFrom: f.failPutsFrom };
});
