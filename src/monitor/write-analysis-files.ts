import type { LocalFiles, StagedOutput } from '../data/index.js';
import { writeJson } from './json-text.js';

/**
 * Writes an analysis the way Model Monitor lays it out, all or nothing (a staged folder): with
 * statistics, `statistics.json`, a copy of `constraints.json` and `constraint_violations.json`;
 * always the result file (the outcome without its statistics).
 */
export async function writeAnalysisFiles(
  files: Pick<LocalFiles, 'stage'>,
  out: { readonly dir: string; readonly replace: boolean; readonly resultFile: string },
  outcome: { readonly statistics?: unknown; readonly violations: readonly unknown[] },
  constraints: unknown,
  /** Writes further files into the same staged folder first (a merge's records). */
  more?: (staged: StagedOutput) => Promise<void>,
): Promise<void> {
  const staged = await files.stage(out.dir, { replace: out.replace });
  try {
    if (more) await more(staged);
    if (outcome.statistics) {
      await writeJson(await staged.open('statistics.json'), outcome.statistics);
      await writeJson(await staged.open('constraints.json'), constraints);
      await writeJson(await staged.open('constraint_violations.json'), { violations: outcome.violations });
    }
    const { statistics: _omit, ...result } = outcome;
    await writeJson(await staged.open(out.resultFile), result);
    await staged.commit();
  } catch (err) {
    await staged.abort();
    throw err;
  }
}
