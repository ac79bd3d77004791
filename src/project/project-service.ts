import type { Clock } from '../core/clock.js';
import { AppError, InvalidArgumentError, NotFoundError, isAppError, oneLine } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { AUTO_DEPLOY_TAG, AUTO_PROMOTE_TAG, SAMPLE_PROD_CONFIG, SAMPLE_STAGING_CONFIG } from '../deploy/index.js';
import { assertValidDefinition, nycTaxiBuildPipeline } from '../pipeline/index.js';
import { parseScheduleExpression } from '../scheduler/index.js';
import type { GitPort, ProjectFiles } from './ports.js';
import type { CliCommand, ProjectRecord, ProjectStatus } from './types.js';

/** The sample's RetrainSchedule default: 12:00 UTC on the 1st of every month. */
export const DEFAULT_RETRAIN_SCHEDULE = 'cron(0 12 1 * ? *)';
/** SageMakerProjectName: at most 32 characters, letters/digits, hyphens inside. */
const PROJECT_NAME_RE = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;
export const DEFINITION_FILE = 'pipeline-definition.json';
const PROJECT_FILE = 'project.json';
/** A project's group: approvals deploy with the deploy repository's stage configs (wired in the composition root). */
export const PROJECT_DEPLOY_TAG = 'driftline:project-deploy';

/** What a project needs from the rest of driftline (registry, pipelines, rules), implemented in the composition root. */
export interface ProjectPlatform {
  groupExists(name: string): Promise<boolean>;
  pipelineExists(name: string): Promise<boolean>;
  ruleExists(name: string): Promise<boolean>;
  createGroup(name: string, tags: Readonly<Record<string, string>>): Promise<void>;
  upsertPipeline(name: string, definition: unknown, description: string): Promise<void>;
  /** PutRule and one target starting `pipelineName`. */
  putPipelineRule(
    rule: { name: string; eventPattern?: unknown; scheduleExpression?: string; description: string },
    pipelineName: string,
    trainingData?: { endpointName: string; days: number; minimumRows: number },
  ): Promise<void>;
  deleteRule(name: string): Promise<void>;
  /** Live state of the project's parts. */
  status(project: ProjectRecord): Promise<Record<string, unknown>>;
}

export interface ProjectServiceDeps {
  readonly files: ProjectFiles;
  readonly git: GitPort;
  readonly platform: ProjectPlatform;
  /** `<home>/projects`. */
  readonly root: string;
  /** How the build repository's hook calls driftline. */
  readonly cli: CliCommand;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

export interface CreateProjectInput {
  readonly name: string;
  readonly retrainSchedule?: string;
  readonly inputDataUrl?: string;
  readonly inputZonesUrl?: string;
  /** Retrain on the production endpoint's labelled traffic of the last `days` (default 30) when it has `minimumRows` (default 1000); 0 days: always the raw files. */
  readonly retrainOnCapture?: { readonly days: number; readonly minimumRows: number };
  /** Opt in: a retrained version whose rmse beats production's by this fraction on later labelled traffic is approved and deployed without a person. */
  readonly autoPromoteMargin?: number;
}

/** Retraining reads the last 30 days of production's labelled traffic when it has at least 1,000 rows. */
export const DEFAULT_RETRAIN_ON_CAPTURE = { days: 30, minimumRows: 1000 } as const;

/** Checks a project name as the sample's Service Catalog parameter does; returns it. */
export function validateProjectName(name: string): string {
  if (name.length > 32) throw new InvalidArgumentError(`project name ${JSON.stringify(name)} is ${name.length} characters long: at most 32 allowed`);
  if (!PROJECT_NAME_RE.test(name))
    throw new InvalidArgumentError(`project name ${JSON.stringify(name)} must be letters, digits and hyphens, starting and ending with a letter or digit`);
  return name;
}

/** Quotes a value for a POSIX shell. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The project template (the sample's Service Catalog product): `create` makes the artifact
 * location, the model package group, the build and deploy git repositories (each with an initial
 * commit; the build repository's post-commit hook upserts the committed definition and starts the
 * build pipeline in the background), the build pipeline, the scheduled retrain rule and the
 * drift-alarm rule. Everything is checked first and the files are made in a staging folder; a
 * failure removes what was made.
 */
export class ProjectService {
  constructor(private readonly deps: ProjectServiceDeps) {}

