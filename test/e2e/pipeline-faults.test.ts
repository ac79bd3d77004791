import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { PipelineBuilder } from '../../src/pipeline/index.js';
import { cli } from '../support/cli-runner.js';
import { openApp } from '../support/pipeline-app.js';
import { PROJECT_ROOT } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Alive and not a zombie (a killed process nobody has reaped yet is dead for us). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A command job that starts a grandchild (`sleep 600`), records both pids, then waits forever; on
 * a later attempt (the marker exists) it succeeds at once.
 */
function jobWithGrandchild(home: string) {
  const pids = path.join(home, 'pids');
  const marker = path.join(home, 'attempted');
  const script = `const fs=require('fs');if(fs.existsSync(${JSON.stringify(marker)})){console.log('second attempt');process.exit(0)}fs.writeFileSync(${JSON.stringify(marker)},'1');const c=require('child_process').spawn('sleep',['600'],{stdio:'ignore'});console.log('first attempt, grandchild '+c.pid);fs.writeFileSync(${JSON.stringify(pids)},process.pid+' '+c.pid);setInterval(()=>{},1000)`;
  const b = new PipelineBuilder();
  b.processing('Work', { processor: { command: [process.execPath, '-e', script] } });
  return { definition: b.build(), pids: () => (existsSync(pids) ? readFileSync(pids, 'utf8').split(' ').map(Number) : undefined) };
}

/** What a test started: killed after each test whatever its outcome, so a failing test never leaves a process holding the run open. */
const started = new Set<ChildProcess>();
const jobPids = new Set<number>();
afterEach(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
  for (const pid of jobPids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  jobPids.clear();
});

function startCli(home: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'main', 'cli.ts'), '--home', home, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((r) => child.once('exit', (code, sig) => r(code ?? (sig ? -1 : null))));
  return { child, exited, stderr: () => stderr };
}

