import type { DatasetStore } from './dataset-store.js';
import type { LocalFiles } from './local-files.js';
import type { Dataset } from './types.js';

/**
 * Records a dataset whose files were just committed to `dir`; if recording fails, removes `dir`
 * so that nothing half-done stays behind (an output without its record would be an orphan).
 */
export async function recordOrRemove(deps: { datasets: DatasetStore; files: LocalFiles }, dataset: Dataset, dir: string): Promise<void> {
  try {
    await deps.datasets.create(dataset);
  } catch (err) {
    await deps.files.remove(dir);
    throw err;
  }
}
