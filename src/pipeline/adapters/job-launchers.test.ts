import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsArtifactStore } from '../../artifacts/fs-artifact-store.js';
import { MemoryArtifactStore } from '../../artifacts/memory-artifact-store.js';
import { describeJobLauncherContract } from '../contract/job-launcher.contract.js';
import { ChildProcessJobLauncher } from './child-process-job-launcher.js';
import { FakeJobLauncher, hangingJob } from './fake-job-launcher.js';
import { FsStepWorkspace } from './fs-step-workspace.js';
import { MemoryStepWorkspace } from './memory-step-workspace.js';

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
