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

/** Runs jobs as child processes. Adapter: `ChildProcessJobLauncher`. */
export interface JobLauncher {
  /** Runs a job to its end; aborting `signal` kills it and resolves with status Stopped. */
  run(spec: JobSpec, signal: AbortSignal): Promise<JobOutcome>;
}

/** The file (relative to the job folder) where a built-in job writes its one-line failure reason, like SageMaker's /opt/ml/output/failure. */
export const JOB_FAILURE_FILE = '.driftline/failure';
/** The file where a built-in job writes its result (JSON) for the engine. */
export const JOB_RESULT_FILE = '.driftline/result.json';
