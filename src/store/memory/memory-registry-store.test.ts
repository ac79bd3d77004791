import { describeRegistryStoreContract } from '../contract/registry-store.contract.js';
import { MemoryRegistryStore } from './memory-registry-store.js';

describeRegistryStoreContract('memory', async () => new MemoryRegistryStore());
