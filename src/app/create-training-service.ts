import os from 'node:os';
import type { LocalFiles } from '../data/index.js';
import type { Logger } from '../core/logger.js';
import { FileMatrixReader } from '../ml/adapters/file-matrix-reader.js';
import { WorkerHistogramBuilder } from '../ml/adapters/worker-histogram-builder.js';
import { TrainingService } from '../ml/index.js';

/** The training service over its adapters: CSV reading and histogram workers on every core. */
export function createTrainingService(files: Pick<LocalFiles, 'readText' | 'writeText'>, logger: Logger): TrainingService {
  return new TrainingService({
    reader: new FileMatrixReader(),
    files,
    logger,
    threads: os.availableParallelism(),
    histogramBuilder: (m, c, t) => new WorkerHistogramBuilder(m, c, t, { logger }),
    prestartWorkers: (t) => WorkerHistogramBuilder.prestart(t),
  });
}
