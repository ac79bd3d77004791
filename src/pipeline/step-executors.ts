import path from 'node:path';
import { sagemakerArn } from '../core/arn.js';
import type { StepType } from './definition.js';
import type { JobSpec } from './job-launcher.js';
import { runJob, type JobInput, type JobOutput } from './run-job.js';
import type { StepContext, StepResult } from './step-context.js';
import { StepFailure } from './step-failure.js';
import { BUILTIN_IMAGE_PREFIX, JOB_FOLDERS_ENV, PROCESSING_ROOT, type JobFolders } from './step-properties.js';

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** `/opt/ml/processing/x` -> `x` (relative to the job folder). */
function relativeToRoot(p: string, root = PROCESSING_ROOT): string {
  return p === root ? '.' : p.slice(root.length + 1);
}

/** Rewrites container paths in arguments and environment values to the job folder. */
function localize(text: string, dir: string, root = PROCESSING_ROOT): string {
  return text.split(root).join(dir);
}

/** What a step's cache key covers, per SageMaker's step-type-specific rules; `inputs` are URIs whose content is fingerprinted. */
export function cacheMaterial(
  type: StepType,
  args: Rec,
  extras: StepContext['extras'],
  def: StepContext['def'],
): { arguments: unknown; inputs: Record<string, string> } | undefined {
  const inputs: Record<string, string> = {};
  const processingInputs = list(args['ProcessingInputs']).map((i) => {
    const s3 = obj(i['S3Input']);
    inputs[`input:${str(i['InputName'])}`] = str(s3['S3Uri']);
    return { InputName: i['InputName'], LocalPath: s3['LocalPath'] };
  });
  switch (type) {
    case 'Processing':
      return {
        arguments: {
          AppSpecification: args['AppSpecification'],
          Environment: args['Environment'],
          ProcessingInputs: processingInputs,
          PropertyFiles: def.PropertyFiles,
          Outputs: list(obj(args['ProcessingOutputConfig'])['Outputs']).map((o) => ({
            OutputName: o['OutputName'],
            LocalPath: obj(o['S3Output'])['LocalPath'],
          })),
        },
        inputs,
      };
    case 'QualityCheck':
      if (extras.suppliedStatistics) inputs['supplied:statistics'] = extras.suppliedStatistics;
      if (extras.suppliedConstraints) inputs['supplied:constraints'] = extras.suppliedConstraints;
      // The baseline checked against is part of the key: approving a new model must not reuse a check against the old one.
      if (extras.checkBaseline) {
        inputs['check:statistics'] = extras.checkBaseline.statistics;
        inputs['check:constraints'] = extras.checkBaseline.constraints;
      }
      return {
        arguments: {
          Environment: args['Environment'],
          ProcessingInputs: processingInputs,
          CheckType: def.CheckType,
          SkipCheck: def.SkipCheck,
          RegisterNewBaseline: def.RegisterNewBaseline,
          FailOnViolation: def.FailOnViolation,
          ModelPackageGroupName: extras.modelPackageGroupName,
        },
        inputs,
      };
    case 'Training': {
      const channels = list(args['InputDataConfig']).map((c) => {
        inputs[`channel:${str(c['ChannelName'])}`] = str(obj(obj(c['DataSource'])['S3DataSource'])['S3Uri']);
        return { ChannelName: c['ChannelName'], ContentType: c['ContentType'] };
      });
      return {
        arguments: { AlgorithmSpecification: args['AlgorithmSpecification'], HyperParameters: args['HyperParameters'], InputDataConfig: channels },
        inputs,
      };
    }
    default:
      return undefined;
  }
}

function outputsOf(ctx: StepContext): { outputs: JobOutput[]; described: Rec[] } {
  const outputs: JobOutput[] = [];
  const described: Rec[] = [];
  for (const o of list(obj(ctx.args['ProcessingOutputConfig'])['Outputs'])) {
    const s3 = obj(o['S3Output']);
    const name = str(o['OutputName']);
    const uri = str(s3['S3Uri']) || ctx.deps.workspace.uriOf(`${ctx.keyPrefix}/${name}`);
    const localPath = str(s3['LocalPath']);
    outputs.push({ name, uri, localDir: relativeToRoot(localPath) });
    described.push({ OutputName: name, S3Output: { S3Uri: uri.replace(/\/$/, ''), LocalPath: localPath, S3UploadMode: s3['S3UploadMode'] ?? 'EndOfJob' } });
  }
  return { outputs, described };
}

