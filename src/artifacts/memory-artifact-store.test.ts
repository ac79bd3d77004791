import { describeArtifactStoreContract } from './artifact-store.contract.js';
import { MemoryArtifactStore } from './memory-artifact-store.js';

describeArtifactStoreContract('memory', async () => new MemoryArtifactStore());
