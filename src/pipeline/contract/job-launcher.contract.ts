import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { JOB_LOG_FILE, type JobLauncher, type JobSpec } from '../job-launcher.js';
import type { StepWorkspace } from '../step-workspace.js';

/** The jobs a launcher under test can run, in its own terms (a command, or a fake job). */
export interface ContractJobs {
  /** Writes `text` to `out/result.txt` in its folder, prints `hello` and exits 0. */
  readonly succeed: Pick<JobSpec, 'kind' | 'processor' | 'command'>;
  /** Prints `something broke` and exits with code 3. */
  readonly fail: Pick<JobSpec, 'kind' | 'processor' | 'command'>;
  /** Runs until killed. */
  readonly hang: Pick<JobSpec, 'kind' | 'processor' | 'command'>;
}

export interface LauncherUnderTest {
  readonly launcher: JobLauncher;
  readonly workspace: StepWorkspace;
  readonly jobs: ContractJobs;
}

/** The behaviour every JobLauncher adapter must show. */
export function describeJobLauncherContract(name: string, make: () => Promise<LauncherUnderTest>): void {
  describe(`JobLauncher contract: ${name}`, () => {
    const specOf = async (
      u: LauncherUnderTest,
      jobName: string,
      job: Pick<JobSpec, 'kind' | 'processor' | 'command'>,
      extra: Partial<JobSpec> = {},
    ): Promise<JobSpec> => {
      const cwd = await u.workspace.createJobFolder(jobName);
      await u.workspace.ensureDir(path.join(cwd, 'out'));
      await u.workspace.writeLocal(path.join(cwd, JOB_LOG_FILE), '');
      return { name: jobName, ...job, args: [], env: {}, cwd, logFile: path.join(cwd, JOB_LOG_FILE), ...extra };
    };

    it('a job that exits 0 is Completed; what it wrote and printed is in its folder and log', async () => {
      const u = await make();
      const spec = await specOf(u, 'ok', u.jobs.succeed);
      assert.deepEqual(await u.launcher.run(spec, new AbortController().signal), { status: 'Completed', exitCode: 0 });
      assert.equal((await u.workspace.readLocal(path.join(spec.cwd, 'out', 'result.txt')))?.trim(), 'done');
      assert.match((await u.workspace.readLocal(spec.logFile)) ?? '', /hello/);
    });

    it('a job that exits non-zero is Failed with its exit code and its last words', async () => {
      const u = await make();
      const outcome = await u.launcher.run(await specOf(u, 'bad', u.jobs.fail), new AbortController().signal);
      assert.equal(outcome.status, 'Failed');
      assert.equal(outcome.exitCode, 3);
      assert.match(outcome.failureReason ?? '', /^exit code 3: .*something broke/);
    });

    it('aborting the signal stops a running job: Stopped, and terminate then finds nothing left', async () => {
      const u = await make();
      const stop = new AbortController();
      const spec = await specOf(u, 'hang', u.jobs.hang);
      const running = u.launcher.run(spec, stop.signal);
      await new Promise((r) => setTimeout(r, 300));
      stop.abort();
      assert.equal((await running).status, 'Stopped');
      assert.deepEqual(await u.launcher.terminate(spec.cwd), { killed: false });
    });

    it('a job past its time limit is killed and Failed as a time-out', async () => {
      const u = await make();
      const outcome = await u.launcher.run(await specOf(u, 'slow', u.jobs.hang, { timeoutMs: 300 }), new AbortController().signal);
      assert.equal(outcome.status, 'Failed');
      assert.equal(outcome.timedOut, true);
      assert.match(outcome.failureReason ?? '', /time limit/);
    });

    it('terminate on a folder where nothing ever ran does nothing', async () => {
      const u = await make();
      const cwd = await u.workspace.createJobFolder('never');
      assert.deepEqual(await u.launcher.terminate(cwd), { killed: false });
    });
  });
}
