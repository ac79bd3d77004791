import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../../core/errors.js';
// Only the light definition modules load at start-up; the rest of the pipeline context loads in the actions that use it.
import { EXECUTION_STATUSES, isTerminalExecutionStatus } from '../../pipeline/definition.js';
import { flattenSteps } from '../../pipeline/flatten-steps.js';
import type { EngineEvent, ExecutionDetails, ExecutionRecord, ExecutionStatus, StepRecord } from '../../pipeline/index.js';
import type { App } from '../../app/create-app.js';
import type { CliContext } from '../cli-context.js';
import { emit, table } from '../output.js';
import { parseInteger } from './data-command.js';

const TEMPLATES = ['nyc-taxi-build'] as const;
const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString().replace('.000Z', 'Z'));
const secs = (a?: number, b?: number) => (a !== undefined && b !== undefined ? `${((b - a) / 1000).toFixed(1)}s` : '');

/** `--param Name=value` (repeatable). */
function collectParam(value: string, prev: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--param expects Name=value (got '${value}')`);
  return { ...prev, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** SageMaker's DescribePipelineExecution + ListPipelineExecutionSteps, as JSON. */
export function executionJson(d: ExecutionDetails): Record<string, unknown> {
  const e = d.execution;
  return {
    PipelineArn: e.arn.replace(/\/execution\/[^/]+$/, ''),
    PipelineExecutionArn: e.arn,
    PipelineExecutionId: e.id,
    PipelineExecutionDisplayName: e.displayName,
    PipelineExecutionStatus: e.status,
    PipelineVersion: e.pipelineVersion,
    CreationTime: iso(e.createdAt),
    ...(e.endedAt ? { LastModifiedTime: iso(e.endedAt) } : {}),
    ...(e.failureReason ? { FailureReason: e.failureReason } : {}),
    PipelineParameters: Object.entries(e.parameters).map(([Name, Value]) => ({ Name, Value: String(Value) })),
    PipelineExecutionSteps: d.steps.map(stepJson),
  };
}

function stepJson(s: StepRecord): Record<string, unknown> {
  return {
    StepName: s.name,
    StepType: s.type,
    StepStatus: s.status,
    AttemptCount: s.attemptCount,
    ...(s.startedAt ? { StartTime: iso(s.startedAt) } : {}),
    ...(s.endedAt ? { EndTime: iso(s.endedAt) } : {}),
    ...(s.failureReason && s.status !== 'Succeeded' ? { FailureReason: s.failureReason } : {}),
    ...(s.cacheHit ? { CacheHitResult: { SourcePipelineExecutionArn: s.cacheHit.sourceExecutionArn } } : {}),
    Metadata: s.metadata,
  };
}

function describeExecutionText(d: ExecutionDetails): string {
  const e = d.execution;
  const lines = [
    `execution ${e.id} (${e.pipelineName} v${e.pipelineVersion}): ${e.status}`,
    `  started ${iso(e.createdAt)}${e.endedAt ? `, ended ${iso(e.endedAt)} (${secs(e.createdAt, e.endedAt)})` : ''}`,
    ...(e.failureReason ? [`  failure: ${e.failureReason}`] : []),
    `  parameters: ${Object.entries(e.parameters)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ')}`,
    '',
    table(
      ['step', 'type', 'status', 'attempts', 'started', 'took', 'note'],
      d.steps.map((s) => [
        s.name,
        s.type,
        s.status,
        String(s.attemptCount),
        iso(s.startedAt),
        secs(s.startedAt, s.endedAt),
        s.cacheHit
          ? `cache hit from ${s.cacheHit.sourceExecutionId}`
          : s.status === 'Failed' || s.status === 'Stopped'
            ? (s.failureReason ?? '')
            : s.type === 'Condition'
              ? `outcome ${String(s.properties?.['Outcome'])}`
              : s.type === 'RegisterModel'
                ? String(s.properties?.['ModelPackageName'] ?? '')
                : '',
      ]),
    ),
  ];
  return lines.join('\n');
}