  private folderOf(name: string): string {
    return this.deps.files.join(this.deps.root, name);
  }

  async create(input: CreateProjectInput): Promise<ProjectRecord> {
    const { files, git, platform } = this.deps;
    const name = validateProjectName(input.name);
    const schedule = input.retrainSchedule ?? DEFAULT_RETRAIN_SCHEDULE;
    const retrainOnCapture = input.retrainOnCapture ?? DEFAULT_RETRAIN_ON_CAPTURE;
    if (input.autoPromoteMargin !== undefined && !(input.autoPromoteMargin >= 0 && input.autoPromoteMargin < 1))
      throw new InvalidArgumentError(`the auto-promote margin must be a fraction from 0 to below 1 (0.05 = 5% better), got ${input.autoPromoteMargin}`);
    if (!(Number.isInteger(retrainOnCapture.days) && retrainOnCapture.days >= 0 && retrainOnCapture.days <= 366))
      throw new InvalidArgumentError(`retrain-on-capture days must be a whole number from 0 to 366, got ${retrainOnCapture.days}`);
    if (!(Number.isInteger(retrainOnCapture.minimumRows) && retrainOnCapture.minimumRows >= 2))
      throw new InvalidArgumentError(`retrain-on-capture minimum rows must be a whole number >= 2, got ${retrainOnCapture.minimumRows}`);
    parseScheduleExpression(schedule);
    const folder = this.folderOf(name);
    const buildPipelineName = `${name}-build`;
    const retrainRuleName = `${name}-retrain`;
    const driftRuleName = `${name}-drift`;
    if (await files.exists(folder)) throw exists(`project '${name}' already exists (${folder})`);
    if (await platform.groupExists(name)) throw exists(`project '${name}': model package group '${name}' already exists`);
    if (await platform.pipelineExists(buildPipelineName)) throw exists(`project '${name}': pipeline '${buildPipelineName}' already exists`);
    for (const rule of [retrainRuleName, driftRuleName]) if (await platform.ruleExists(rule)) throw exists(`project '${name}': rule '${rule}' already exists`);

    const j = (...p: string[]) => files.join(folder, ...p);
    const inputDataUrl = input.inputDataUrl ?? j('input', 'data');
    const inputZonesUrl = input.inputZonesUrl ?? j('input', 'zones');
    const definition = nycTaxiBuildPipeline({ inputDataUrl, inputZonesUrl, modelPackageGroupName: name });
    assertValidDefinition(definition);
    const buildRepo = `${name}-build`;
    const deployRepo = `${name}-deploy`;
    const record: ProjectRecord = {
      name,
      createdAt: new Date(this.deps.clock.now()).toISOString(),
      folder,
      modelPackageGroupName: name,
      buildPipelineName,
      retrainSchedule: schedule,
      retrainRuleName,
      driftRuleName,
      driftAlarmName: `${name}-prod-threshold`,
      modelQualityAlarmName: `${name}-prod-model-quality`,
      ...(retrainOnCapture.days > 0 ? { retrainOnCapture } : {}),
      inputDataUrl,
      inputZonesUrl,
      repositories: {
        build: {
          name: buildRepo,
          path: j('repos', buildRepo),
          definitionFile: j('repos', buildRepo, DEFINITION_FILE),
          hook: j('repos', buildRepo, '.git', 'hooks', 'post-commit'),
        },
        deploy: {
          name: deployRepo,
          path: j('repos', deployRepo),
          stagingConfig: j('repos', deployRepo, 'staging-config.json'),
          prodConfig: j('repos', deployRepo, 'prod-config.json'),
        },
      },
      hookLog: j('hook', 'hook.log'),
    };

    // Files first, in a staging folder that becomes the project folder at once.
    const staging = files.join(this.deps.root, `.staging-${name}-${this.deps.ids('stage')}`);
    const s = (...p: string[]) => files.join(staging, ...p);
    const madeRules: string[] = [];
    let placed = false;
    try {
      for (const d of [s('input', 'data'), s('input', 'zones'), s('hook'), s('repos', buildRepo), s('repos', deployRepo)]) await files.mkdir(d);
      await files.writeText(s('repos', buildRepo, DEFINITION_FILE), `${JSON.stringify(definition, null, 2)}\n`);
      await files.writeText(s('repos', buildRepo, 'README.md'), buildReadme(record));
      await git.init(s('repos', buildRepo));
      await git.commitAll(s('repos', buildRepo), `Initial build pipeline of project ${name}`);
      await files.writeText(s('repos', deployRepo, 'staging-config.json'), `${JSON.stringify(SAMPLE_STAGING_CONFIG, null, 2)}\n`);
      await files.writeText(s('repos', deployRepo, 'prod-config.json'), `${JSON.stringify(SAMPLE_PROD_CONFIG, null, 2)}\n`);
      await files.writeText(s('repos', deployRepo, 'README.md'), deployReadme(record));
      await git.init(s('repos', deployRepo));
      await git.commitAll(s('repos', deployRepo), `Initial stage configs of project ${name}`);
      await files.writeText(s('hook', 'trigger.sh'), triggerScript(record, this.deps.cli), { executable: true });
      await files.writeText(s('repos', buildRepo, '.git', 'hooks', 'post-commit'), hookScript(record), { executable: true });
      await files.writeText(s(PROJECT_FILE), `${JSON.stringify(record, null, 2)}\n`);
      await files.rename(staging, folder).catch(async (err: unknown) => {
        // Another create of the same name won the race.
        if (await files.exists(folder)) throw exists(`project '${name}' already exists (${folder})`);
        throw err;
      });
      placed = true;

      // Retraining reads production's labelled traffic when it has enough (the endpoint DeployProd makes).
      const trainingData = retrainOnCapture.days > 0 ? { endpointName: `${name}-prod`, ...retrainOnCapture } : undefined;
      // Then the resources that can be removed, then those that cannot (checked above, so they should not fail).
      await platform.putPipelineRule(
        { name: retrainRuleName, scheduleExpression: schedule, description: `project ${name}: scheduled retraining (the sample's RetrainSchedule)` },
        buildPipelineName,
        trainingData,
      );
      madeRules.push(retrainRuleName);
      await platform.putPipelineRule(
        {
          name: driftRuleName,
          eventPattern: driftPattern(record.driftAlarmName, `${name}-prod-model-quality`),
          description: `project ${name}: drift or model-quality alarm -> retrain`,
        },
        buildPipelineName,
        trainingData,
      );
      madeRules.push(driftRuleName);
      await platform.upsertPipeline(buildPipelineName, definition, `project ${name}: the model build pipeline`);
      // The generic approval handler leaves the group alone; the project's handler deploys with the deploy repository's configs.
      await platform.createGroup(name, {
        'sagemaker:project-name': name,
        [AUTO_DEPLOY_TAG]: 'false',
        [PROJECT_DEPLOY_TAG]: 'true',
        ...(input.autoPromoteMargin === undefined ? {} : { [AUTO_PROMOTE_TAG]: String(input.autoPromoteMargin) }),
      });
    } catch (err) {
      this.deps.logger.warn('project create failed: cleaning up', { project: name, error: oneLine(err) });
      for (const rule of madeRules) await platform.deleteRule(rule).catch(() => undefined);
      await files.remove(placed ? folder : staging).catch(() => undefined);
      throw err;
    }
    this.deps.logger.info('project created', { project: name });
    return record;
  }

