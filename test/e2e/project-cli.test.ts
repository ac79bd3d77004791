import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { cli } from '../support/cli-runner.js';
import { tmpDir } from '../support/tmp-dir.js';

const run = promisify(execFile);
const gitEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const git = async (dir: string, ...args: string[]) =>
  (await run('git', ['-C', dir, '-c', 'user.name=tester', '-c', 'user.email=tester@localhost', ...args], { env: gitEnv })).stdout;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Project {
  folder: string;
  hookLog: string;
  repositories: { build: { path: string; definitionFile: string }; deploy: { path: string; stagingConfig: string; prodConfig: string } };
}

describe('project CLI', () => {
  it('creates a project whose build repository commits upsert and start the build pipeline', { timeout: 240_000 }, async () => {
    const home = await tmpDir('driftline-project-cli-');
    const d = (...argv: string[]) => cli(['--log-level', 'silent', ...argv], { home, cwd: home, env: gitEnv });
    let triggerPid: number | undefined;
    try {
      for (const help of [
        ['project', '--help'],
        ['project', 'create', '--help'],
        ['project', 'describe', '--help'],
        ['project', 'list', '--help'],
      ]) {
        const h = await d(...help);
        assert.equal(h.code, 0);
        assert.match(h.stdout, /Usage: driftline project/);
      }
      const gen = await d('data', 'generate', '--out', path.join(home, 'gen'), '--months', '2021-01', '--rows', '2000', '--seed', '7');
      assert.equal(gen.code, 0, gen.stderr);
      const trips = path.join(home, 'gen', 'green_tripdata_2021-01.parquet');
      const zones = path.join(home, 'gen', 'taxi_zone_centroids.csv');

      const bad = await d('project', 'create', 'x'.repeat(33));
      assert.equal(bad.code, EXIT_CODES.invalid_argument);
      assert.equal(bad.stderr.trim().split('\n').length, 1);
      const badSchedule = await d('project', 'create', 'taxi', '--retrain-schedule', 'cron(0 12 1 * * *)');
      assert.equal(badSchedule.code, EXIT_CODES.invalid_argument);
      assert.equal(badSchedule.stderr.trim().split('\n').length, 1);

      const created = await d('--json', 'project', 'create', 'taxi', '--input-data', trips, '--input-zones', zones);
      assert.equal(created.code, 0, created.stderr);
      const p = created.json<Project>();
      assert.equal(p.folder, path.join(home, 'projects', 'taxi'));

      const again = await d('project', 'create', 'taxi');
      assert.equal(again.code, EXIT_CODES.already_exists);
      assert.equal(again.stderr.trim().split('\n').length, 1);
      assert.match(again.stderr, /project 'taxi' already exists/);

      // Two repositories, one commit each.
      for (const repo of [p.repositories.build.path, p.repositories.deploy.path])
        assert.equal((await git(repo, 'rev-list', '--count', 'HEAD')).trim(), '1', repo);
      assert.equal(JSON.parse(await readFile(p.repositories.deploy.prodConfig, 'utf8')).stage_name, 'prod');
      assert.equal(JSON.parse(await readFile(p.repositories.deploy.stagingConfig, 'utf8')).stage_name, 'staging');

      // The pipeline and the rules.
      const pipeline = await d('--json', 'pipeline', 'describe', 'taxi-build');
      assert.equal(pipeline.code, 0, pipeline.stderr);
      assert.equal(pipeline.json<{ PipelineVersion: number }>().PipelineVersion, 1);
      const retrain = (await d('--json', 'rules', 'describe', 'taxi-retrain')).json<Record<string, unknown>>();
      assert.equal(retrain['scheduleExpression'], 'cron(0 12 1 * ? *)');
      assert.equal(retrain['state'], 'ENABLED');
      assert.equal(new Date(retrain['nextFireAt'] as number).getUTCDate(), 1);
      assert.equal(new Date(retrain['nextFireAt'] as number).getUTCHours(), 12);
      // Retraining reads production's labelled traffic of the last 30 days when it has 1,000 rows, else the raw files.
      const target = {
        id: 'start-build',
        kind: 'pipeline',
        pipelineName: 'taxi-build',
        parameters: {},
        trainingData: { endpointName: 'taxi-prod', days: 30, minimumRows: 1000 },
      };
      assert.deepEqual(retrain['targets'], [target]);
      const drift = (await d('--json', 'rules', 'describe', 'taxi-drift')).json<Record<string, unknown>>();
      assert.deepEqual(JSON.parse(drift['eventPattern'] as string), {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: ['taxi-prod-threshold', 'taxi-prod-model-quality'], state: { value: ['ALARM'] } },
      });
      assert.deepEqual(drift['targets'], [target]);

      // describe and list.
      const described = await d('--json', 'project', 'describe', 'taxi');
      assert.equal(described.code, 0, described.stderr);
      const live = described.json<{ live: Record<string, Record<string, unknown>>; repositories: { build: { lastCommit?: unknown } } }>();
      assert.equal(live.live['buildPipeline']!['latestVersion'], 1);
      assert.equal(live.live['modelPackageGroup']!['versions'], 0);
      assert.ok(live.repositories.build.lastCommit);
      const text = await d('project', 'describe', 'taxi');
      assert.match(text.stdout, /rule \(retrain\)\s+taxi-retrain\s+ENABLED, next fire /);
      assert.match(text.stdout, /endpoint \(prod\)\s+taxi-prod\s+absent/);
      const list = await d('--json', 'project', 'list');
      assert.deepEqual(
        list.json<{ projects: { name: string }[] }>().projects.map((x) => x.name),
        ['taxi'],
      );
      assert.equal((await d('project', 'describe', 'nope')).code, EXIT_CODES.not_found);

      // `deploy start` for the project's group reads the deploy repository's stage configs.
      const prodConfig = await readFile(p.repositories.deploy.prodConfig, 'utf8');
      await writeFile(p.repositories.deploy.prodConfig, '{"stage_name": "prod", "instance_count": "two"}');
      const deploy = await d('deploy', 'start', 'taxi', '1');
      assert.equal(deploy.code, EXIT_CODES.invalid_argument, deploy.stderr);
      assert.match(deploy.stderr, /prod-config\.json/);
      await writeFile(p.repositories.deploy.prodConfig, prodConfig);
      assert.equal((await d('deploy', 'start', 'taxi', '1')).code, EXIT_CODES.not_found);

      // A commit of a changed definition: the hook upserts version 2 and starts an execution, without holding up git.
      const def = JSON.parse(await readFile(p.repositories.build.definitionFile, 'utf8')) as { Parameters: { Name: string; DefaultValue: unknown }[] };
      def.Parameters.find((x) => x.Name === 'NumRound')!.DefaultValue = 20;
      await writeFile(p.repositories.build.definitionFile, `${JSON.stringify(def, null, 2)}\n`);
      const t0 = Date.now();
      await git(p.repositories.build.path, 'commit', '--quiet', '-am', 'fewer rounds');
      assert.ok(Date.now() - t0 < 5000, `git commit took ${Date.now() - t0} ms`);
      triggerPid = await poll('trigger.pid', 30_000, async () => {
        const text = await readFile(path.join(p.folder, 'hook', 'trigger.pid'), 'utf8').catch(() => '');
        return text.trim() ? Number(text.trim()) : undefined;
      });
      await poll('pipeline version 2', 60_000, async () => {
        const r = await d('--json', 'pipeline', 'describe', 'taxi-build');
        return r.code === 0 && r.json<{ PipelineVersion: number }>().PipelineVersion === 2 ? true : undefined;
      });
      const version2 = (await d('--json', 'pipeline', 'describe', 'taxi-build')).json<{ PipelineDefinition: typeof def }>();
      assert.equal(version2.PipelineDefinition.Parameters.find((x) => x.Name === 'NumRound')!.DefaultValue, 20);
      const execution = await poll('an execution of taxi-build', 60_000, async () => {
        const r = await d('--json', 'pipeline', 'executions', '--pipeline', 'taxi-build');
        const items = r.code === 0 ? r.json<{ PipelineExecutionSummaries?: Record<string, unknown>[] } | Record<string, unknown>[]>() : undefined;
        const list = Array.isArray(items) ? items : (items?.PipelineExecutionSummaries ?? []);
        return list[0];
      });
      assert.ok(execution);
      // The execution runs in the hook's background process: wait for it to end.
      await poll('the hook process to end', 180_000, async () => (alive(triggerPid!) ? undefined : true));
      const after = await d('--json', 'project', 'describe', 'taxi');
      const exec = after.json<{ live: { buildPipeline: { latestExecution?: { status: string; pipelineVersion: number } } } }>().live.buildPipeline
        .latestExecution;
      assert.equal(exec?.pipelineVersion, 2);
      assert.equal(exec?.status, 'Succeeded', await readFile(p.hookLog, 'utf8'));
      assert.match(await readFile(p.hookLog, 'utf8'), /version 2/);
    } finally {
      if (triggerPid !== undefined && alive(triggerPid)) {
        process.kill(triggerPid, 'SIGTERM');
        await poll('the hook process to stop', 20_000, async () => (alive(triggerPid!) ? undefined : true)).catch(() => process.kill(triggerPid!, 'SIGKILL'));
      }
      await rm(home, { recursive: true, force: true });
    }
  });
});
