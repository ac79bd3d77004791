import os from 'node:os';
import type { LocalFiles } from '../data/index.js';
import type { Logger } from '../core/logger.js';
import { FileMatrixReader } from '../ml/adapters/file-matrix-reader.js';
import { WorkerShardExecutor } from '../ml/adapters/worker-shard-executor.js';
import { TrainingService } from '../ml/index.js';

/** The training service over its adapters: CSV and Parquet reading, row-shard workers on every core. */
export function createTrainingService(files: Pick<LocalFiles, 'readText' | 'writeText'>, logger: Logger): TrainingService {
  return new TrainingService({
    reader: new FileMatrixReader(),
    files,
    logger,
    threads: os.availableParallelism(),
    shardExecutor: (m, c, t) => new WorkerShardExecutor(m, c, t, { logger }),
    prestartWorkers: (t) => WorkerShardExecutor.prestart(t),
  });
}