  async get(name: string): Promise<ProjectRecord> {
    validateProjectName(name);
    const file = this.deps.files.join(this.folderOf(name), PROJECT_FILE);
    if (!(await this.deps.files.exists(file))) throw new NotFoundError('project', name);
    return JSON.parse(await this.deps.files.readText(file)) as ProjectRecord;
  }

  async list(): Promise<ProjectRecord[]> {
    const out: ProjectRecord[] = [];
    for (const dir of (await this.deps.files.list(this.deps.root)).sort()) {
      if (dir.startsWith('.')) continue;
      try {
        out.push(await this.get(dir));
      } catch (err) {
        if (!isAppError(err)) throw err;
      }
    }
    return out;
  }

  /** The project whose model package group this is (its deploy repository holds the group's stage configs), if any. */
  async findByGroup(group: string): Promise<ProjectRecord | undefined> {
    return (await this.list()).find((p) => p.modelPackageGroupName === group);
  }

  async describe(name: string): Promise<ProjectStatus> {
    const project = await this.get(name);
    const commit = async (dir: string) => {
      const c = await this.deps.git.lastCommit(dir);
      return c ? { lastCommit: { sha: c.sha, message: c.message, at: new Date(c.at).toISOString() } } : {};
    };
    return {
      project,
      live: await this.deps.platform.status(project),
      repositories: {
        build: { path: project.repositories.build.path, ...(await commit(project.repositories.build.path)) },
        deploy: { path: project.repositories.deploy.path, ...(await commit(project.repositories.deploy.path)) },
      },
    };
  }
}

const exists = (message: string) => new AppError('already_exists', message);

/** The sample's drift -> retrain pattern, for the production stage's alarms (data drift, and driftline's model quality). */
export function driftPattern(...alarmNames: readonly string[]): unknown {
  return {
    source: ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    detail: { alarmName: [...alarmNames], state: { value: ['ALARM'] } },
  };
}

function buildReadme(p: ProjectRecord): string {
  return [
    `# ${p.repositories.build.name}`,
    '',
    `The model build repository of driftline project \`${p.name}\`.`,
    '',
    `\`${DEFINITION_FILE}\` is the SageMaker pipeline definition of \`${p.buildPipelineName}\`. Every commit`,
    "runs the post-commit hook (the sample's CodePipeline trigger): it upserts the committed definition",
    `as a new version of \`${p.buildPipelineName}\` and starts an execution in the background; the log is`,
    `\`${p.hookLog}\`.`,
    '',
  ].join('\n');
}

function deployReadme(p: ProjectRecord): string {
  return [
    `# ${p.repositories.deploy.name}`,
    '',
    `The model deploy repository of driftline project \`${p.name}\`: \`staging-config.json\` and \`prod-config.json\``,
    "in the sample's shape. Deploy a version with these stages:",
    '',
    '```',
    `driftline deploy start --group ${p.modelPackageGroupName} --staging-config ${p.repositories.deploy.stagingConfig} --prod-config ${p.repositories.deploy.prodConfig}`,
    '```',
    '',
  ].join('\n');
}

/** The post-commit hook: snapshots the committed definition and starts the trigger in the background (git is not held up). */
function hookScript(p: ProjectRecord): string {
  const hookDir = shellQuote(p.hookLog.slice(0, p.hookLog.lastIndexOf('/')));
  return [
    '#!/bin/sh',
    `# driftline project ${p.name}: the sample's CodePipeline trigger (upsert the committed definition, start ${p.buildPipelineName}).`,
    'sha=$(git rev-parse HEAD) || exit 0',
    `snapshot=${hookDir}/definition-$sha.json`,
    `git show "HEAD:${DEFINITION_FILE}" > "$snapshot" 2>/dev/null || { rm -f "$snapshot"; exit 0; }`,
    `nohup /bin/sh ${hookDir}/trigger.sh "$snapshot" "$sha" >> ${shellQuote(p.hookLog)} 2>&1 < /dev/null &`,
    'exit 0',
    '',
  ].join('\n');
}

/** Upserts the definition, then becomes `pipeline start` (its pid is written to trigger.pid). */
function triggerScript(p: ProjectRecord, cli: CliCommand): string {
  const hookDir = shellQuote(p.hookLog.slice(0, p.hookLog.lastIndexOf('/')));
  const driftline = [cli.node, ...cli.args].map(shellQuote).join(' ') + ` --home ${shellQuote(cli.home)} --log-level warn`;
  return [
    '#!/bin/sh',
    `# driftline project ${p.name}: run by the build repository's post-commit hook.`,
    'echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) commit $2"',
    `echo $$ > ${hookDir}/trigger.pid`,
    `${driftline} pipeline upsert ${shellQuote(p.buildPipelineName)} --definition "$1" --description "commit $2" || exit 1`,
    `exec ${driftline} pipeline start ${shellQuote(p.buildPipelineName)} --param InputSource=git-commit`,
    '',
  ].join('\n');
}
