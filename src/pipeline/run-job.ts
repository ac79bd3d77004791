import path from 'node:path';
import type { Logger } from '../core/logger.js';
import { JOB_FAILURE_FILE, JOB_LOG_FILE, JOB_RESULT_FILE, type JobLauncher, type JobSpec } from './job-launcher.js';
import type { StepWorkspace } from './step-workspace.js';
import { StepFailure, StepStopped } from './step-failure.js';

/** One input to place in the job folder before the job starts. */
export interface JobInput {
  readonly name: string;
  readonly uri: string;
  /** Relative to the job folder. */
  readonly localDir: string;
}

/** One output folder to store after the job succeeds. */
export interface JobOutput {
  readonly name: string;
  readonly uri: string;
  readonly localDir: string;
}

export interface RunJobRequest {
  /** The job to run, given its folder (paths in arguments point into it). */
  readonly spec: (dir: string) => Omit<JobSpec, 'cwd' | 'logFile'>;
  readonly inputs: readonly JobInput[];
  readonly outputs: readonly JobOutput[];
  /** Artifact key for the job's log. */
  readonly logKey: string;
  readonly signal: AbortSignal;
}

export interface RunJobResult {
  readonly logUri: string;
  /** What a built-in job wrote to its result file. */
  readonly result: Record<string, unknown>;
  readonly durationMs: number;
}

/**
 * Runs one job attempt in its own folder: downloads inputs, runs the child process, uploads the
 * outputs only when it completed, stores its log, and removes the folder whatever happened (no
 * partial outputs are left behind). Failures become StepFailure (Job.INTERNAL_ERROR, or
 * Job.RESOURCE_LIMIT for a time-out); a stop becomes StepStopped.
 */
export async function runJob(
  req: RunJobRequest,
  deps: { workspace: StepWorkspace; launcher: JobLauncher; logger: Logger; now: () => number },
): Promise<RunJobResult> {
  const { workspace } = deps;
  const started = deps.now();
  const probe = req.spec('');
  const dir = await workspace.createJobFolder(probe.name);
  const logFile = path.join(dir, JOB_LOG_FILE);
  let logUri = '';
  try {
    await workspace.ensureDir(path.join(dir, '.driftline'));
    for (const input of req.inputs) {
      const target = path.join(dir, input.localDir);
      await workspace.ensureDir(target);
      try {
        await workspace.download(input.uri, target);
      } catch (err) {
        throw new StepFailure(`input '${input.name}': ${(err as Error).message}`, 'Job.INTERNAL_ERROR');
      }
    }
    for (const output of req.outputs) await workspace.ensureDir(path.join(dir, output.localDir));
    if (req.signal.aborted) throw new StepStopped();
    const outcome = await deps.launcher.run({ ...req.spec(dir), cwd: dir, logFile }, req.signal);
    logUri = await workspace.putText(req.logKey, (await workspace.readLocal(logFile)) ?? '');
    if (outcome.status === 'Stopped') throw new StepStopped();
    if (outcome.status === 'Failed') {
      const own = (await workspace.readLocal(path.join(dir, JOB_FAILURE_FILE)))?.trim();
      const reason = own || outcome.failureReason || `job exited with code ${outcome.exitCode}`;
      throw new StepFailure(reason.split('\n')[0]!, outcome.timedOut ? 'Job.RESOURCE_LIMIT' : 'Job.INTERNAL_ERROR');
    }
    for (const output of req.outputs) await workspace.upload(path.join(dir, output.localDir), output.uri);
    const resultText = await workspace.readLocal(path.join(dir, JOB_RESULT_FILE));
    const result = resultText ? (JSON.parse(resultText) as Record<string, unknown>) : {};
    return { logUri, result, durationMs: deps.now() - started };
  } finally {
    if (!logUri) {
      const text = await workspace.readLocal(logFile).catch(() => undefined);
      if (text) await workspace.putText(req.logKey, text).catch(() => undefined);
    }
    await workspace.removeJobFolder(dir).catch((err: unknown) => deps.logger.warn('could not remove job folder', { dir, error: String(err) }));
  }
}
