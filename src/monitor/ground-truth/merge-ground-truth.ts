import { isAppError } from '../../core/errors.js';
import { recordToRows } from '../capture-rows.js';
import type { CaptureSource } from '../capture-source.js';
import { printable, quote } from '../one-line.js';
import { labelValues, parseGroundTruthLabel, type GroundTruthLabel } from './ground-truth-record.js';

/** What to merge: the captured records of a window with the labels collected in a (usually later-ending) range. */
export interface MergeRequest {
  /** The endpoint's capture folders (`<destination>/<endpoint>/<variant>`), read as one. */
  readonly captureDirs: readonly string[];
  /** The ground-truth folder (`<uri>/yyyy/mm/dd/hh/*.jsonl`, hours of collection). */
  readonly groundTruthDir: string;
  /** Captured records with an inference time in [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
  /** Labels collected in the hours of [labelsFromMs, labelsToMs) (labels arrive after their predictions). */
  readonly labelsFromMs: number;
  readonly labelsToMs: number;
  /** The prediction's column in the endpoint's output (`InferenceAttribute`, default "0"). */
  readonly inferenceAttribute?: string;
  /** Also return each merged row's input features (retraining on captured data). */
  readonly withInputs?: boolean;
  /** Called with the inference id of each label that matched no record. */
  readonly unmatched?: (inferenceId: string) => void;
}

/** What a merge found: every record and label is counted somewhere, none is dropped silently. */
export interface MergeSummary {
  /** Captured records in the window (shadow traffic excluded). */
  captureRecords: number;
  /** Records that found their label: each counts once, however many times its label was sent. */
  mergedRecords: number;
  /** Rows of those records (a batch request has several). */
  mergedRows: number;
  /** Records of the window with no label (yet). */
  unlabelledRecords: number;
  /** Distinct inference ids among the labels read. */
  labels: number;
  /** Labels sent again with the same value (counted once). */
  duplicateLabels: number;
  /** Labels sent again with another value: the one collected last is used. */
  conflictingLabels: number;
  /** Labels read that matched no record of the window (their prediction is in another window, or was never captured). */
  labelsNotMatched: number;
  /** Records whose label has not one number per row, or whose prediction is not a number. */
  unusableRecords: number;
  /** Capture lines that are not capture records. */
  malformedCaptures: number;
  /** Ground-truth lines that are not labels. */
  malformedLabels: number;
  /** Two captured records with the same inference id (the label is used for both). */
  reusedInferenceIds: number;
  /** The first few problems, with file and line. */
  readonly examples: string[];
}

export interface MergeResult {
  /** Labels (y) and predictions (p), one per merged row, in capture order. */
  readonly y: Float64Array;
  readonly p: Float64Array;
  /** With `withInputs`: each merged row's input fields. */
  readonly inputs?: string[][];
  readonly summary: MergeSummary;
}

/** Receives each merged record as the line SageMaker's merge job writes: the capture record plus `groundTruthData`. */
export type MergedLineSink = (line: string) => Promise<void>;

/**
 * SageMaker's ground-truth merge (sagemaker-reference §13.6-13.7): joins captured records with labels
 * on the capture's `inferenceId` (else its `eventId`) = the label's `eventId`, exactly and
 * idempotently: a label sent twice counts once (the last collected wins when the values differ), a
 * record without a label and a label without a record are counted, not dropped silently.
 */
