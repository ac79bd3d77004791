import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../core/clock.js';
import { FailedPreconditionError, InvalidArgumentError } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { noopProgress, type Progress } from '../core/progress.js';
import { createRandom } from '../core/random.js';
import { PREPARED_FILES } from './data-files.js';
import { recordOrRemove } from './record-dataset.js';
import type { DatasetStore } from './dataset-store.js';
import { FeatureTable } from './feature-table.js';
import { geoDistanceKm } from './geo-distance.js';
import type { LocalFiles, StagedOutput } from './local-files.js';
import { seededSplit } from './seeded-split.js';
import { firstFailedRule, type TripCandidate } from './trip-cleaning.js';
import type { TripReader } from './trip-reader.js';
import { CLEANING_RULES, FEATURE_COLUMNS, type CleaningRule, type Dataset, type DatasetFile, type PrepareReport } from './types.js';
import type { ZoneLoader } from './zone-loader.js';

/** What `prepare` needs from the outside. */
export interface PrepareDeps {
  readonly trips: TripReader;
  readonly zones: ZoneLoader;
  readonly files: LocalFiles;
  readonly datasets: DatasetStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/** One `prepare` request. */
export interface PrepareRequest {
  /** Trip files, folders or `*` patterns (Parquet or CSV). */
  readonly trips: readonly string[];
  /** `taxi_zones.zip` or a centroid CSV. */
  readonly zones: string;
  /** The output folder. */
  readonly out: string;
  readonly seed: number;
  /** Replace a non-empty output folder. */
  readonly replace?: boolean;
  readonly progress?: Progress;
  /**
   * When the input and output folders are temporary (a pipeline job's), where their files really
   * come from and are kept after the run. The dataset then records those URIs instead of the local
   * files: each output under the URI of its folder (the dataset's `uri` is their common parent; files
   * under no listed output folder do not outlive the run and are left out), each input as its source.
   */
  readonly locations?: { readonly inputs: readonly FolderLocation[]; readonly outputs: readonly FolderLocation[] };
}

/** A local folder standing in for a URI: its files come from (input) or are stored at (output) `uri`. */
export interface FolderLocation {
  /** Absolute local path. */
  readonly dir: string;
  readonly uri: string;
}

/** What `prepare` produced. */
export interface PrepareResult {
  readonly dataset: Dataset;
  readonly report: PrepareReport;
}

export { PREPARED_FILES };

/**
 * Turns raw TLC trip files into the sample's training, validation, test and baseline CSVs: zone
 * centroids, distance and time features, the sample's cleaning rules, a seeded 80/19/1 split.
 * Writes everything to a staging folder that appears at `out` only when complete, then records the
 * dataset (inputs and outputs with their hashes) in the metadata store.
 */
export class PrepareService {
  private readonly logger: Logger;

  constructor(private readonly deps: PrepareDeps) {
    this.logger = deps.logger.child({ component: 'data.prepare' });
  }

