import type { Clock } from '../../core/clock.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { Logger } from '../../core/logger.js';
import { noopProgress, type Progress } from '../../core/progress.js';
import { createRandom } from '../../core/random.js';
import { GENERATED_ZONES_FILE } from '../data-files.js';
import { recordOrRemove } from '../record-dataset.js';
import type { DatasetStore } from '../dataset-store.js';
import type { LocalFiles } from '../local-files.js';
import type { TripFileFormat, TripFileWriter } from '../trip-file-writer.js';
import type { Dataset } from '../types.js';
import { CALIBRATION } from './calibration.js';
import { DRIFT_PRESETS, type DriftPreset } from './drift-presets.js';
import { calibratedZones, TripGenerator } from './trip-generator.js';

/** What `generate` needs from the outside. */
export interface GenerateDeps {
  readonly writer: TripFileWriter;
  readonly files: LocalFiles;
  readonly datasets: DatasetStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/** One `generate` request. */
export interface GenerateRequest {
  readonly out: string;
  /** Months as `YYYY-MM`. */
  readonly months: readonly string[];
  /** Trips per month. */
  readonly rows: number;
  readonly seed: number;
  readonly drift: DriftPreset;
  readonly format?: TripFileFormat;
  readonly replace?: boolean;
  readonly progress?: Progress;
}

/** What `generate` wrote. */
export interface GenerateReport {
  readonly months: readonly { readonly month: string; readonly file: string; readonly rows: number }[];
  readonly zonesFile: string;
  readonly rowsPerMonth: number;
  readonly seed: number;
  readonly drift: DriftPreset;
  readonly format: TripFileFormat;
  readonly calibratedOn: readonly string[];
  readonly seconds: number;
}

export { GENERATED_ZONES_FILE };

/**
 * Writes synthetic trips in TLC's green schema, one file per month, plus a zone-centroid CSV, so the
 * whole loop runs on a fresh machine with no network and no real data. Each month has its own random
 * stream derived from the seed and the month, so adding a month never changes another.
 */
export class GenerateService {
  constructor(private readonly deps: GenerateDeps) {}

  async generate(req: GenerateRequest): Promise<{ dataset: Dataset; report: GenerateReport }> {
    const started = this.deps.clock.now();
    const months = req.months.map(checkMonth);
    if (months.length === 0) throw new InvalidArgumentError('--months needs at least one YYYY-MM month');
    if (!Number.isSafeInteger(req.rows) || req.rows < 1 || req.rows > 100_000_000) {
      throw new InvalidArgumentError(`--rows must be an integer from 1 to 100000000, got '${req.rows}'`);
    }
    if (!DRIFT_PRESETS.includes(req.drift)) {
      throw new InvalidArgumentError(`unknown drift preset '${String(req.drift)}': use one of ${DRIFT_PRESETS.join(', ')}`);
    }
    const format = req.format ?? 'parquet';
    const progress = req.progress ?? noopProgress;
    const generator = new TripGenerator(req.drift);
    const staged = await this.deps.files.stage(req.out, { replace: req.replace ?? false });
    const written: { month: string; file: string; rows: number }[] = [];
    let outputs;
    let report: GenerateReport;
    try {
      progress.start('generating trips', req.rows * months.length);
      for (const month of months) {
        const file = `green_tripdata_${month}.${format}`;
        const random = createRandom(mixSeed(req.seed, month));
        const rows = await this.deps.writer.write(await staged.localPath(file), format, generator.trips(month, req.rows, random), (n) => progress.tick(n));
        written.push({ month, file, rows });
      }
      progress.stop();
      const zones = await staged.open(GENERATED_ZONES_FILE);
      await zones.write(
        `LocationID,latitude,longitude\n${calibratedZones()
          .map((z) => `${z.locationId},${z.latitude},${z.longitude}`)
          .join('\n')}\n`,
      );
      report = {
        months: written,
        zonesFile: GENERATED_ZONES_FILE,
        rowsPerMonth: req.rows,
        seed: req.seed,
        drift: req.drift,
        format,
        calibratedOn: CALIBRATION.source,
        seconds: (this.deps.clock.now() - started) / 1000,
      };
      const sink = await staged.open('generate-report.json');
      await sink.write(`${JSON.stringify(report, null, 2)}\n`);
      outputs = await staged.commit();
    } catch (err) {
      await staged.abort();
      throw err;
    }
    const dataset: Dataset = {
      id: this.deps.ids('ds'),
      kind: 'generated',
      uri: staged.uri,
      createdAt: this.deps.clock.now(),
      rowCount: written.reduce((s, m) => s + m.rows, 0),
      files: outputs.map((o) => {
        const m = written.find((w) => o.uri.endsWith(`/${w.file}`));
        return m ? { ...o, rows: m.rows } : o;
      }),
      details: { ...report },
    };
    await recordOrRemove(this.deps, dataset, staged.dir);
    return { dataset, report };
  }
}

function checkMonth(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month.trim());
  const year = Number(m?.[1]);
  const mon = Number(m?.[2]);
  if (!m || year < 2009 || year > 2100 || mon < 1 || mon > 12) {
    throw new InvalidArgumentError(`month '${month}' is not a YYYY-MM month between 2009-01 and 2100-12`);
  }
  return `${m[1]}-${m[2]}`;
}

/** A 32-bit seed from the user's seed and a month (FNV-1a), so months get independent streams. */
function mixSeed(seed: number, month: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of month) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
