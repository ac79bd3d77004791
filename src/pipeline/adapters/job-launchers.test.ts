import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsArtifactStore } from '../../artifacts/fs-artifact-store.js';
import { MemoryArtifactStore } from '../../artifacts/memory-artifact-store.js';
import { describe, it } from 'node:test';
import { describeJobLauncherContract } from '../contract/job-launcher.contract.js';
import { JOB_PID_FILE } from '../job-launcher.js';
import { ChildProcessJobLauncher } from './child-process-job-launcher.js';
import { FakeJobLauncher, hangingJob } from './fake-job-launcher.js';
import { FsStepWorkspace } from './fs-step-workspace.js';
import { MemoryStepWorkspace } from './memory-step-workspace.js';
import { groupMembers, processStartTicks } from './process-groups.js';

const node = (script: string) => ({ kind: 'command' as const, command: [process.execPath, '-e', script] });

describeJobLauncherContract('child processes', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'driftline-launcher-'));
  return {
    launcher: new ChildProcessJobLauncher({ runnerEntry: '/nonexistent', execArgv: [], env: { PATH: process.env['PATH'] ?? '' }, killGraceMs: 500 }),
    workspace: new FsStepWorkspace(new FsArtifactStore(path.join(dir, 'artifacts')), path.join(dir, 'jobs')),
    jobs: {
      succeed: node(`require('fs').writeFileSync('out/result.txt', 'done\\n'); console.log('hello')`),
      fail: node(`console.error('something broke'); process.exit(3)`),
      hang: node(`setInterval(() => {}, 1000)`),
    },
  };
});

describeJobLauncherContract('fake', async () => {
  const workspace = new MemoryStepWorkspace(new MemoryArtifactStore());
  const launcher = new FakeJobLauncher(workspace, {
    succeed: async (job) => {
      await job.write('out/result.txt', 'done\n');
      job.log('hello');
      return 0;
    },
    fail: async (job) => {
      job.log('something broke');
      return 3;
    },
    hang: hangingJob,
  });
  return {
    launcher,
    workspace,
    jobs: { succeed: { kind: 'builtin', processor: 'succeed' }, fail: { kind: 'builtin', processor: 'fail' }, hang: { kind: 'builtin', processor: 'hang' } },
  };
});

describe('ChildProcessJobLauncher: process groups', () => {
  const launcher = () => new ChildProcessJobLauncher({ runnerEntry: '/nonexistent', execArgv: [], env: { PATH: process.env['PATH'] ?? '' }, killGraceMs: 500 });
  const alive = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
    } catch {
      return false;
    }
  };

  it('stopping a job kills what it started too (its whole process group)', { timeout: 20_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'driftline-pg-'));
    const pidFile = path.join(dir, 'grandchild.pid');
    const stop = new AbortController();
    const run = launcher().run(
      {
        name: 'g',
        kind: 'command',
        command: [
          process.execPath,
          '-e',
          `const c=require('child_process').spawn('sleep',['600'],{stdio:'ignore'});require('fs').writeFileSync(${JSON.stringify(pidFile)},String(c.pid));setInterval(()=>{},1000)`,
        ],
        args: [],
        env: {},
        cwd: dir,
        logFile: path.join(dir, 'log'),
      },
      stop.signal,
    );
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') await new Promise((r) => setTimeout(r, 20));
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.equal(alive(grandchild), true);
    stop.abort();
    assert.equal((await run).status, 'Stopped');
    assert.equal(alive(grandchild), false, 'the grandchild went with the job');
  });

  it('terminate kills a job left running by an engine that died, and waits until it is gone', { timeout: 20_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'driftline-pg-'));
    // A leftover: a process group of its own (as the launcher starts jobs), recorded in the job folder.
    const leftover = spawn('sh', ['-c', 'sleep 600 & sleep 600'], { detached: true, stdio: 'ignore' });
    leftover.unref();
    await new Promise((r) => leftover.once('spawn', r));
    mkdirSync(path.join(dir, '.driftline'), { recursive: true });
    writeFileSync(path.join(dir, JOB_PID_FILE), JSON.stringify({ host: os.hostname(), pgid: leftover.pid, start: processStartTicks(leftover.pid!) }));
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(groupMembers(leftover.pid!).length >= 2, 'the shell and its sleeps run');
    assert.deepEqual(await launcher().terminate(dir), { killed: true });
    assert.deepEqual(groupMembers(leftover.pid!), []);
    assert.deepEqual(await launcher().terminate(dir), { killed: false }, 'nothing left the second time');
    // A record from another host cannot be acted on here: an error, not a silent "nothing runs".
    writeFileSync(path.join(dir, JOB_PID_FILE), JSON.stringify({ host: 'elsewhere', pgid: 12345 }));
    await assert.rejects(launcher().terminate(dir), { code: 'unavailable' });
  });
});
