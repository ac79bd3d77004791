import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import { noopLogger } from '../core/logger.js';
import type { CommitInfo, GitPort, ProjectFiles } from './ports.js';
import { DEFAULT_RETRAIN_SCHEDULE, ProjectService, validateProjectName, type ProjectPlatform } from './project-service.js';
import type { ProjectRecord } from './types.js';

class MemoryFiles implements ProjectFiles {
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>();
  readonly executable = new Set<string>();
  async exists(f: string) {
    return this.files.has(f) || this.dirs.has(f) || [...this.files.keys()].some((k) => k.startsWith(`${f}/`));
  }
  async mkdir(d: string) {
    this.dirs.add(d);
  }
  async writeText(f: string, text: string, o: { executable?: boolean } = {}) {
    this.files.set(f, text);
    if (o.executable) this.executable.add(f);
  }
  async readText(f: string) {
    const t = this.files.get(f);
    if (t === undefined) throw new Error(`ENOENT ${f}`);
    return t;
  }
  async list(dir: string) {
    const names = new Set<string>();
    for (const k of [...this.files.keys(), ...this.dirs]) if (k.startsWith(`${dir}/`)) names.add(k.slice(dir.length + 1).split('/')[0]!);
    return [...names];
  }
  async remove(t: string) {
    for (const k of [...this.files.keys()]) if (k === t || k.startsWith(`${t}/`)) this.files.delete(k);
    for (const k of [...this.dirs]) if (k === t || k.startsWith(`${t}/`)) this.dirs.delete(k);
  }
  async rename(from: string, to: string) {
    const moved = (k: string) => k === from || k.startsWith(`${from}/`);
    const to2 = (k: string) => to + k.slice(from.length);
    for (const [k, v] of [...this.files].filter(([k]) => moved(k))) {
      this.files.delete(k);
      this.files.set(to2(k), v);
    }
    for (const set of [this.dirs, this.executable])
      for (const k of [...set].filter(moved)) {
        set.delete(k);
        set.add(to2(k));
      }
  }
  join(...p: string[]) {
    return path.posix.join(...p);
  }
  all(prefix: string) {
    return [...this.files.keys(), ...this.dirs].filter((k) => k.startsWith(prefix));
  }
}

class FakeGit implements GitPort {
  readonly commits: { dir: string; message: string }[] = [];
  async init() {}
  async commitAll(dir: string, message: string) {
    this.commits.push({ dir, message });
    return `sha${this.commits.length}`;
  }
  async lastCommit(dir: string): Promise<CommitInfo | undefined> {
    const c = [...this.commits].reverse().find((x) => dir.endsWith(x.dir.split('/').pop()!));
    return c ? { sha: 'abc', message: c.message, at: 0 } : undefined;
  }
}

interface Rule {
  name: string;
  eventPattern?: unknown;
  scheduleExpression?: string;
  pipeline: string;
}

class FakePlatform implements ProjectPlatform {
  readonly groups = new Map<string, Record<string, string>>();
  readonly pipelines = new Map<string, unknown>();
  readonly rules = new Map<string, Rule>();
  failOn: 'createGroup' | 'upsertPipeline' | 'drift-rule' | undefined;
  async groupExists(n: string) {
    return this.groups.has(n);
  }
  async pipelineExists(n: string) {
    return this.pipelines.has(n);
  }
  async ruleExists(n: string) {
    return this.rules.has(n);
  }
  async createGroup(n: string, tags: Record<string, string>) {
    if (this.failOn === 'createGroup') throw new AppError('unavailable', 'registry down');
    this.groups.set(n, tags);
  }
  async upsertPipeline(n: string, d: unknown) {
    if (this.failOn === 'upsertPipeline') throw new AppError('unavailable', 'store down');
    this.pipelines.set(n, d);
  }
  async putPipelineRule(r: { name: string; eventPattern?: unknown; scheduleExpression?: string }, pipeline: string) {
    if (this.failOn === 'drift-rule' && r.eventPattern) throw new AppError('unavailable', 'events down');
    this.rules.set(r.name, { ...r, pipeline });
  }
  async deleteRule(n: string) {
    this.rules.delete(n);
  }
  async status() {
    return { ok: true };
  }
}