function inputsOf(ctx: StepContext): JobInput[] {
  return list(ctx.args['ProcessingInputs']).map((i) => {
    const s3 = obj(i['S3Input']);
    return { name: str(i['InputName']), uri: str(s3['S3Uri']), localDir: relativeToRoot(str(s3['LocalPath'])) };
  });
}

function timeoutOf(args: Rec): number | undefined {
  const s = obj(args['StoppingCondition'])['MaxRuntimeInSeconds'];
  return typeof s === 'number' && s > 0 ? s * 1000 : undefined;
}

function environmentOf(args: Rec, dir: string, root = PROCESSING_ROOT): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(args['Environment']))) env[k] = localize(str(v), dir, root);
  return env;
}

/** JOB_FOLDERS_ENV's value: each input and output folder of the job with its URI. */
function jobFolders(inputs: readonly JobInput[], outputs: readonly JobOutput[], dir: string): string {
  const folder = (f: JobInput | JobOutput) => ({ name: f.name, localPath: path.join(dir, f.localDir), uri: f.uri.replace(/\/$/, '') });
  return JSON.stringify({ inputs: inputs.map(folder), outputs: outputs.map(folder) } satisfies JobFolders);
}

/** Processing: a built-in processor or a command in a child process, with its own input and output folders. */
export async function runProcessingStep(ctx: StepContext): Promise<StepResult> {
  const app = obj(ctx.args['AppSpecification']);
  const image = str(app['ImageUri']);
  const builtin = image.startsWith(BUILTIN_IMAGE_PREFIX) ? image.slice(BUILTIN_IMAGE_PREFIX.length) : undefined;
  const { outputs, described } = outputsOf(ctx);
  const rawArgs = (Array.isArray(app['ContainerArguments']) ? app['ContainerArguments'] : []).map(str);
  const inputs = inputsOf(ctx);
  const job = await runJobIn(
    ctx,
    (dir) => ({
      name: ctx.jobName,
      ...(builtin
        ? { kind: 'builtin' as const, processor: builtin }
        : { kind: 'command' as const, command: (app['ContainerEntrypoint'] as unknown[]).map(str).map((a) => localize(a, dir)) }),
      args: rawArgs.map((a) => localize(a, dir)),
      env: { ...environmentOf(ctx.args, dir), PROCESSING_JOB_DIR: dir, [JOB_FOLDERS_ENV]: jobFolders(inputs, outputs, dir) },
      ...(timeoutOf(ctx.args) ? { timeoutMs: timeoutOf(ctx.args)! } : {}),
    }),
    inputs,
    outputs,
  );
  const propertyFiles: Rec = {};
  for (const pf of ctx.def.PropertyFiles ?? []) {
    const out = outputs.find((o) => o.name === pf.OutputName)!;
    propertyFiles[pf.PropertyFileName] = {
      propertyFile: { step: ctx.def.Name, name: pf.PropertyFileName, uri: `${out.uri.replace(/\/$/, '')}/${pf.FilePath}` },
    };
  }
  return {
    properties: {
      ProcessingJobName: ctx.jobName,
      ProcessingJobArn: sagemakerArn(`processing-job/${ctx.jobName}`),
      ProcessingJobStatus: 'Completed',
      AppSpecification: app,
      Environment: obj(ctx.args['Environment']),
      ProcessingInputs: ctx.args['ProcessingInputs'] ?? [],
      ProcessingOutputConfig: { Outputs: described },
      PropertyFiles: propertyFiles,
    },
    metadata: { ProcessingJob: { Arn: sagemakerArn(`processing-job/${ctx.jobName}`) }, logUri: job.logUri, durationMs: job.durationMs, ...job.result },
  };
}