  async prepare(req: PrepareRequest): Promise<PrepareResult> {
    const started = this.deps.clock.now();
    const progress = req.progress ?? noopProgress;
    const inputs = await this.deps.files.expand(req.trips, ['.parquet', '.csv', '.csv.gz']);
    // A table already in FEATURE_COLUMNS (captured inputs with their ground truth) is only split.
    if (inputs.length === 1 && inputs[0]!.endsWith('.csv')) {
      const text = await this.deps.files.readText(inputs[0]!);
      if (text !== undefined && isFeatureTable(text)) return this.prepareFeatures(inputs[0]!, text, req, started);
    }
    const zoneFile = await this.deps.zones.load(req.zones);
    const zoneIndex = new Map<number, number>(zoneFile.zones.map((z, i) => [z.locationId, i]));

    const described = [];
    for (const file of inputs) {
      const { schema, rows } = await this.deps.trips.inspect(file);
      described.push({ file, schema, rows, info: await this.deps.files.describe(file) });
    }
    const totalRows = described.reduce((s, d) => s + d.rows, 0);

    const table = new FeatureTable(zoneFile.zones);
    const zones = zoneFile.zones;
    const dropped = Object.fromEntries(CLEANING_RULES.map((r) => [r, 0])) as Record<CleaningRule, number>;
    let rowsRead = 0;
    // Distances between zone centroids, computed once per pair.
    const pairKm = new Float64Array(zones.length * zones.length).fill(NaN);
    const distance = (a: number, b: number): number => {
      const k = a * zones.length + b;
      let d = pairKm[k]!;
      if (Number.isNaN(d)) {
        d = geoDistanceKm(zones[a]!.latitude, zones[a]!.longitude, zones[b]!.latitude, zones[b]!.longitude);
        pairKm[k] = d;
      }
      return d;
    };
    progress.start('reading trips', totalRows);
    const candidate: TripCandidate = {
      fareAmount: 0,
      passengerCount: 0,
      pickupZone: 0,
      dropoffZone: 0,
      hour: 0,
      weekday: 0,
      month: 0,
      durationMinutes: 0,
      zonesKnown: false,
      geoDistance: NaN,
      unreadable: 0,
    };
    for (const { file, schema } of described) {
      for await (const batch of this.deps.trips.read(file, schema)) {
        for (let i = 0; i < batch.length; i++) {
          candidate.fareAmount = batch.fareAmount[i]!;
          candidate.passengerCount = batch.passengerCount[i]!;
          candidate.pickupZone = batch.pickupZone[i]!;
          candidate.dropoffZone = batch.dropoffZone[i]!;
          candidate.hour = batch.hour[i]!;
          candidate.weekday = batch.weekday[i]!;
          candidate.month = batch.month[i]!;
          candidate.durationMinutes = batch.durationMinutes[i]!;
          candidate.unreadable = batch.unreadable[i]!;
          const puIndex = zoneIndex.get(candidate.pickupZone);
          const dzIndex = zoneIndex.get(candidate.dropoffZone);
          candidate.zonesKnown = puIndex !== undefined && dzIndex !== undefined;
          candidate.geoDistance = candidate.zonesKnown ? distance(puIndex!, dzIndex!) : NaN;
          const failed = firstFailedRule(candidate);
          if (failed) {
            dropped[failed]++;
            continue;
          }
          table.push(
            candidate.fareAmount,
            candidate.passengerCount,
            puIndex!,
            dzIndex!,
            candidate.geoDistance,
            candidate.hour,
            candidate.weekday,
            candidate.month,
          );
        }
        rowsRead += batch.length;
        progress.tick(batch.length);
      }
    }
    progress.stop();
    if (table.rows < 2) {
      throw new FailedPreconditionError(
        `only ${table.rows} trip(s) left after cleaning ${rowsRead} read; nothing to split (see the dropped-row counts with --json)`,
        { details: { rowsRead, dropped } },
      );
    }

    const split = seededSplit(table.rows, createRandom(req.seed));
    const id = this.deps.ids('ds');
    const staged = await this.deps.files.stage(req.out, { replace: req.replace ?? false });
    let outputs: DatasetFile[];
    let report: PrepareReport;
    try {
      progress.start('writing splits', table.rows);
      const header = FEATURE_COLUMNS.join(',');
      // Baseline is the training rows with a header: format them once, write them twice.
      await writeRows(staged, [{ path: PREPARED_FILES.train }, { path: PREPARED_FILES.baseline, header }], split.train, table, progress);
      await writeRows(staged, [{ path: PREPARED_FILES.validation }], split.validation, table, progress);
      await writeRows(staged, [{ path: PREPARED_FILES.test, header }], split.test, table, progress);
      progress.stop();
      report = {
        inputs: described.map((d) => ({ file: d.info.path, rows: d.rows, schema: d.schema, sha256: d.info.sha256 })),
        zones: { file: req.zones, source: zoneFile.source, zones: zoneFile.zones.length },
        rowsRead,
        rowsKept: table.rows,
        rowsDropped: dropped,
        splits: { train: split.train.length, validation: split.validation.length, test: split.test.length, baseline: split.train.length },
        seed: req.seed,
        columns: FEATURE_COLUMNS,
        seconds: (this.deps.clock.now() - started) / 1000,
      };
      const sink = await staged.open(PREPARED_FILES.report);
      await sink.write(`${JSON.stringify({ datasetId: id, ...report }, null, 2)}\n`);
      outputs = await staged.commit();
    } catch (err) {
      await staged.abort();
      throw err;
    }

    const dataset = await this.record(id, req, report, outputs, staged, described, split);
    this.logger.info('dataset prepared', { datasetId: id, rowsRead, rowsKept: table.rows, seconds: report.seconds });
    return { dataset, report };
  }