function setup() {
  const files = new MemoryFiles();
  const git = new FakeGit();
  const platform = new FakePlatform();
  let n = 0;
  const service = new ProjectService({
    files,
    git,
    platform,
    root: '/home/projects',
    cli: { node: '/usr/bin/node', args: ['/opt/driftline/main/cli.js'], home: "/home/it's" },
    clock: new ManualClock(Date.UTC(2024, 0, 1)),
    ids: (p) => `${p}-${++n}`,
    logger: noopLogger,
  });
  return { files, git, platform, service };
}

const code = (c: string) => (err: unknown) => (err as AppError).code === c && !(err as Error).message.includes('\n');

describe('ProjectService', () => {
  it('checks the name as the Service Catalog parameter does, and the schedule', async () => {
    assert.equal(validateProjectName('a'), 'a');
    assert.equal(validateProjectName('x'.repeat(32)), 'x'.repeat(32));
    for (const bad of ['x'.repeat(33), '', '-a', 'a-', 'a_b', 'a b', 'a.b']) assert.throws(() => validateProjectName(bad), code('invalid_argument'), bad);
    const { service, files, platform } = setup();
    await assert.rejects(service.create({ name: 'taxi', retrainSchedule: 'cron(0 12 1 * * *)' }), code('invalid_argument'));
    await assert.rejects(service.create({ name: 'taxi', retrainSchedule: 'every month' }), code('invalid_argument'));
    assert.deepEqual(files.all('/home'), []);
    assert.equal(platform.rules.size, 0);
  });

  it('creates the group, the repositories with one commit each, the hook, the pipeline and both rules', async () => {
    const { service, files, git, platform } = setup();
    const p = await service.create({ name: 'taxi' });
    assert.equal(p.folder, '/home/projects/taxi');
    assert.deepEqual(platform.groups.get('taxi'), { 'sagemaker:project-name': 'taxi', 'driftline:auto-deploy': 'false', 'driftline:project-deploy': 'true' });
    const def = platform.pipelines.get('taxi-build') as { Parameters: { Name: string; DefaultValue: unknown }[] };
    const param = (n: string) => def.Parameters.find((x) => x.Name === n)?.DefaultValue;
    assert.equal(param('InputDataUrl'), '/home/projects/taxi/input/data');
    assert.equal(param('InputZonesUrl'), '/home/projects/taxi/input/zones');
    assert.equal(param('ModelPackageGroupName'), 'taxi');
    assert.deepEqual(
      git.commits.map((c) => path.posix.basename(c.dir)),
      ['taxi-build', 'taxi-deploy'],
    );
    assert.deepEqual(JSON.parse(files.files.get(p.repositories.build.definitionFile)!), def);
    assert.equal(JSON.parse(files.files.get(p.repositories.deploy.stagingConfig)!).stage_name, 'staging');
    assert.equal(JSON.parse(files.files.get(p.repositories.deploy.prodConfig)!).stage_name, 'prod');
    const hook = files.files.get('/home/projects/taxi/repos/taxi-build/.git/hooks/post-commit')!;
    assert.ok(files.executable.has('/home/projects/taxi/repos/taxi-build/.git/hooks/post-commit'));
    assert.match(hook, /nohup .*trigger\.sh.*&\nexit 0/);
    const trigger = files.files.get('/home/projects/taxi/hook/trigger.sh')!;
    assert.match(trigger, /'\/usr\/bin\/node' '\/opt\/driftline\/main\/cli.js' --home '\/home\/it'\\''s' .*pipeline upsert 'taxi-build' --definition "\$1"/);
    assert.match(trigger, /exec .* pipeline start 'taxi-build'/);
    assert.deepEqual(platform.rules.get('taxi-retrain'), {
      name: 'taxi-retrain',
      scheduleExpression: DEFAULT_RETRAIN_SCHEDULE,
      description: "project taxi: scheduled retraining (the sample's RetrainSchedule)",
      pipeline: 'taxi-build',
    });
    const drift = platform.rules.get('taxi-drift')!;
    assert.equal(drift.pipeline, 'taxi-build');
    assert.equal(drift.scheduleExpression, undefined);
    assert.deepEqual(drift.eventPattern, {
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: ['taxi-prod-threshold', 'taxi-prod-model-quality'], state: { value: ['ALARM'] } },
    });
    assert.deepEqual(await service.get('taxi'), p);
    assert.deepEqual(
      (await service.list()).map((x: ProjectRecord) => x.name),
      ['taxi'],
    );
    assert.deepEqual(files.all('/home/projects/.staging'), []);
    assert.equal((await service.findByGroup('taxi'))?.repositories.deploy.prodConfig, '/home/projects/taxi/repos/taxi-deploy/prod-config.json');
    assert.equal(await service.findByGroup('other'), undefined);
    const described = await service.describe('taxi');
    assert.deepEqual(described.live, { ok: true });
    assert.equal(described.repositories.deploy.lastCommit?.message, 'Initial stage configs of project taxi');
  });

  it('takes the schedule and input locations given', async () => {
    const { service, platform } = setup();
    await service.create({ name: 'p2', retrainSchedule: 'rate(1 day)', inputDataUrl: '/data/trips', inputZonesUrl: '/data/zones.zip' });
    assert.equal(platform.rules.get('p2-retrain')?.scheduleExpression, 'rate(1 day)');
    const def = platform.pipelines.get('p2-build') as { Parameters: { Name: string; DefaultValue: unknown }[] };
    assert.equal(def.Parameters.find((x) => x.Name === 'InputDataUrl')?.DefaultValue, '/data/trips');
  });

  it('refuses an existing project, or one whose group, pipeline or rules exist, with one line and nothing made', async () => {
    const { service, platform, files, git } = setup();
    await service.create({ name: 'taxi' });
    await assert.rejects(service.create({ name: 'taxi' }), code('already_exists'));
    assert.equal(git.commits.length, 2);
    platform.groups.set('other', {});
    await assert.rejects(service.create({ name: 'other' }), code('already_exists'));
    platform.rules.set('third-drift', { name: 'third-drift', pipeline: 'x' });
    await assert.rejects(service.create({ name: 'third' }), code('already_exists'));
    assert.deepEqual(files.all('/home/projects/other'), []);
    assert.deepEqual(files.all('/home/projects/third'), []);
    await assert.rejects(service.get('other'), code('not_found'));
  });

  it('removes the staging folder when git fails, and makes nothing else', async () => {
    const { service, platform, files, git } = setup();
    git.commitAll = async (dir: string) => {
      if (dir.endsWith('-deploy')) throw new AppError('unavailable', 'git commit failed');
      return 'sha';
    };
    await assert.rejects(service.create({ name: 'taxi' }), code('unavailable'));
    assert.deepEqual(files.all('/home/projects'), []);
    assert.equal(platform.rules.size + platform.pipelines.size + platform.groups.size, 0);
  });

  for (const failOn of ['drift-rule', 'upsertPipeline', 'createGroup'] as const) {
    it(`cleans up when ${failOn} fails: no folder, no rules, the name free again`, async () => {
      const { service, platform, files } = setup();
      platform.failOn = failOn;
      await assert.rejects(service.create({ name: 'taxi' }), code('unavailable'));
      assert.deepEqual(files.all('/home/projects'), []);
      assert.equal(platform.rules.size, 0);
      platform.failOn = undefined;
      if (failOn === 'createGroup') platform.pipelines.clear(); // pipelines cannot be deleted: the one upserted stays
      await service.create({ name: 'taxi' });
      assert.equal(platform.rules.size, 2);
    });
  }
});
