import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UnavailableError } from '../../core/errors.js';
import { JOB_PID_FILE, type JobLauncher, type JobOutcome, type JobSpec } from '../job-launcher.js';
import { groupMembers, processStartTicks, signalGroup } from './process-groups.js';

export interface ChildProcessJobLauncherOptions {
  /** The module that runs built-in processors (`main/job-runner.js`, or `.ts` under tsx). */
  readonly runnerEntry: string;
  /** Node flags for the runner (e.g. `--import tsx` when running from source). */
  readonly execArgv: readonly string[];
  /** The whole environment of every job: the caller's (PATH…) plus driftline's home and store URIs. */
  readonly env: Readonly<Record<string, string>>;
  /** Grace period between SIGTERM and SIGKILL. */
  readonly killGraceMs?: number;
  /** How long `terminate` waits for a killed group to be gone. */
  readonly terminateWaitMs?: number;
}

/**
 * The process that runs a command job: it leads the job's process group, runs the command in it,
 * passes on its exit status, and kills the whole group (the command and whatever it started) when
 * its parent, the engine, dies, however it dies (SIGKILL included). SIGTERM and SIGINT reach the
 * command through the group; the guard itself waits for the command.
 */
const COMMAND_GUARD = `
const { spawn } = require('node:child_process');
const [parent, program, ...args] = process.argv.slice(1);
const die = () => { try { process.kill(-process.pid, 'SIGKILL'); } catch { process.kill(process.pid, 'SIGKILL'); } };
if (process.ppid !== Number(parent)) die();
setInterval(() => { if (process.ppid !== Number(parent)) die(); }, 200);
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
const child = spawn(program, args, { stdio: 'inherit' });
child.on('error', (e) => { process.stderr.write("cannot start '" + program + "': " + e.message + '\\n'); process.exit(127); });
child.on('exit', (code, sig) => {
  if (sig) { process.removeAllListeners('SIGTERM'); process.removeAllListeners('SIGINT'); process.kill(process.pid, sig); }
  else process.exit(code ?? 1);
});
`;

interface PidFile {
  readonly host: string;
  readonly pgid: number;
  readonly start?: string;
}

/**
 * Runs each job in its own process group (the child is started detached, so it leads a new
 * session), in its job folder, with stdout and stderr appended to the job's log, a time limit and
 * a kill on stop. Built-in processors run in driftline's job runner, command jobs under a small
 * guard process; both watch the engine and kill their group when it dies. Stopping a job signals
 * the whole group (SIGTERM, then SIGKILL after the grace period), and when the job's main process
 * ends whatever it left running in its group is killed: nothing outlives the job. The group is
 * recorded in the job folder (`.driftline/job.pid`) so that `terminate` can finish off an attempt
 * whose engine died.
 */
export class ChildProcessJobLauncher implements JobLauncher {
  constructor(private readonly options: ChildProcessJobLauncherOptions) {}

  run(spec: JobSpec, signal: AbortSignal): Promise<JobOutcome> {
    const { runnerEntry, execArgv, env, killGraceMs = 5000 } = this.options;
    const [program, ...rest] =
      spec.kind === 'builtin'
        ? [process.execPath, ...execArgv, runnerEntry, spec.processor ?? '', ...spec.args]
        : [process.execPath, '-e', COMMAND_GUARD, String(process.pid), ...(spec.command ?? []), ...spec.args];
    return new Promise<JobOutcome>((resolve) => {
      const log = fs.openSync(spec.logFile, 'a');
      let settled = false;
      let timedOut = false;
      let stopped = false;
      let graceTimer: NodeJS.Timeout | undefined;
      const done = (o: JobOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(graceTimer);
        signal.removeEventListener('abort', onAbort);
        fs.closeSync(log);
        resolve(o);
      };
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(program!, rest, {
          cwd: spec.cwd,
          env: { ...env, ...spec.env, DRIFTLINE_PARENT_PID: String(process.pid) },
          stdio: ['ignore', log, log],
          detached: true,
        });
      } catch (err) {
        done({ status: 'Failed', exitCode: null, failureReason: `cannot start '${program}': ${(err as Error).message}` });
        return;
      }
      const pgid = child.pid;
      if (pgid !== undefined) writePidFile(spec.cwd, { host: os.hostname(), pgid, ...(processStartTicks(pgid) ? { start: processStartTicks(pgid)! } : {}) });
      const kill = () => {
        if (pgid === undefined) return;
        signalGroup(pgid, 'SIGTERM');
        graceTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), killGraceMs);
        graceTimer.unref();
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
        // Whatever the job started and left behind in its group goes with it.
        if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
        if (stopped) return done({ status: 'Stopped', exitCode: code });
        if (timedOut)
          return done({
            status: 'Failed',
            exitCode: code,
            timedOut: true,
            failureReason: `job exceeded its time limit of ${Math.round(spec.timeoutMs! / 1000)} s (MaxRuntimeInSeconds)`,
          });
        if (code === 0) return done({ status: 'Completed', exitCode: 0 });
        const tail = lastLine(spec.logFile);
        done({ status: 'Failed', exitCode: code, failureReason: `${code === null ? `killed by ${sig}` : `exit code ${code}`}${tail ? `: ${tail}` : ''}` });
      });
    });
  }

  async terminate(cwd: string): Promise<{ killed: boolean }> {
    const rec = readPidFile(cwd);
    if (!rec) return { killed: false };
    if (rec.host !== os.hostname()) throw new UnavailableError(`the job in ${cwd} ran on host ${rec.host}: it cannot be stopped from ${os.hostname()}`);
    // The leader alive with another start time: the pid was reused, our group is gone.
    const leaderStart = processStartTicks(rec.pgid);
    if (leaderStart !== undefined && rec.start !== undefined && leaderStart !== rec.start) return { killed: false };
    if (groupMembers(rec.pgid).length === 0) return { killed: false };
    signalGroup(rec.pgid, 'SIGKILL');
    const deadline = Date.now() + (this.options.terminateWaitMs ?? 10_000);
    while (groupMembers(rec.pgid).length > 0) {
      if (Date.now() > deadline) throw new UnavailableError(`the job in ${cwd} (process group ${rec.pgid}) is still running after SIGKILL`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { killed: true };
  }
}

function writePidFile(cwd: string, rec: PidFile): void {
  try {
    fs.mkdirSync(path.join(cwd, path.dirname(JOB_PID_FILE)), { recursive: true });
    fs.writeFileSync(path.join(cwd, JOB_PID_FILE), JSON.stringify(rec));
  } catch {
    // The folder may be gone already (a job that failed at once); nothing then runs to terminate.
  }
}

function readPidFile(cwd: string): PidFile | undefined {
  try {
    const rec = JSON.parse(fs.readFileSync(path.join(cwd, JOB_PID_FILE), 'utf8')) as Partial<PidFile>;
    return typeof rec.host === 'string' && Number.isInteger(rec.pgid) && rec.pgid! > 1 ? (rec as PidFile) : undefined;
  } catch {
    return undefined;
  }
}

function lastLine(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('{"') && !/^Node\.js v\d/.test(l) && !l.startsWith('at '));
    const error = lines.find((l) => /^([A-Za-z]*Error|Error)(\s*\[[A-Z_]+\])?:/.test(l));
    return (error ?? lines.at(-1))?.slice(0, 500);
  } catch {
    return undefined;
  }
}
