import type { LocalFiles } from '../data/index.js';
import { FailedPreconditionError, InvalidArgumentError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Progress } from '../core/progress.js';
import { analyze } from './analyze.js';
import type { AnalysisOutcome, FeatureSettings } from './analysis-types.js';
import type { BaselineService } from './baseline-service.js';
import { collectLine, type CaptureSummary, type OutputPosition } from './capture-rows.js';
import type { CaptureSource } from './capture-source.js';
import { DatasetProfile, positionalNames } from './dataset-profile.js';
import { writeAnalysisFiles } from './write-analysis-files.js';
import { renderHtmlReport } from './html-report.js';
import { printable, quote } from './one-line.js';
import { parseConstraints, parseStatistics } from './monitor-files.js';

/** What the analysis service needs. */
export interface AnalysisDeps {
  readonly baselines: BaselineService;
  readonly capture: CaptureSource;
  readonly files: Pick<LocalFiles, 'stage' | 'readText' | 'writeText'>;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** One `monitor analyze` request: a dataset file, or captured endpoint traffic in a time window. */
export interface AnalyzeRequest {
  readonly statistics: string;
  readonly constraints: string;
  readonly dataset?: string;
  readonly header?: boolean;
  readonly capture?: {
    readonly dir: string;
    /** Further capture folders read as one dataset (the other variants of an endpoint). */
    readonly moreDirs?: readonly string[];
    readonly fromMs: number;
    readonly toMs: number;
    readonly outputPosition?: OutputPosition;
  };
  readonly out: string;
  readonly settings?: Readonly<Record<string, FeatureSettings>>;
  /** Also write a self-contained HTML report to this file. */
  readonly report?: string;
  readonly replace?: boolean;
  readonly progress?: Progress;
}

/** The result file every analysis writes beside Model Monitor's files. */
export const ANALYSIS_RESULT_FILE = 'analysis-result.json';

/**
 * Runs a Model Monitor analysis of a dataset against a baseline and writes, together, the current
 * statistics.json, constraint_violations.json, a copy of constraints.json and analysis-result.json
 * (status, exit message, every drift distance, the metrics emitted). A run with no data is Failed:
 * only analysis-result.json is written, with the reason.
 */
export class AnalysisService {
  constructor(private readonly deps: AnalysisDeps) {}

  async analyze(req: AnalyzeRequest): Promise<AnalysisOutcome> {
    // Parsed in their own calls so that the (possibly large) file texts can be freed at once.
    const baseline = await this.readBaselineFile(req.statistics, 'statistics', parseStatistics);
    const constraints = await this.readBaselineFile(req.constraints, 'constraints', parseConstraints);
    const names = constraints.features.map((f) => f.name);
    checkSettings(req.settings ?? {}, names);
    let profile: DatasetProfile | undefined;
    let capture: CaptureSummary | undefined;
    let source: string;
    if (req.capture) {
      ({ profile, summary: capture } = await this.profileCapture(req.capture, names));
      source = `captured data in ${[req.capture.dir, ...(req.capture.moreDirs ?? [])].join(', ')} between ${new Date(req.capture.fromMs).toISOString()} and ${new Date(req.capture.toMs).toISOString()}`;
    } else if (req.dataset) {
      // With a header, columns are matched by name; without one, by position (the baseline's names).
      const header = req.header ?? true;
      profile = await this.deps.baselines.profile(req.dataset, { header, ...(header ? {} : { names }), ...(req.progress ? { progress: req.progress } : {}) });
      source = req.dataset;
    } else {
      throw new InvalidArgumentError('analyze needs a dataset or a capture folder with a time window');
    }
    const outcome: AnalysisOutcome =
      !profile || profile.itemCount === 0
        ? {
            status: 'Failed',
            exitMessage: 'Failed: no data to analyse.',
            failureReason: `no data to analyse: no rows in ${source}`,
            violations: [],
            unchecked: [],
            missingColumns: [],
            extraColumns: [],
            drift: [],
            metrics: [],
          }
        : analyze(baseline, constraints, profile, req.settings);
    if (capture) (outcome as { capture?: CaptureSummary }).capture = capture;
    await writeAnalysisFiles(this.deps.files, { dir: req.out, replace: req.replace ?? false, resultFile: ANALYSIS_RESULT_FILE }, outcome, constraints);
    if (req.report) {
      const html = renderHtmlReport({
        title: `driftline data-quality report: ${source}`,
        baseline,
        ...(outcome.statistics ? { current: outcome.statistics } : {}),
        outcome,
        generatedAt: new Date(this.deps.clock.now()).toISOString(),
      });
      await this.deps.files.writeText(req.report, html);
    }
    this.deps.logger.info('analysis finished', { source, status: outcome.status, violations: outcome.violations.length });
    return outcome;
  }

