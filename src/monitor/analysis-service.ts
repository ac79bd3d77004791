import type { LocalFiles } from '../data/index.js';
import { FailedPreconditionError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Progress } from '../core/progress.js';
import { analyze } from './analyze.js';
import type { AnalysisOutcome, FeatureSettings } from './analysis-types.js';
import type { BaselineService } from './baseline-service.js';
import { parseConstraints, parseStatistics } from './monitor-files.js';

/** What the analysis service needs. */
export interface AnalysisDeps {
  readonly baselines: BaselineService;
  readonly files: Pick<LocalFiles, 'stage' | 'readText'>;
  readonly logger: Logger;
}

/** One `monitor analyze` request. */
export interface AnalyzeRequest {
  readonly statistics: string;
  readonly constraints: string;
  readonly dataset: string;
  readonly header: boolean;
  readonly out: string;
  readonly settings?: Readonly<Record<string, FeatureSettings>>;
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
    const statsText = await this.deps.files.readText(req.statistics);
    if (statsText === undefined) throw new FailedPreconditionError(`baseline statistics '${req.statistics}' not found`);
    const constraintsText = await this.deps.files.readText(req.constraints);
    if (constraintsText === undefined) throw new FailedPreconditionError(`baseline constraints '${req.constraints}' not found`);
    const baseline = parseStatistics(statsText, req.statistics);
    const constraints = parseConstraints(constraintsText, req.constraints);
    const profile = await this.deps.baselines.profile(req.dataset, {
      header: req.header,
      names: constraints.features.map((f) => f.name),
      ...(req.progress ? { progress: req.progress } : {}),
    });
    const outcome: AnalysisOutcome =
      profile.itemCount === 0
        ? { status: 'Failed', exitMessage: 'Failed: no data to analyse.', failureReason: `no data to analyse: ${req.dataset} has no rows`, violations: [], drift: [], metrics: [] }
        : analyze(baseline, constraints, profile, req.settings);
    const staged = await this.deps.files.stage(req.out, { replace: req.replace ?? false });
    try {
      if (outcome.statistics) {
        await (await staged.open('statistics.json')).write(`${JSON.stringify(outcome.statistics, null, 2)}\n`);
        await (await staged.open('constraints.json')).write(`${JSON.stringify(constraints, null, 2)}\n`);
        await (await staged.open('constraint_violations.json')).write(`${JSON.stringify({ violations: outcome.violations }, null, 2)}\n`);
      }
      const { statistics: _omit, ...result } = outcome;
      await (await staged.open(ANALYSIS_RESULT_FILE)).write(`${JSON.stringify(result, null, 2)}\n`);
      await staged.commit();
    } catch (err) {
      await staged.abort();
      throw err;
    }
    this.deps.logger.info('analysis finished', { dataset: req.dataset, status: outcome.status, violations: outcome.violations.length });
    return outcome;
  }
}
