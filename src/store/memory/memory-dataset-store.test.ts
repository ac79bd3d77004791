import { describeDatasetStoreContract } from '../contract/dataset-store.contract.js';
import { MemoryDatasetStore } from './memory-dataset-store.js';

describeDatasetStoreContract('memory', async () => new MemoryDatasetStore());
