import { AlreadyExistsError, NotFoundError } from '../../core/errors.js';
import { decodeOffsetToken, encodeOffsetToken, pageSize, type Page, type PageRequest } from '../../core/paging.js';
import type { Dataset, DatasetStore } from '../../data/index.js';

/** DatasetStore in process memory; passes the same contract as the SQL one. */
export class MemoryDatasetStore implements DatasetStore {
  private readonly datasets = new Map<string, Dataset>();

  async create(dataset: Dataset): Promise<void> {
    if (this.datasets.has(dataset.id)) throw new AlreadyExistsError('dataset', dataset.id);
    this.datasets.set(dataset.id, structuredClone(dataset));
  }

  async get(id: string): Promise<Dataset> {
    const found = this.datasets.get(id);
    if (!found) throw new NotFoundError('dataset', id);
    return structuredClone(found);
  }

  async list(page?: PageRequest): Promise<Page<Dataset>> {
    const limit = pageSize(page);
    const offset = decodeOffsetToken(page?.pageToken);
    const all = [...this.datasets.values()].sort((a, b) => (b.createdAt !== a.createdAt ? b.createdAt - a.createdAt : b.id < a.id ? -1 : b.id > a.id ? 1 : 0));
    const items = all.slice(offset, offset + limit).map((d) => structuredClone(d));
    return offset + limit < all.length ? { items, nextPageToken: encodeOffsetToken(offset + limit) } : { items };
  }
}