/** Training: the GBDT trainer on the `train` (and `validation`) channels, in a child process. */
export async function runTrainingStep(ctx: StepContext): Promise<StepResult> {
  const channels = list(ctx.args['InputDataConfig']).map((c) => ({
    name: str(c['ChannelName']),
    uri: str(obj(obj(c['DataSource'])['S3DataSource'])['S3Uri']),
    localDir: path.join('input', 'data', str(c['ChannelName'])),
  }));
  const outputPath = str(obj(ctx.args['OutputDataConfig'])['S3OutputPath']).replace(/\/$/, '');
  const modelUri = outputPath ? `${outputPath}/${ctx.jobName}/model` : ctx.deps.workspace.uriOf(`${ctx.keyPrefix}/model`);
  const hyperparameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(ctx.args['HyperParameters']))) hyperparameters[k] = str(v);
  const job = await runJobIn(
    ctx,
    () => ({
      name: ctx.jobName,
      kind: 'builtin',
      processor: 'train',
      args: [JSON.stringify(hyperparameters)],
      env: {},
      ...(timeoutOf(ctx.args) ? { timeoutMs: timeoutOf(ctx.args)! } : {}),
    }),
    channels,
    [{ name: 'model', uri: modelUri, localDir: 'model' }],
  );
  const metrics = list(job.result['finalMetrics']);
  return {
    properties: {
      TrainingJobName: ctx.jobName,
      TrainingJobArn: sagemakerArn(`training-job/${ctx.jobName}`),
      TrainingJobStatus: 'Completed',
      HyperParameters: hyperparameters,
      ModelArtifacts: { S3ModelArtifacts: `${modelUri.replace(/\/$/, '')}/model.json` },
      FinalMetricDataList: metrics,
      BestIteration: job.result['bestIteration'],
      ...(outputPath ? { OutputDataConfig: { S3OutputPath: outputPath } } : {}),
    },
    metadata: {
      TrainingJob: { Arn: sagemakerArn(`training-job/${ctx.jobName}`) },
      logUri: job.logUri,
      durationMs: job.durationMs,
      finalMetrics: metrics,
      bestIteration: job.result['bestIteration'],
      numTrees: job.result['numTrees'],
    },
  };
}

/**
 * QualityCheck (DATA_QUALITY): suggest-baseline on the dataset; unless SkipCheck, also checks the
 * dataset against the supplied baseline or the latest Approved version's drift-check baseline and
 * fails on violations when FailOnViolation.
 */
export async function runQualityCheckStep(ctx: StepContext): Promise<StepResult> {
  const { outputs } = outputsOf(ctx);
  const out = outputs[0]!;
  const outUri = out.uri.replace(/\/$/, '');
  const def = ctx.def;
  const previous =
    ctx.extras.checkBaseline ??
    (ctx.extras.suppliedStatistics && ctx.extras.suppliedConstraints
      ? { statistics: ctx.extras.suppliedStatistics, constraints: ctx.extras.suppliedConstraints }
      : undefined);
  const check = def.SkipCheck === false && previous !== undefined;
  const inputs = inputsOf(ctx);
  if (check) {
    inputs.push({ name: 'baseline_statistics', uri: previous!.statistics, localDir: 'baseline/statistics' });
    inputs.push({ name: 'baseline_constraints', uri: previous!.constraints, localDir: 'baseline/constraints' });
  }
  const job = await runJobIn(
    ctx,
    (dir) => ({
      name: ctx.jobName,
      kind: 'builtin',
      processor: 'suggest-baseline',
      args: check ? ['--check', path.join(dir, 'baseline')] : [],
      env: environmentOf(ctx.args, dir),
    }),
    inputs,
    outputs,
  );
  const calculated = { statistics: `${outUri}/statistics.json`, constraints: `${outUri}/constraints.json` };
  const used = def.RegisterNewBaseline === false && previous ? previous : calculated;
  const violations = typeof job.result['violations'] === 'number' ? job.result['violations'] : 0;
  const report = check ? `${outUri}/constraint_violations.json` : undefined;
  if (check && violations > 0 && def.FailOnViolation !== false) {
    throw new StepFailure(`Quality Check failed. See violation report at: ${report}`, 'Step.CLIENT_ERROR');
  }
  return {
    properties: {
      CalculatedBaselineStatistics: calculated.statistics,
      CalculatedBaselineConstraints: calculated.constraints,
      BaselineUsedForDriftCheckStatistics: used.statistics,
      BaselineUsedForDriftCheckConstraints: used.constraints,
      ProcessingJobName: ctx.jobName,
      ProcessingJobArn: sagemakerArn(`processing-job/${ctx.jobName}`),
      ...(report ? { ViolationReport: report } : {}),
    },
    metadata: {
      QualityCheck: {
        CheckType: def.CheckType ?? 'DATA_QUALITY',
        CalculatedBaselineStatistics: calculated.statistics,
        CalculatedBaselineConstraints: calculated.constraints,
        BaselineUsedForDriftCheckStatistics: used.statistics,
        BaselineUsedForDriftCheckConstraints: used.constraints,
        ModelPackageGroupName: ctx.extras.modelPackageGroupName,
        SkipCheck: def.SkipCheck ?? true,
        RegisterNewBaseline: def.RegisterNewBaseline ?? true,
        CheckJobArn: sagemakerArn(`processing-job/${ctx.jobName}`),
        ...(report ? { ViolationReport: report } : {}),
      },
      logUri: job.logUri,
      durationMs: job.durationMs,
      ...(check ? { violations } : {}),
    },
  };
}

