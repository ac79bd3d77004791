import type { Clock } from '../../core/clock.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { Logger } from '../../core/logger.js';
import type { CaptureSource } from '../capture-source.js';
import { groundTruthLine, parseGroundTruthLabel, type GroundTruthLabel } from './ground-truth-record.js';
import { mergeGroundTruth, type MergeSummary } from './merge-ground-truth.js';

/** Where an endpoint's labels and captured traffic live (the composition root knows endpoints). */
export interface GroundTruthLocations {
  /** The endpoint's ground-truth folder; `not_found` for an unknown endpoint. */
  groundTruthDirOf(endpointName: string): Promise<string>;
  /** The endpoint's capture folders, one per variant. */
  captureDirsOf(endpointName: string): Promise<readonly string[]>;
}

export interface GroundTruthDeps {
  /** Writes a whole file atomically (temporary sibling, then rename). */
  readonly files: { writeText(file: string, text: string): Promise<void> };
  readonly source: CaptureSource;
  readonly locations: GroundTruthLocations;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/** What one ingested batch became. */
export interface IngestResult {
  readonly endpointName: string;
  /** Distinct labels written. */
  readonly accepted: number;
  /** Labels repeated inside the batch (the last one is kept). */
  readonly duplicatesInBatch: number;
  /** The file written, in SageMaker's layout `<dir>/yyyy/mm/dd/hh/<MMSS>-<id>.jsonl` (hour of collection). */
  readonly file: string;
  readonly collectedAt: string;
}

/** An exact account of an endpoint's labels against its captured records over a period. */
export interface ReconcileReport extends MergeSummary {
  readonly endpointName: string;
  readonly from: string;
  readonly to: string;
  /** A few inference ids of labels with no captured record. */
  readonly labelsWithoutCapture: readonly string[];
}

/** What an export of labelled captured data wrote. */
export interface TrainingDataExport {
  readonly endpointName: string;
  readonly file: string;
  /** Data rows written (label first, then the captured inputs). */
  readonly rows: number;
  readonly from: string;
  readonly to: string;
  readonly merge: MergeSummary;
  /** Merged rows left out because their inputs do not have the header's width. */
  readonly wrongWidth: number;
}

/** At most this many labels in one batch (a request or a file). */
export const MAX_LABELS_PER_BATCH = 100_000;
const DAY = 86_400_000;

/**
 * Ground truth for model-quality monitoring: labels arrive after their predictions, by inference id,
 * in batches (API, CLI, files). A batch is checked whole (one bad label refuses it, naming the
 * label) and written as one file in SageMaker's hourly layout, so that the merge of a schedule run,
 * and any tool reading SageMaker's files, finds it.
 */
export class GroundTruthService {
  constructor(private readonly deps: GroundTruthDeps) {}

  /** Stores a batch of labels (SageMaker records or `{inferenceId, label}`) for an endpoint. */
  async ingest(endpointName: string, items: readonly unknown[]): Promise<IngestResult> {
    if (items.length === 0) throw new InvalidArgumentError('no labels given');
    if (items.length > MAX_LABELS_PER_BATCH) throw new InvalidArgumentError(`${items.length} labels in one batch: at most ${MAX_LABELS_PER_BATCH}, split it`);
    const dir = await this.deps.locations.groundTruthDirOf(endpointName);
    const byId = new Map<string, GroundTruthLabel>();
    let duplicates = 0;
    items.forEach((item, i) => {
      const label = parseGroundTruthLabel(item);
      if ('error' in label) throw new InvalidArgumentError(`label ${i + 1}: ${label.error}; nothing was stored`);
      if (byId.has(label.eventId)) duplicates++;
      byId.set(label.eventId, label);
    });
    const now = this.deps.clock.now();
    const iso = new Date(now).toISOString();
    const file = `${dir}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}/${iso.slice(14, 16)}${iso.slice(17, 19)}-${this.deps.ids('gt')}.jsonl`;
    await this.deps.files.writeText(file, [...byId.values()].map((l) => `${groundTruthLine(l)}\n`).join(''));
    this.deps.logger.info('ground truth stored', { endpoint: endpointName, labels: byId.size, file });
    return { endpointName, accepted: byId.size, duplicatesInBatch: duplicates, file, collectedAt: iso };
  }

  /**
   * What production saw, as training data: the records captured in [from, to) joined with their
   * labels (collected up to `labelsToMs`, default `to`), written as one CSV (`header`, then the
   * label and the request's input fields per row, sorted: the same traffic gives the same file), atomically. Rows whose inputs do not have the
   * header's width are counted and left out.
   */
  async exportTrainingData(
    endpointName: string,
    req: { fromMs: number; toMs: number; labelsToMs?: number; file: string; header: readonly string[] },
  ): Promise<TrainingDataExport> {
    if (!(req.toMs > req.fromMs)) throw new InvalidArgumentError('the period is empty: its end must be after its start');
    const groundTruthDir = await this.deps.locations.groundTruthDirOf(endpointName);
    const captureDirs = await this.deps.locations.captureDirsOf(endpointName);
    const { y, inputs, summary } = await mergeGroundTruth(this.deps.source, {
      captureDirs,
      groundTruthDir,
      fromMs: req.fromMs,
      toMs: req.toMs,
      labelsFromMs: req.fromMs,
      labelsToMs: Math.max(req.toMs, req.labelsToMs ?? req.toMs),
      withInputs: true,
    });
    const width = req.header.length - 1;
    const lines: string[] = [];
    let wrongWidth = 0;
    for (let i = 0; i < y.length; i++) {
      const row = inputs![i]!;
      if (row.length !== width) {
        wrongWidth++;
        continue;
      }
      lines.push(`${y[i]},${row.join(',')}\n`);
    }
    // Capture files of one minute are named by random ids, so their order is not the traffic's:
    // sorted rows make the same traffic the same table (and a seeded split the same model).
    lines.sort();
    await this.deps.files.writeText(req.file, `${req.header.join(',')}\n${lines.join('')}`);
    const rows = lines.length;
    this.deps.logger.info('labelled capture exported', { endpoint: endpointName, rows, wrongWidth, file: req.file });
    return { endpointName, file: req.file, rows, from: new Date(req.fromMs).toISOString(), to: new Date(req.toMs).toISOString(), merge: summary, wrongWidth };
  }

  /**
   * Labels collected in [from, to) against the records captured from `lookbackDays` before `from`
   * until `to`: which matched, which records still wait for a label, which labels match nothing.
   */
  async reconcile(endpointName: string, fromMs: number, toMs: number, lookbackDays = 7): Promise<ReconcileReport> {
    if (!(toMs > fromMs)) throw new InvalidArgumentError('the period is empty: --to must be after --from');
    const groundTruthDir = await this.deps.locations.groundTruthDirOf(endpointName);
    const captureDirs = await this.deps.locations.captureDirsOf(endpointName);
    const missing = new Set<string>();
    const { summary } = await mergeGroundTruth(this.deps.source, {
      captureDirs,
      groundTruthDir,
      fromMs: fromMs - lookbackDays * DAY,
      toMs,
      labelsFromMs: fromMs,
      labelsToMs: toMs,
      unmatched: (id) => {
        if (missing.size < 10) missing.add(id);
      },
    });
    return { endpointName, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), ...summary, labelsWithoutCapture: [...missing] };
  }
}
