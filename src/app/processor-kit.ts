import type { Config } from '../config/config.js';
import { systemClock } from '../core/clock.js';
import { createIdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { createRandom } from '../core/random.js';
import { randomInt } from 'node:crypto';
import { NodeLocalFiles } from '../data/adapters/node-local-files.js';
import type { PrepareService } from '../data/index.js';
import type { TrainingService } from '../ml/index.js';
import type { AnalysisService, BaselineService, ModelQualityService } from '../monitor/index.js';

/**
 * The services a pipeline job's child process may need, each built on first use with its adapters
 * imported only then: a training job never loads DuckDB or the SQL driver, so each job starts in a
 * fraction of the time a whole App takes.
 */
export interface ProcessorKit {
  training(): Promise<TrainingService>;
  baselines(): Promise<BaselineService>;
  analyses(): Promise<AnalysisService>;
  modelQuality(): Promise<ModelQualityService>;
  /** Data preparation, recording its dataset in the metadata store (for lineage). */
  prepare(): Promise<PrepareService>;
  writeText(file: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export function createProcessorKit(config: Config, logger: Logger): ProcessorKit {
  const files = new NodeLocalFiles();
  const clock = systemClock;
  const closers: (() => Promise<void> | void)[] = [];
  const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
    let p: Promise<T> | undefined;
    return () => (p ??= make());
  };
  const baselines = once(async () => {
    const [{ BaselineService }, { DuckDbTableReader }] = await Promise.all([
      import('../monitor/index.js'),
      import('../monitor/adapters/duckdb-table-reader.js'),
    ]);
    return new BaselineService({ reader: new DuckDbTableReader(), files, logger });
  });
  return {
    training: once(async () => (await import('./create-training-service.js')).createTrainingService(files, logger)),
    baselines,
    analyses: once(async () => {
      const [{ AnalysisService }, { FsCaptureSource }] = await Promise.all([import('../monitor/index.js'), import('../monitor/adapters/fs-capture-source.js')]);
      return new AnalysisService({ baselines: await baselines(), capture: new FsCaptureSource(), files, logger, clock });
    }),
    modelQuality: once(async () => {
      const [{ ModelQualityService }, { DuckDbTableReader }, { FsCaptureSource }] = await Promise.all([
        import('../monitor/index.js'),
        import('../monitor/adapters/duckdb-table-reader.js'),
        import('../monitor/adapters/fs-capture-source.js'),
      ]);
      return new ModelQualityService({ reader: new DuckDbTableReader(), capture: new FsCaptureSource(), files, logger, clock });
    }),
    prepare: once(async () => {
      const [{ PrepareService }, { DuckDbTripReader }, { ZoneFileLoader }, { openMetadataStore }] = await Promise.all([
        import('../data/index.js'),
        import('../data/adapters/duckdb-trip-reader.js'),
        import('../data/adapters/zone-file-loader.js'),
        import('../store/index.js'),
      ]);
      const metadata = await openMetadataStore(config.metadataUri);
      const trips = new DuckDbTripReader();
      closers.push(
        () => trips.close(),
        () => metadata.close(),
      );
      const ids = createIdGenerator(clock, createRandom(randomInt(2 ** 31)));
      return new PrepareService({ trips, zones: new ZoneFileLoader(), files, datasets: metadata.datasets, clock, ids, logger });
    }),
    writeText: (file, text) => files.writeText(file, text),
    close: async () => {
      for (const c of closers.reverse()) await c();
    },
  };
}