/** Prints one line per step state change while an execution runs (not with --json). */
function progressPrinter(ctx: CliContext): (e: EngineEvent) => void {
  const started = Date.now();
  return (e) => {
    if (ctx.json()) return;
    const t = `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
    if (e.kind === 'step') {
      const s = e.step;
      if (s.status === 'Starting') return;
      const note = s.cacheHit
        ? ' (cache hit)'
        : s.status === 'Failed' || s.status === 'Stopped'
          ? `: ${s.failureReason ?? ''}`
          : s.attemptCount > 1 && s.status === 'Executing'
            ? ` (attempt ${s.attemptCount})`
            : '';
      ctx.io.stdout(`${t}  ${s.name.padEnd(24)} ${s.status}${note}\n`);
    } else {
      ctx.io.stdout(`${t}  execution ${e.execution.id}: ${e.execution.status}\n`);
    }
  };
}

/** Runs pipeline work so that SIGINT/SIGTERM stop its jobs and release the execution instead of killing the process mid-write. */
function gracefully<T>(ctx: CliContext, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return ctx.io.graceful ? ctx.io.graceful(work) : work(new AbortController().signal);
}

/** After a shutdown signal: the execution was released, say how to finish it. */
function interrupted(d: ExecutionDetails): AppError {
  return new AppError(
    'unavailable',
    `execution ${d.execution.id} was interrupted: its jobs were stopped and it is left for \`driftline pipeline resume ${d.execution.id}\``,
  );
}

/** Resumes executions a killed driftline left behind, before running anything new. */
async function resumeInterrupted(app: App, ctx: CliContext, signal: AbortSignal): Promise<ExecutionDetails[]> {
  const interrupted = await app.pipelines.interrupted();
  if (interrupted.length === 0) return [];
  if (!ctx.json()) ctx.io.stdout(`resuming ${interrupted.length} interrupted execution(s): ${interrupted.map((e) => e.id).join(', ')}\n`);
  return app.pipelines.resume(undefined, progressPrinter(ctx), { signal });
}

/** Ends the command with the execution's outcome: a Failed or Stopped execution exits non-zero. */
function finish(ctx: CliContext, d: ExecutionDetails): void {
  if (!isTerminalExecutionStatus(d.execution.status)) throw interrupted(d);
  emit(ctx.io, ctx.json(), executionJson(d), () => describeExecutionText(d));
  if (d.execution.status === 'Failed')
    throw new AppError('failed_precondition', `execution ${d.execution.id} failed: ${d.execution.failureReason ?? 'see describe-execution'}`);
  if (d.execution.status === 'Stopped') throw new AppError('failed_precondition', `execution ${d.execution.id} was stopped`);
}