  /**
   * `prepare` on a table already in FEATURE_COLUMNS (header line, fare first: what
   * `ground-truth export` writes from an endpoint's captured inputs and their labels): no cleaning
   * rule and no zone file apply; the rows are checked, then split and written as `prepare` does.
   */
  private async prepareFeatures(file: string, text: string, req: PrepareRequest, started: number): Promise<PrepareResult> {
    const rows = featureRows(file, text);
    if (rows.length < 2) throw new FailedPreconditionError(`${file}: only ${rows.length} row(s); nothing to split`);
    const split = seededSplit(rows.length, createRandom(req.seed));
    const info = await this.deps.files.describe(file);
    const described = [{ file, schema: 'features' as const, rows: rows.length, info }];
    const id = this.deps.ids('ds');
    const staged = await this.deps.files.stage(req.out, { replace: req.replace ?? false });
    let outputs: DatasetFile[];
    let report: PrepareReport;
    try {
      const header = `${FEATURE_COLUMNS.join(',')}\n`;
      const text = (idx: Uint32Array) => Array.from(idx, (i) => `${rows[i]!}\n`).join('');
      const train = text(split.train);
      await (await staged.open(PREPARED_FILES.train)).write(train);
      await (await staged.open(PREPARED_FILES.baseline)).write(header + train);
      await (await staged.open(PREPARED_FILES.validation)).write(text(split.validation));
      await (await staged.open(PREPARED_FILES.test)).write(header + text(split.test));
      report = {
        inputs: [{ file, rows: rows.length, schema: 'features', sha256: info.sha256 }],
        rowsRead: rows.length,
        rowsKept: rows.length,
        rowsDropped: Object.fromEntries(CLEANING_RULES.map((r) => [r, 0])) as Record<CleaningRule, number>,
        splits: { train: split.train.length, validation: split.validation.length, test: split.test.length, baseline: split.train.length },
        seed: req.seed,
        columns: FEATURE_COLUMNS,
        seconds: (this.deps.clock.now() - started) / 1000,
      };
      await (await staged.open(PREPARED_FILES.report)).write(`${JSON.stringify({ datasetId: id, ...report }, null, 2)}\n`);
      outputs = await staged.commit();
    } catch (err) {
      await staged.abort();
      throw err;
    }
    const dataset = await this.record(id, req, report, outputs, staged, described, split);
    this.logger.info('features table prepared', { datasetId: id, rows: rows.length, seconds: report.seconds });
    return { dataset, report };
  }