/** RegisterModel: one model version in the registry, at most once per execution step. */
export async function runRegisterModelStep(ctx: StepContext): Promise<StepResult> {
  const a = ctx.args;
  const spec = obj(a['InferenceSpecification']);
  const modelDataUrl = str(obj(list(spec['Containers'])[0])['ModelDataUrl']);
  let sha: string;
  try {
    sha = await ctx.deps.workspace.sha256(modelDataUrl);
  } catch (err) {
    throw new StepFailure(`model artifact ${modelDataUrl}: ${(err as Error).message}`, 'Step.CLIENT_ERROR');
  }
  const withDigests = async (tree: Rec): Promise<Rec> => {
    const out: Rec = {};
    for (const [k, v] of Object.entries(tree)) {
      const node = obj(v);
      if (typeof node['S3Uri'] === 'string') {
        let digest = node['ContentDigest'];
        if (digest === undefined) {
          try {
            digest = await ctx.deps.workspace.sha256(node['S3Uri']);
          } catch (err) {
            throw new StepFailure(`${k} ${node['S3Uri']}: ${(err as Error).message}`, 'Step.CLIENT_ERROR');
          }
        }
        out[k] = { ...node, ContentDigest: digest };
      } else out[k] = Array.isArray(v) || typeof v !== 'object' || v === null ? v : await withDigests(node);
    }
    return out;
  };
  const customer: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(a['CustomerMetadataProperties']))) customer[k] = str(v);
  const registered = await ctx.deps.registrar.register({
    group: str(a['ModelPackageGroupName']),
    approvalStatus: str(a['ModelApprovalStatus']) || 'PendingManualApproval',
    modelDataUrl,
    modelSha256: sha,
    inferenceSpecification: spec,
    // Each metrics and baseline file is pinned by its SHA-256 (MetricsSource.ContentDigest).
    modelMetrics: await withDigests(obj(a['ModelMetrics'])),
    driftCheckBaselines: await withDigests(obj(a['DriftCheckBaselines'])),
    customerMetadata: customer,
    generatedBy: ctx.executionArn,
    idempotencyKey: `${ctx.executionArn}/${ctx.def.Name}`,
  });
  return {
    properties: {
      ModelPackageArn: registered.arn,
      ModelPackageName: registered.name,
      ModelPackageVersion: registered.version,
      ModelApprovalStatus: registered.approvalStatus,
      ModelPackageGroupName: registered.group,
    },
    metadata: { RegisterModel: { Arn: registered.arn }, modelPackage: registered.name, modelSha256: sha },
  };
}

function runJobIn(ctx: StepContext, spec: (dir: string) => Omit<JobSpec, 'cwd' | 'logFile'>, inputs: JobInput[], outputs: JobOutput[]) {
  return runJob(
    { spec, inputs, outputs, logKey: `${ctx.keyPrefix}/logs/${ctx.jobName}.log`, signal: ctx.signal },
    { workspace: ctx.deps.workspace, launcher: ctx.deps.launcher, logger: ctx.deps.logger, now: ctx.deps.now },
  );
}