/** `driftline pipeline …`: SageMaker Pipelines on one machine. */
export function registerPipelineCommands(program: Command, ctx: CliContext): void {
  const pipeline = program.command('pipeline').description('pipelines: definitions, executions (cached, resumable), stop and retry (SageMaker Pipelines)');

  pipeline
    .command('upsert <name>')
    .description('create a pipeline or add a new definition version (earlier versions are kept)')
    .option('--definition <file>', 'a pipeline definition JSON document (SageMaker format)')
    .option('--template <name>', `a built-in definition: ${TEMPLATES.join(', ')}`)
    .option('--input-data <uri>', 'template: default InputDataUrl (raw trip files: a folder, file or artifact URI)')
    .option('--input-zones <uri>', 'template: default InputZonesUrl (taxi_zones.zip or a centroid CSV)')
    .option('--no-cache', 'template: disable step caching')
    .option('--description <text>', 'what the pipeline is for', '')
    .action(
      async (name: string, opts: { definition?: string; template?: string; inputData?: string; inputZones?: string; cache: boolean; description: string }) => {
        if (Boolean(opts.definition) === Boolean(opts.template)) throw new InvalidArgumentError('give exactly one of --definition <file> or --template <name>');
        const app = await ctx.app();
        let definition: unknown;
        if (opts.definition) {
          const file = path.resolve(ctx.io.cwd, opts.definition);
          const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
            if (err.code === 'ENOENT') throw new NotFoundError('definition file', file, { cause: err });
            throw new InvalidArgumentError(`cannot read definition file '${file}': ${err.code ?? err.message}`, { cause: err });
          });
          try {
            definition = JSON.parse(text);
          } catch (err) {
            throw new InvalidArgumentError(`definition file '${opts.definition}' is not JSON: ${(err as Error).message}`);
          }
        } else {
          if (!TEMPLATES.includes(opts.template as never))
            throw new InvalidArgumentError(`unknown template '${opts.template}' (known: ${TEMPLATES.join(', ')})`);
          definition = (await import('../../pipeline/nyc-taxi-build-pipeline.js')).nycTaxiBuildPipeline({
            inputDataUrl: path.resolve(ctx.io.cwd, opts.inputData ?? path.join(app.config.home, 'input', 'data')),
            inputZonesUrl: path.resolve(ctx.io.cwd, opts.inputZones ?? path.join(app.config.home, 'input', 'zones')),
            cache: opts.cache,
          });
        }
        const p = await app.pipelines.upsert(name, definition, opts.description);
        emit(
          ctx.io,
          ctx.json(),
          { PipelineArn: p.arn, PipelineName: p.name, PipelineVersion: p.latestVersion },
          () => `pipeline ${p.name}: version ${p.latestVersion} (${p.arn})`,
        );
      },
    );

  pipeline
    .command('list')
    .description('list pipelines')
    .action(async () => {
      const app = await ctx.app();
      const page = await app.pipelines.list({ limit: 1000 });
      emit(
        ctx.io,
        ctx.json(),
        {
          PipelineSummaries: page.items.map((p) => ({
            PipelineName: p.name,
            PipelineArn: p.arn,
            PipelineVersion: p.latestVersion,
            PipelineDescription: p.description,
            CreationTime: iso(p.createdAt),
            LastModifiedTime: iso(p.updatedAt),
          })),
        },
        () =>
          page.items.length === 0
            ? 'no pipelines yet: `driftline pipeline upsert <name> --template nyc-taxi-build`'
            : table(
                ['name', 'version', 'steps', 'updated'],
                page.items.map((p) => [p.name, String(p.latestVersion), String(flattenSteps(p.definition.Steps).length), iso(p.updatedAt)]),
              ),
      );
    });

  pipeline
    .command('describe <name>')
    .description('show a pipeline: parameters, steps and dependencies (--json: the definition)')
    .option('--version <n>', 'an earlier definition version')
    .action(async (name: string, opts: { version?: string }) => {
      const app = await ctx.app();
      const p = await app.pipelines.get(name);
      const versions = await app.pipelines.versions(name);
      const v = opts.version ? versions.find((x) => x.version === parseInteger('--version', opts.version!, 1)) : versions.at(-1);
      if (!v) throw new InvalidArgumentError(`pipeline ${name} has no version ${opts.version} (it has 1..${p.latestVersion})`);
      const def = v.definition;
      emit(
        ctx.io,
        ctx.json(),
        {
          PipelineName: name,
          PipelineArn: p.arn,
          PipelineVersion: v.version,
          Versions: versions.map((x) => ({ Version: x.version, CreationTime: iso(x.createdAt) })),
          PipelineDefinition: def,
        },
        () =>
          [
            `pipeline ${name} version ${v.version} of ${p.latestVersion} (${p.arn})`,
            '',
            table(
              ['parameter', 'type', 'default'],
              def.Parameters.map((x) => [x.Name, x.Type, x.DefaultValue === undefined ? '(required)' : String(x.DefaultValue)]),
            ),
            '',
            table(
              ['step', 'type', 'depends on', 'cache'],
              flattenSteps(def.Steps).map((s) => [
                s.def.Name,
                s.def.Type,
                s.dependsOn.join(', '),
                s.def.CacheConfig?.Enabled ? `on (${s.def.CacheConfig.ExpireAfter ?? 'no expiry'})` : 'off',
              ]),
            ),
          ].join('\n'),
      );
    });

  pipeline
    .command('start <name>')
    .description('start an execution and follow it to its end (resumes interrupted executions first)')
    .option('--param <Name=value>', 'a parameter value (repeatable)', collectParam, {} as Record<string, string>)
    .option('--display-name <text>', 'a name for the execution')
    .action(async (name: string, opts: { param: Record<string, string>; displayName?: string }) => {
      const app = await ctx.app();
      await gracefully(ctx, async (signal) => {
        await resumeInterrupted(app, ctx, signal);
        if (signal.aborted) throw new AppError('unavailable', 'interrupted before the execution started');
        const execution = await app.pipelines.create(name, { parameters: opts.param, ...(opts.displayName ? { displayName: opts.displayName } : {}) });
        if (!ctx.json()) ctx.io.stdout(`execution ${execution.id} of ${name} started\n`);
        finish(ctx, await app.pipelines.resumeOwned(execution.id, progressPrinter(ctx), { signal }));
      });
    });

  pipeline
    .command('executions')
    .description('list executions, newest first')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--status <status>', `only this status: ${EXECUTION_STATUSES.join(', ')}`)
    .option('--limit <n>', 'how many', '20')
    .action(async (opts: { pipeline?: string; status?: string; limit: string }) => {
      if (opts.status && !EXECUTION_STATUSES.includes(opts.status as ExecutionStatus))
        throw new InvalidArgumentError(`--status must be one of ${EXECUTION_STATUSES.join(', ')}`);
      const app = await ctx.app();
      const page = await app.pipelines.executions(
        { ...(opts.pipeline ? { pipelineName: opts.pipeline } : {}), ...(opts.status ? { status: opts.status as ExecutionStatus } : {}) },
        { limit: parseInteger('--limit', opts.limit, 1) },
      );
      const rows = (es: readonly ExecutionRecord[]) =>
        es.map((e) => [e.id, e.pipelineName, e.status, iso(e.createdAt), secs(e.createdAt, e.endedAt), e.failureReason ?? '']);
      emit(
        ctx.io,
        ctx.json(),
        {
          PipelineExecutionSummaries: page.items.map((e) => ({
            PipelineExecutionArn: e.arn,
            PipelineExecutionId: e.id,
            PipelineExecutionDisplayName: e.displayName,
            PipelineExecutionStatus: e.status,
            StartTime: iso(e.createdAt),
            ...(e.failureReason ? { PipelineExecutionFailureReason: e.failureReason } : {}),
          })),
        },
        () => (page.items.length === 0 ? 'no executions' : table(['execution', 'pipeline', 'status', 'started', 'took', 'failure'], rows(page.items))),
      );
    });

  pipeline
    .command('describe-execution <id>')
    .description('an execution and its steps: status, attempts, times, cache hits, failure reasons')
    .action(async (id: string) => {
      const app = await ctx.app();
      const d = await app.pipelines.describeExecution(id);
      emit(ctx.io, ctx.json(), executionJson(d), () => describeExecutionText(d));
    });

  pipeline
    .command('logs <id> <step>')
    .description("print a step's job log (stdout and stderr of its child process; every attempt)")
    .action(async (id: string, stepName: string) => {
      const app = await ctx.app();
      const d = await app.pipelines.describeExecution(id);
      const step = d.steps.find((s) => s.name === stepName);
      if (!step) throw new InvalidArgumentError(`execution ${id} has no step '${stepName}' (it ran: ${d.steps.map((s) => s.name).join(', ') || 'none'})`);
      const logs = await app.pipelines.logs(d.execution, step);
      emit(ctx.io, ctx.json(), { StepName: stepName, Logs: logs }, () =>
        logs.length === 0 ? `step ${stepName} wrote no log (it runs no job, or it was a cache hit)` : logs.map((l) => `== ${l.name}\n${l.text}`).join('\n'),
      );
    });

  pipeline
    .command('stop <id>')
    .description('stop an execution: its running jobs are killed and it ends Stopped')
    .action(async (id: string) => {
      const app = await ctx.app();
      const e = await app.pipelines.stop(id);
      emit(ctx.io, ctx.json(), { PipelineExecutionArn: e.arn, PipelineExecutionStatus: e.status }, () => `execution ${e.id}: ${e.status}`);
    });

  pipeline
    .command('retry <id>')
    .description('re-run a Failed or Stopped execution from its failed steps (finished steps are kept)')
    .action(async (id: string) => {
      const app = await ctx.app();
      await gracefully(ctx, async (signal) => {
        await resumeInterrupted(app, ctx, signal);
        if (signal.aborted) throw new AppError('unavailable', `interrupted before execution ${id} was retried`);
        finish(ctx, await app.pipelines.retry(id, progressPrinter(ctx), { signal }));
      });
    });

  pipeline
    .command('resume [id]')
    .description('finish executions whose driftline process was killed (all of them, or one)')
    .addHelpText('after', '\nExits 5 (failed precondition) when an execution it finished ended Failed, with the reason on stderr.')
    .action(async (id: string | undefined) => {
      const app = await ctx.app();
      const done = await gracefully(ctx, (signal) => app.pipelines.resume(id, progressPrinter(ctx), { signal }));
      const cut = done.find((d) => !isTerminalExecutionStatus(d.execution.status));
      if (cut) throw interrupted(cut);
      emit(ctx.io, ctx.json(), { Resumed: done.map(executionJson) }, () =>
        done.length === 0 ? 'no interrupted executions' : done.map(describeExecutionText).join('\n\n'),
      );
      const failed = done.filter((d) => d.execution.status === 'Failed');
      if (failed.length > 0) {
        throw new FailedPreconditionError(
          failed.map((d) => `resumed execution ${d.execution.id} failed: ${d.execution.failureReason ?? 'see describe-execution'}`).join('; '),
        );
      }
    });
}
