import type { Page, PageRequest } from '../core/paging.js';
import type { Dataset } from './types.js';

/**
 * Persists dataset records. Adapters: `SqlDatasetStore` (SQLite now, PostgreSQL later, same code),
 * `MemoryDatasetStore`. Contract (store/contract/dataset-store.contract.ts):
 * - `create` stores the dataset with its files; a second `create` with the same id throws `AlreadyExistsError`;
 * - `get` returns exactly what was created (files in creation order) or throws `NotFoundError`;
 * - `list` returns datasets newest first (`createdAt` desc, then id desc), paged.
 * No connection, row or transaction type crosses this port.
 */
export interface DatasetStore {
  create(dataset: Dataset): Promise<void>;
  get(id: string): Promise<Dataset>;
  list(page?: PageRequest): Promise<Page<Dataset>>;
}