  /** Records the prepared dataset (inputs and outputs with their hashes and row counts); a failed record removes the outputs. */
  private async record(
    id: string,
    req: PrepareRequest,
    report: PrepareReport,
    outputs: DatasetFile[],
    staged: { readonly dir: string; readonly uri: string },
    described: readonly { rows: number; info: { uri: string; sizeBytes: number; sha256: string } }[],
    split: { train: Uint32Array; validation: Uint32Array; test: Uint32Array },
  ): Promise<Dataset> {
    const rowsByFile: Record<string, number> = {
      [PREPARED_FILES.train]: split.train.length,
      [PREPARED_FILES.validation]: split.validation.length,
      [PREPARED_FILES.test]: split.test.length,
      [PREPARED_FILES.baseline]: split.train.length,
    };
    const inputFiles = described.map((d): DatasetFile => ({
      role: 'input',
      uri: d.info.uri,
      sizeBytes: d.info.sizeBytes,
      sha256: d.info.sha256,
      rows: d.rows,
    }));
    const outputFiles = outputs.map((o): DatasetFile => {
      const rel = Object.keys(rowsByFile).find((k) => o.uri.endsWith('/' + k));
      return rel ? { ...o, rows: rowsByFile[rel]! } : o;
    });
    const located = req.locations ? locate(inputFiles, outputFiles, req.locations) : undefined;
    const dataset: Dataset = {
      id,
      kind: 'prepared',
      uri: located?.uri ?? staged.uri,
      createdAt: this.deps.clock.now(),
      rowCount: report.rowsKept,
      files: located?.files ?? [...inputFiles, ...outputFiles],
      details: { ...report },
    };
    await recordOrRemove(this.deps, dataset, staged.dir);
    return dataset;
  }
}

/** Whether a CSV's first line is FEATURE_COLUMNS' header. */
function isFeatureTable(text: string): boolean {
  const end = text.indexOf('\n');
  return (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '').trim() === FEATURE_COLUMNS.join(',');
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The data rows of a features table, each checked (width, numbers): a bad cell is refused in one line naming it. */
function featureRows(file: string, text: string): string[] {
  const lines = text.split(/\r?\n/);
  const rows: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const cells = line.split(',');
    if (cells.length !== FEATURE_COLUMNS.length)
      throw new InvalidArgumentError(`${file}: line ${i + 1} has ${cells.length} fields, expected ${FEATURE_COLUMNS.length} (${FEATURE_COLUMNS.join(',')})`);
    cells.forEach((c, k) => {
      if (!NUMBER.test(c.trim())) throw new InvalidArgumentError(`${file}: line ${i + 1}, column ${FEATURE_COLUMNS[k]}: not a number: '${c.slice(0, 40)}'`);
    });
    rows.push(cells.map((c) => c.trim()).join(','));
  }
  return rows;
}

/** Writes the rows `rows` of `table` to every target (each with its optional header line). */
async function writeRows(
  staged: StagedOutput,
  targets: readonly { path: string; header?: string }[],
  rows: Uint32Array,
  table: FeatureTable,
  progress: Progress,
): Promise<void> {
  const sinks = await Promise.all(targets.map((t) => staged.open(t.path)));
  const headers = targets.map((t) => (t.header === undefined ? '' : `${t.header}\n`));
  let buffer = '';
  let pending = 0;
  const flush = async () => {
    await Promise.all(sinks.map((sink, k) => sink.write(headers[k] + buffer)));
    headers.fill('');
    progress.tick(pending);
    buffer = '';
    pending = 0;
  };
  for (let i = 0; i < rows.length; i++) {
    buffer += `${table.formatRow(rows[i]!)}\n`;
    pending++;
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
}

/** The URI a local file stands for under one of `locations`, or undefined. */
function uriFor(fileUri: string, locations: readonly FolderLocation[]): string | undefined {
  const file = fileURLToPath(fileUri);
  for (const l of locations) {
    const rel = path.relative(l.dir, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const base = l.uri.replace(/\/$/, '');
    if (rel === '') return base;
    const segments = rel.split(path.sep);
    // A location naming one file: the job got that file under its own name.
    if (segments.length === 1 && decodeURIComponent(base.slice(base.lastIndexOf('/') + 1)) === segments[0]) return base;
    return `${base}/${segments.map(encodeURIComponent).join('/')}`;
  }
  return undefined;
}

/** The dataset's files at the locations they stand for, and its folder: the outputs' common parent. */
function locate(
  inputs: readonly DatasetFile[],
  outputs: readonly DatasetFile[],
  locations: NonNullable<PrepareRequest['locations']>,
): { uri: string | undefined; files: DatasetFile[] } {
  const files: DatasetFile[] = inputs.map((f) => ({ ...f, uri: uriFor(f.uri, locations.inputs) ?? f.uri }));
  const kept: string[] = [];
  for (const f of outputs) {
    const uri = uriFor(f.uri, locations.outputs);
    if (uri === undefined) continue;
    files.push({ ...f, uri });
    kept.push(uri);
  }
  return { uri: commonParent(kept), files };
}

/** The longest common folder of URIs (`a/b/x`, `a/b/y/z` -> `a/b`), or undefined for none. */
function commonParent(uris: readonly string[]): string | undefined {
  if (uris.length === 0) return undefined;
  let parts = uris[0]!.split('/').slice(0, -1);
  for (const u of uris.slice(1)) {
    const other = u.split('/');
    let i = 0;
    while (i < parts.length && i < other.length - 1 && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  // Nothing in common beyond the scheme (`file:///`): the first output's folder stands for the set.
  return parts.length > 3 ? parts.join('/') : uris[0]!.split('/').slice(0, -1).join('/');
}
