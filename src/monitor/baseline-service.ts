import type { LocalFiles } from '../data/index.js';
import { FailedPreconditionError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { noopProgress, type Progress } from '../core/progress.js';
import { DatasetProfile, positionalNames } from './dataset-profile.js';
import { writeJson } from './json-text.js';
import { mergeStatistics } from './merge-statistics.js';
import { parseStatistics } from './monitor-files.js';
import { toStatistics } from './statistics.js';
import { suggestConstraints } from './suggest-constraints.js';
import type { TableReader } from './table-reader.js';
import type { ConstraintsFile, StatisticsFile } from './types.js';

/** What the baseline service needs from the outside. */
export interface BaselineDeps {
  readonly reader: TableReader;
  readonly files: Pick<LocalFiles, 'stage' | 'readText'>;
  readonly logger: Logger;
}

/** Profiles datasets in one pass and suggests Model Monitor baselines. */
export class BaselineService {
  constructor(private readonly deps: BaselineDeps) {}

  /**
   * Profiles a CSV or Parquet file (one pass, bounded memory). With `names` (the baseline's, for
   * headerless data), columns are named by position as the analyzer does; else they keep their own.
   */
  async profile(file: string, options: { header: boolean; progress?: Progress; names?: readonly string[] }): Promise<DatasetProfile> {
    const progress = options.progress ?? noopProgress;
    const { columns, batches } = await this.deps.reader.open(file, { header: options.header });
    const names = options.names ? positionalNames(columns.length, options.names) : columns;
    const profile = new DatasetProfile(names);
    progress.start('profiling rows', 0);
    for await (const batch of batches) {
      if (batch.countsRows) {
        profile.itemCount += batch.length;
        progress.tick(batch.length);
      }
      batch.columns.forEach((chunk, c) => {
        const col = profile.columns[batch.firstColumn + c]!;
        if (chunk.kind === 'text') for (let i = 0; i < batch.length; i++) col.add(chunk.values[i]!);
        else col.addNumbers(chunk.values, batch.length, chunk.kind);
      });
    }
    progress.stop();
    return profile;
  }

  /**
   * Merges statistics.json files of shards (profiled separately) into the statistics of the whole,
   * and writes it with suggested constraints into `out`.
   */
  async mergeShards(
    files: readonly string[],
    out: string,
    options: { replace?: boolean } = {},
  ): Promise<{ statistics: StatisticsFile; constraints: ConstraintsFile }> {
    const parts: StatisticsFile[] = [];
    for (const file of files) {
      const text = await this.deps.files.readText(file);
      if (text === undefined) throw new FailedPreconditionError(`statistics file '${file}' not found`);
      parts.push(parseStatistics(text, file));
    }
    const statistics = mergeStatistics(parts);
    const constraints = suggestConstraints(statistics);
    await this.writeBaseline(out, statistics, constraints, options.replace ?? false);
    return { statistics, constraints };
  }

  /**
   * `suggest-baseline`: statistics.json and constraints.json for a dataset, written together into
   * `out` (both or neither).
   */
  async suggestBaseline(
    file: string,
    out: string,
    options: { header: boolean; replace?: boolean; progress?: Progress },
  ): Promise<{ statistics: StatisticsFile; constraints: ConstraintsFile }> {
    const profile = await this.profile(file, options);
    if (profile.itemCount === 0) throw new FailedPreconditionError(`${file}: the dataset has no rows to baseline`);
    const statistics = toStatistics(profile);
    const constraints = suggestConstraints(statistics);
    await this.writeBaseline(out, statistics, constraints, options.replace ?? false);
    this.deps.logger.info('baseline suggested', { file, rows: profile.itemCount, features: statistics.features.length });
    return { statistics, constraints };
  }

  private async writeBaseline(out: string, statistics: StatisticsFile, constraints: ConstraintsFile, replace: boolean): Promise<void> {
    const staged = await this.deps.files.stage(out, { replace });
    try {
      await writeJson(await staged.open('statistics.json'), statistics);
      await writeJson(await staged.open('constraints.json'), constraints);
      await staged.commit();
    } catch (err) {
      await staged.abort();
      throw err;
    }
  }
}