  private async readBaselineFile<T>(file: string, what: string, parse: (text: string, source: string) => T): Promise<T> {
    const text = await this.deps.files.readText(file);
    if (text === undefined) throw new FailedPreconditionError(`baseline ${what} '${file}' not found`);
    return parse(text, file);
  }

  /** Builds the monitored dataset from capture files (output columns first by default) and profiles it. */
  private async profileCapture(
    capture: NonNullable<AnalyzeRequest['capture']>,
    names: readonly string[],
  ): Promise<{ profile: DatasetProfile | undefined; summary: CaptureSummary }> {
    if (!(capture.toMs > capture.fromMs)) throw new InvalidArgumentError('the capture window is empty: --to must be after --from');
    const summary: CaptureSummary = { files: 0, records: 0, rows: 0, outsideWindow: 0, shadowSkipped: 0, malformed: 0, malformedExamples: [] };
    const files = new Set<string>();
    let profile: DatasetProfile | undefined;
    for (const dir of [capture.dir, ...(capture.moreDirs ?? [])])
      for await (const line of this.deps.capture.lines(dir, capture.fromMs, capture.toMs)) {
        files.add(line.file);
        for (const row of collectLine(line, summary, capture.fromMs, capture.toMs, capture.outputPosition ?? 'START')) {
          profile ??= new DatasetProfile(positionalNames(row.length, names));
          if (row.length !== profile.columns.length) {
            summary.malformed++;
            if (summary.malformedExamples.length < 5)
              summary.malformedExamples.push(`${line.file}:${line.line}: ${row.length} fields, expected ${profile.columns.length}`);
            continue;
          }
          profile.itemCount++;
          summary.rows++;
          row.forEach((cell, c) => profile!.columns[c]!.add(cell));
        }
      }
    summary.files = files.size;
    return { profile, summary };
  }
}

/** Per-feature settings must name baseline features, with usable values. */
function checkSettings(settings: Readonly<Record<string, FeatureSettings>>, names: readonly string[]): void {
  const known = new Set(names);
  for (const [feature, s] of Object.entries(settings)) {
    const given = (['exclude', 'threshold', 'method'] as const).filter((k) => s[k] !== undefined).join('/') || 'settings';
    if (!known.has(feature)) {
      const list =
        names
          .slice(0, 30)
          .map((n) => printable(n))
          .join(', ') + (names.length > 30 ? `, … (${names.length} in all)` : '');
      throw new InvalidArgumentError(`${given}: unknown feature ${quote(feature)}; the baseline's features are ${list || 'none'}`);
    }
    if (s.threshold !== undefined && !(Number.isFinite(s.threshold) && s.threshold >= 0))
      throw new InvalidArgumentError(`threshold of feature ${quote(feature)} must be a finite number >= 0, got ${s.threshold}`);
    if (s.method !== undefined && s.method !== 'Simple' && s.method !== 'Robust')
      throw new InvalidArgumentError(`method of feature ${quote(feature)} must be Simple or Robust, got ${quote(String(s.method))}`);
  }
}
