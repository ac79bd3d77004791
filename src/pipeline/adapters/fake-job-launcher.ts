import path from 'node:path';
import type { JobLauncher, JobOutcome, JobSpec } from '../job-launcher.js';
import type { MemoryStepWorkspace } from './memory-step-workspace.js';

/** What a fake job can do while it "runs". */
export interface FakeJobContext {
  readonly spec: JobSpec;
  /** Aborted when the job is killed (stop or time limit). */
  readonly signal: AbortSignal;
  /** Writes a file relative to the job folder. */
  write(rel: string, text: string): Promise<void>;
  /** Reads a file relative to the job folder. */
  read(rel: string): Promise<string | undefined>;
  /** Appends to the job's log. */
  log(text: string): void;
}

/** A fake job: resolves with its exit code; rejects to crash. */
export type FakeJob = (job: FakeJobContext) => Promise<number>;

/** Runs until killed (and, like a real child process, keeps the event loop alive meanwhile). */
export const hangingJob: FakeJob = (job) =>
  new Promise((resolve) => {
    const alive = setInterval(() => undefined, 1000);
    job.signal.addEventListener(
      'abort',
      () => {
        clearInterval(alive);
        resolve(137);
      },
      { once: true },
    );
  });

/**
 * A JobLauncher for unit tests over a MemoryStepWorkspace: jobs are functions, found by processor
 * name (built-in jobs) or by `command[0]`. It honours stops, time limits and `terminate` as the
 * real launcher does and passes the same contract suite. `events` records what happened, in order.
 */
export class FakeJobLauncher implements JobLauncher {
  readonly events: string[] = [];
  /** Jobs running now, by folder (including leftovers planted with `leftover`). */
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly workspace: MemoryStepWorkspace,
    private readonly jobs: Readonly<Record<string, FakeJob>>,
  ) {}

  /** Folders of jobs running now. */
  runningJobs(): string[] {
    return [...this.running.keys()];
  }

  /** Plants a job that still runs in `cwd` (the attempt of an engine that died). */
  leftover(cwd: string): void {
    this.running.set(cwd, new AbortController());
  }

  async run(spec: JobSpec, signal: AbortSignal): Promise<JobOutcome> {
    const key = spec.kind === 'builtin' ? (spec.processor ?? '') : (spec.command?.[0] ?? '');
    const job = this.jobs[key];
    this.events.push(`start ${spec.name}`);
    if (!job) {
      this.workspace.appendLocal(spec.logFile, `cannot start '${key}': not found\n`);
      this.events.push(`end ${spec.name} Failed`);
      return { status: 'Failed', exitCode: 127, failureReason: `exit code 127: cannot start '${key}': not found` };
    }
    const kill = new AbortController();
    this.running.set(spec.cwd, kill);
    let timedOut = false;
    let stopped = false;
    const onAbort = () => {
      stopped = true;
      kill.abort();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    const timer = spec.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          kill.abort();
        }, spec.timeoutMs)
      : undefined;
    const ctx: FakeJobContext = {
      spec,
      signal: kill.signal,
      write: (rel, text) => this.workspace.writeLocal(path.posix.join(spec.cwd, rel), text),
      read: (rel) => this.workspace.readLocal(path.posix.join(spec.cwd, rel)),
      log: (text) => this.workspace.appendLocal(spec.logFile, text.endsWith('\n') ? text : `${text}\n`),
    };
    const killed = new Promise<'killed'>((r) => kill.signal.addEventListener('abort', () => r('killed'), { once: true }));
    let code: number | 'killed';
    try {
      code = kill.signal.aborted ? 'killed' : await Promise.race([job(ctx), killed]);
    } catch (err) {
      ctx.log(`Error: ${(err as Error).message}`);
      code = 1;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      this.running.delete(spec.cwd);
    }
    const outcome: JobOutcome = stopped
      ? { status: 'Stopped', exitCode: null }
      : timedOut
        ? {
            status: 'Failed',
            exitCode: null,
            timedOut: true,
            failureReason: `job exceeded its time limit of ${Math.round(spec.timeoutMs! / 1000)} s (MaxRuntimeInSeconds)`,
          }
        : code === 0
          ? { status: 'Completed', exitCode: 0 }
          : {
              status: 'Failed',
              exitCode: code === 'killed' ? null : code,
              failureReason: `exit code ${code}${lastLine(await this.workspace.readLocal(spec.logFile))}`,
            };
    this.events.push(`end ${spec.name} ${outcome.status}`);
    return outcome;
  }

  async terminate(cwd: string): Promise<{ killed: boolean }> {
    const job = this.running.get(cwd);
    if (!job) return { killed: false };
    job.abort();
    this.running.delete(cwd);
    this.events.push(`terminate ${path.posix.basename(cwd)}`);
    return { killed: true };
  }
}

function lastLine(text: string | undefined): string {
  const line = text?.trim().split('\n').at(-1);
  return line ? `: ${line}` : '';
}
