/** One job to run in a child process: a built-in driftline processor or any command. */
export interface JobSpec {
  readonly name: string;
  /** `builtin`: driftline's job runner runs `processor`; `command`: `command[0]` runs with `command[1..]` then `args`. */
  readonly kind: 'builtin' | 'command';
  readonly processor?: string;
  readonly command?: readonly string[];
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The job folder (working directory). */
  readonly cwd: string;
  /** Kill the job after this long (SageMaker's StoppingCondition.MaxRuntimeInSeconds). */
  readonly timeoutMs?: number;
  /** Where stdout and stderr go. */
  readonly logFile: string;
}

/** How a job ended. */
export interface JobOutcome {
  readonly status: 'Completed' | 'Failed' | 'Stopped';
  readonly exitCode: number | null;
  /** One line: the job's own failure message, or why it was killed. */
  readonly failureReason?: string;
  /** Time limit reached. */
  readonly timedOut?: boolean;
}

/**
 * Runs jobs. Adapters: `ChildProcessJobLauncher` (a process group per job that dies with its
 * engine); `FakeJobLauncher` in tests. Both pass `job-launcher.contract.ts`.
 */
export interface JobLauncher {
  /**
   * Runs a job to its end; aborting `signal` kills it (and everything it started) and resolves
   * with status Stopped. When the promise settles, nothing of the job runs any more.
   */
  run(spec: JobSpec, signal: AbortSignal): Promise<JobOutcome>;
  /**
   * Makes sure nothing of a job that ran in `cwd` still runs (an attempt whose engine died): kills
   * what is left and waits until it is gone. Throws UnavailableError when it cannot.
   */
  terminate(cwd: string): Promise<{ killed: boolean }>;
}

/** The file (relative to the job folder) where a built-in job writes its one-line failure reason, like SageMaker's /opt/ml/output/failure. */
export const JOB_FAILURE_FILE = '.driftline/failure';
/** The file where a built-in job writes its result (JSON) for the engine. */
export const JOB_RESULT_FILE = '.driftline/result.json';
/** The file where a launcher records what runs a job (its process group), for `terminate`. */
export const JOB_PID_FILE = '.driftline/job.pid';
/** A job's log, relative to its folder. */
export const JOB_LOG_FILE = '.driftline/job.log';