describe('pipeline jobs die with their engine (real processes)', () => {
  for (const sig of ['SIGKILL', 'SIGTERM', 'SIGINT'] as const) {
    it(
      `${sig} to a running \`pipeline start\`: the job and its grandchild die, and resume finishes the execution keeping both attempts' logs`,
      { timeout: 90_000 },
      async () => {
        const home = await tmpDir();
        const app = await openApp(home);
        try {
          const job = jobWithGrandchild(home);
          await app.pipelines.upsert('faults', job.definition);
          const run = startCli(home, ['pipeline', 'start', 'faults']);
          await waitFor('the job and its grandchild to start', () => job.pids() !== undefined && job.pids()!.length === 2);
          const [jobPid, grandchild] = job.pids()!;
          for (const pid of [jobPid!, grandchild!]) jobPids.add(pid);
          assert.ok(running(jobPid!) && running(grandchild!));
          run.child.kill(sig);
          const code = await run.exited;
          await waitFor('the job and its grandchild to die', () => !running(jobPid!) && !running(grandchild!), 5_000);
          const [execution] = (await app.pipelines.executions({ pipelineName: 'faults' })).items;
          assert.equal(execution?.status, 'Executing');
          if (sig === 'SIGKILL') {
            assert.equal(code, -1);
          } else {
            assert.equal(code, sig === 'SIGTERM' ? 143 : 130, run.stderr());
            assert.match(run.stderr(), /interrupted: its jobs were stopped and it is left for `driftline pipeline resume exec-/);
            assert.equal(execution?.owner, undefined, 'released at once for resume');
          }
          const resumed = await cli(['pipeline', 'resume', execution!.id, '--json'], { home });
          assert.equal(resumed.code, 0, resumed.stderr);
          const after = await app.pipelines.describeExecution(execution!.id);
          assert.equal(after.execution.status, 'Succeeded');
          assert.equal(after.steps[0]?.attemptCount, 2);
          const logs = await cli(['pipeline', 'logs', execution!.id, 'Work'], { home });
          assert.match(logs.stdout, /== pipelines-exec-[^\n]*-Work-1\.log\nfirst attempt, grandchild \d+/);
          assert.match(logs.stdout, /== pipelines-exec-[^\n]*-Work-2\.log\nsecond attempt/);
          if (sig === 'SIGKILL') assert.match(logs.stdout, /\[driftline\] attempt 1 was interrupted/);
          assert.deepEqual(await readdir(path.join(home, 'jobs')), [], 'no job folder left');
        } finally {
          await app.close();
        }
      },
    );
  }

  it('SIGTERM while a built-in job trains: the job runner (and its worker threads) die with the engine', { timeout: 90_000 }, async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      // 20,000 rows of y = 3a + b + noise, label first, no header; far more rounds than it will get to run.
      const rows: string[] = [];
      let s = 7;
      const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < 20_000; i++) {
        const a = rnd();
        const b2 = rnd();
        rows.push(`${3 * a + b2 + rnd() / 10},${a},${b2}`);
      }
      await mkdir(path.join(home, 'data'), { recursive: true });
      await writeFile(path.join(home, 'data', 'train.csv'), rows.join('\n'));
      const b = new PipelineBuilder();
      b.training('Train', {
        hyperparameters: { objective: 'reg:squarederror', num_round: '100000', max_depth: '6', nthread: '2' },
        channels: { train: path.join(home, 'data', 'train.csv') },
      });
      await app.pipelines.upsert('builtin', b.build());
      const run = startCli(home, ['pipeline', 'start', 'builtin']);
      let pgid: number | undefined;
      await waitFor('the training job to start', async () => {
        const jobs = existsSync(path.join(home, 'jobs')) ? await readdir(path.join(home, 'jobs')) : [];
        const pidFile = jobs.map((j) => path.join(home, 'jobs', j, '.driftline', 'job.pid')).find((f) => existsSync(f));
        if (pidFile) pgid = (JSON.parse(readFileSync(pidFile, 'utf8')) as { pgid: number }).pgid;
        return pgid !== undefined;
      });
      await sleep(1500);
      assert.equal(running(pgid!), true, 'the job runner trains');
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 143, run.stderr());
      await waitFor('the job runner to die', () => !running(pgid!), 10_000);
      const [execution] = (await app.pipelines.executions({ pipelineName: 'builtin' })).items;
      assert.equal(execution?.owner, undefined, 'released for resume');
      const logs = await cli(['pipeline', 'logs', execution!.id, 'Train'], { home });
      assert.match(logs.stdout, /== pipelines-exec-[^\n]*-Train-1\.log\n/, 'the interrupted attempt keeps its log');
    } finally {
      await app.close();
    }
  });

  it(
    'the database fails mid-run (locked by another writer): the running sibling is stopped, and the execution ends Failed with the reason',
    { timeout: 90_000 },
    async () => {
      const home = await tmpDir();
      const app = await openApp(home);
      try {
        const pids = path.join(home, 'a.pid');
        const go = path.join(home, 'go');
        const b = new PipelineBuilder();
        b.processing('A', {
          processor: { command: [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(pids)},String(process.pid));setInterval(()=>{},1000)`] },
        });
        b.processing('B', {
          processor: {
            command: [
              process.execPath,
              '-e',
              `const fs=require('fs');const t=setInterval(()=>{if(fs.existsSync(${JSON.stringify(go)})){clearInterval(t)}},50)`,
            ],
          },
        });
        await app.pipelines.upsert('db', b.build());
        const run = startCli(home, ['pipeline', 'start', 'db']);
        await waitFor('job A to start', () => existsSync(pids));
        const jobA = Number(readFileSync(pids, 'utf8'));
        jobPids.add(jobA);
        await sleep(300);
        // Another writer holds the database: every write of the engine now fails (after SQLite's 5 s busy timeout).
        const lock = new Database(path.join(home, 'driftline.db'));
        lock.prepare('BEGIN IMMEDIATE').run();
        try {
          await writeFile(go, '1'); // B ends: its Succeeded cannot be saved
          await waitFor('job A to be stopped', () => !running(jobA), 30_000);
        } finally {
          lock.prepare('ROLLBACK').run();
          lock.close();
        }
        const code = await run.exited;
        assert.equal(code, 5, run.stderr());
        const [execution] = (await app.pipelines.executions({ pipelineName: 'db' })).items;
        assert.equal(execution?.status, 'Failed');
        assert.match(execution?.failureReason ?? '', /could not save step B \(Succeeded\): metadata store: save step failed: database is locked/);
        const d = await app.pipelines.describeExecution(execution!.id);
        assert.deepEqual(Object.fromEntries(d.steps.map((st) => [st.name, st.status])), { A: 'Stopped', B: 'Failed' });
      } finally {
        await app.close();
      }
    },
  );

  it('`pipeline stop` kills the job and everything it started', { timeout: 60_000 }, async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    try {
      const job = jobWithGrandchild(home);
      await app.pipelines.upsert('faults', job.definition);
      const exec = await app.pipelines.create('faults');
      const done = app.pipelines.resumeOwned(exec.id);
      await waitFor('the job to start', () => job.pids()?.length === 2);
      const [jobPid, grandchild] = job.pids()!;
      for (const pid of [jobPid!, grandchild!]) jobPids.add(pid);
      const stopped = await cli(['pipeline', 'stop', exec.id], { home });
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.equal((await done).execution.status, 'Stopped');
      assert.equal(running(jobPid!), false);
      assert.equal(running(grandchild!), false, 'no orphan');
    } finally {
      await app.close();
    }
  });

  it(
    'a full disk while a step stores its outputs: the step fails with one line, nothing partial stays, nothing is registered',
    { timeout: 60_000, skip: os.platform() !== 'linux' || process.getuid?.() !== 0 ? 'needs root on Linux to mount a small tmpfs' : false },
    async (t) => {
      const home = await tmpDir();
      const artifacts = path.join(home, 'artifacts');
      await mkdir(artifacts, { recursive: true });
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', artifacts]);
      } catch (err) {
        t.skip(`cannot mount a tmpfs here: ${(err as Error).message.split('\n')[0]}`);
        return;
      }
      const app = await openApp(home);
      try {
        const b = new PipelineBuilder();
        // 3 files of 200 kB: the third does not fit in 512 kB next to the first two.
        const write = `const fs=require('fs');const d=process.env.PROCESSING_JOB_DIR+'/output/big';for(const n of ['a','b','c'])fs.writeFileSync(d+'/'+n+'.bin',Buffer.alloc(200*1024,1))`;
        const big = b.processing('Big', { processor: { command: [process.execPath, '-e', write] }, outputs: [{ name: 'big' }] });
        b.registerModel('Register', { group: 'g', approvalStatus: 'PendingManualApproval', modelDataUrl: 'file:///nonexistent/model.json', dependsOn: [big] });
        await app.pipelines.upsert('disk', b.build());
        const run = await cli(['pipeline', 'start', 'disk'], { home });
        assert.equal(run.code, 5, run.stderr);
        assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
        const [execution] = (await app.pipelines.executions({ pipelineName: 'disk' })).items;
        const d = await app.pipelines.describeExecution(execution!.id);
        assert.equal(d.execution.status, 'Failed');
        assert.deepEqual(
          d.steps.map((s) => [s.name, s.status]),
          [['Big', 'Failed']],
        );
        assert.match(d.steps[0]?.failureReason ?? '', /ENOSPC|no space left/i);
        assert.deepEqual(await app.artifacts.list(`pipelines/disk/${execution!.id}/Big/big/`), [], 'no partial output');
        await assert.rejects(app.registry.listVersions('g'), { code: 'not_found' });
      } finally {
        await app.close();
        execFileSync('umount', [artifacts]);
      }
    },
  );
});
