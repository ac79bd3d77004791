import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { JobLauncher, JobOutcome, JobSpec } from '../job-launcher.js';

export interface ChildProcessJobLauncherOptions {
  /** The module that runs built-in processors (`main/job-runner.js`, or `.ts` under tsx). */
  readonly runnerEntry: string;
  /** Node flags for the runner (e.g. `--import tsx` when running from source). */
  readonly execArgv: readonly string[];
  /** The whole environment of every job: the caller's (PATH…) plus driftline's home and store URIs. */
  readonly env: Readonly<Record<string, string>>;
  /** Grace period between SIGTERM and SIGKILL. */
  readonly killGraceMs?: number;
}

/**
 * Runs each job as a child process in its job folder, with stdout and stderr appended to the job's
 * log, a time limit and a kill on stop. Built-in processors run in driftline's job runner (a
 * second Node process); commands run as given.
 */
export class ChildProcessJobLauncher implements JobLauncher {
  constructor(private readonly options: ChildProcessJobLauncherOptions) {}

  run(spec: JobSpec, signal: AbortSignal): Promise<JobOutcome> {
    const { runnerEntry, execArgv, env, killGraceMs = 5000 } = this.options;
    const [program, ...rest] =
      spec.kind === 'builtin' ? [process.execPath, ...execArgv, runnerEntry, spec.processor ?? '', ...spec.args] : [...(spec.command ?? []), ...spec.args];
    return new Promise<JobOutcome>((resolve) => {
      const log = fs.openSync(spec.logFile, 'a');
      let settled = false;
      let timedOut = false;
      let stopped = false;
      const done = (o: JobOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        fs.closeSync(log);
        resolve(o);
      };
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(program!, rest, { cwd: spec.cwd, env: { ...env, ...spec.env, DRIFTLINE_PARENT_PID: String(process.pid) }, stdio: ['ignore', log, log] });
      } catch (err) {
        done({ status: 'Failed', exitCode: null, failureReason: `cannot start '${program}': ${(err as Error).message}` });
        return;
      }
      const kill = () => {
        child.kill('SIGTERM');
        setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), killGraceMs).unref();
      };
      const onAbort = () => {
        stopped = true;
        kill();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      const timer = spec.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            kill();
          }, spec.timeoutMs)
        : undefined;
      child.on('error', (err) => done({ status: 'Failed', exitCode: null, failureReason: `cannot start '${program}': ${err.message}` }));
      child.on('exit', (code, sig) => {
        if (stopped) return done({ status: 'Stopped', exitCode: code });
        if (timedOut) return done({ status: 'Failed', exitCode: code, timedOut: true, failureReason: `job exceeded its time limit of ${Math.round(spec.timeoutMs! / 1000)} s (MaxRuntimeInSeconds)` });
        if (code === 0) return done({ status: 'Completed', exitCode: 0 });
        const tail = lastLine(spec.logFile);
        done({ status: 'Failed', exitCode: code, failureReason: `${code === null ? `killed by ${sig}` : `exit code ${code}`}${tail ? `: ${tail}` : ''}` });
      });
    });
  }
}

function lastLine(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('{"') && !/^Node\.js v\d/.test(l) && !l.startsWith('at '));
    const error = lines.find((l) => /^([A-Za-z]*Error|Error)(\s*\[[A-Z_]+\])?:/.test(l));
    return (error ?? lines.at(-1))?.slice(0, 500);
  } catch {
    return undefined;
  }
}