export async function mergeGroundTruth(source: CaptureSource, req: MergeRequest, sink?: MergedLineSink): Promise<MergeResult> {
  const summary: MergeSummary = {
    captureRecords: 0,
    mergedRecords: 0,
    mergedRows: 0,
    unlabelledRecords: 0,
    labels: 0,
    duplicateLabels: 0,
    conflictingLabels: 0,
    labelsNotMatched: 0,
    unusableRecords: 0,
    malformedCaptures: 0,
    malformedLabels: 0,
    reusedInferenceIds: 0,
    examples: [],
  };
  const note = (where: string, why: string) => {
    if (summary.examples.length < 5) summary.examples.push(printable(`${where}: ${why}`, 300));
  };
  const labels = new Map<string, GroundTruthLabel>();
  for await (const line of lines(source, req.groundTruthDir, req.labelsFromMs, req.labelsToMs)) {
    const parsed = 'error' in line ? line : parseGroundTruthLabel(line.record);
    if ('error' in parsed) {
      summary.malformedLabels++;
      note(`${line.file}:${line.line}`, parsed.error);
      continue;
    }
    const before = labels.get(parsed.eventId);
    if (before) {
      if (before.data === parsed.data) summary.duplicateLabels++;
      else summary.conflictingLabels++;
    }
    labels.set(parsed.eventId, parsed);
  }
  summary.labels = labels.size;

  const column = Number(req.inferenceAttribute ?? '0');
  const y: number[] = [];
  const p: number[] = [];
  const inputs: string[][] = [];
  const matched = new Set<string>();
  const seen = new Set<string>();
  for (const dir of req.captureDirs) {
    for await (const line of lines(source, dir, req.fromMs, req.toMs)) {
      if ('error' in line) {
        summary.malformedCaptures++;
        note(`${line.file}:${line.line}`, line.error);
        continue;
      }
      const record = line.record as { captureData?: { endpointInput?: unknown; endpointOutput?: unknown }; eventMetadata?: Record<string, unknown> };
      const outRows = recordToRows(
        record && typeof record === 'object' ? { ...record, captureData: { endpointOutput: record.captureData?.endpointOutput } } : record,
        req.fromMs,
        req.toMs,
        'START',
      );
      if (outRows === 'outside' || outRows === 'shadow') continue;
      const meta = record.eventMetadata ?? {};
      const key = typeof meta['inferenceId'] === 'string' ? meta['inferenceId'] : typeof meta['eventId'] === 'string' ? meta['eventId'] : undefined;
      if ('error' in outRows || key === undefined) {
        summary.malformedCaptures++;
        note(`${line.file}:${line.line}`, 'error' in outRows ? outRows.error : 'no eventMetadata.eventId');
        continue;
      }
      summary.captureRecords++;
      if (seen.has(key)) summary.reusedInferenceIds++;
      seen.add(key);
      const label = labels.get(key);
      if (!label) {
        summary.unlabelledRecords++;
        continue;
      }
      matched.add(key);
      const values = labelValues(label);
      const predictions = outRows.map((r) => Number(r[column]));
      if (values.length !== predictions.length || predictions.some((v) => !Number.isFinite(v))) {
        summary.unusableRecords++;
        note(
          `${line.file}:${line.line}`,
          values.length !== predictions.length
            ? `label ${quote(key)} has ${values.length} value(s) for ${predictions.length} predicted row(s)`
            : `prediction column ${column} is not a number`,
        );
        continue;
      }
      let inRows: string[][] | undefined;
      if (req.withInputs) {
        const both = recordToRows(record, req.fromMs, req.toMs, 'END');
        if (typeof both !== 'object' || 'error' in both) {
          summary.unusableRecords++;
          note(`${line.file}:${line.line}`, typeof both === 'object' ? both.error : both);
          continue;
        }
        const width = outRows[0]!.length;
        inRows = both.map((r) => r.slice(0, r.length - width));
      }
      summary.mergedRecords++;
      summary.mergedRows += values.length;
      for (let i = 0; i < values.length; i++) {
        y.push(values[i]!);
        p.push(predictions[i]!);
        if (inRows) inputs.push(inRows[i] ?? []);
      }
      if (sink) await sink(`${JSON.stringify({ ...record, groundTruthData: { data: label.data, encoding: 'CSV' } })}\n`);
    }
  }
  summary.labelsNotMatched = labels.size - matched.size;
  if (req.unmatched) for (const id of labels.keys()) if (!matched.has(id)) req.unmatched(id);
  return { y: Float64Array.from(y), p: Float64Array.from(p), ...(req.withInputs ? { inputs } : {}), summary };
}

/** A folder's lines in the range; a folder that does not exist (no label or no traffic yet) has none. */
async function* lines(source: CaptureSource, dir: string, fromMs: number, toMs: number) {
  try {
    for await (const line of source.lines(dir, fromMs, toMs)) yield line;
  } catch (err) {
    if (isAppError(err) && err.code === 'not_found') return;
    throw err;
  }
}
