import { pipelineArn, pipelineExecutionArn } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import { FailedPreconditionError, InvalidArgumentError } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Page, PageRequest } from '../core/paging.js';
import { isTerminalExecutionStatus, type ExecutionStatus, type ParameterValue, type PipelineDefinition } from './definition.js';
import { ExecutionEngine, type EngineDeps, type EngineEvent, type RunOptions } from './execution-engine.js';
import type { EventBus } from '../events/index.js';
import { flattenSteps } from './flatten-steps.js';
import { PipelineEvents } from './pipeline-events.js';
import type { ExecutionRecord, PipelineRecord, PipelineVersionRecord, StepRecord } from './pipeline-store.js';
import { resolveParameters } from './resolve-parameters.js';
import { assertValidDefinition } from './validate-definition.js';

export interface PipelineServiceDeps extends Omit<EngineDeps, 'onEvent'> {
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly clock: Clock;
  /** An execution whose owner has not written a heartbeat for this long counts as interrupted. */
  readonly staleAfterMs: number;
  /** True when the owner's process still runs, false when it is gone, undefined when it cannot be told (another host). */
  readonly ownerAlive: (owner: string) => boolean | undefined;
  /** Where status-change events go (SageMaker's pipeline execution and step events). */
  readonly events?: EventBus;
}

export interface StartOptions {
  readonly parameters?: Readonly<Record<string, string | ParameterValue>>;
  readonly displayName?: string;
  readonly onEvent?: (e: EngineEvent) => void;
  /** Aborted when this process shuts down: the execution's jobs are stopped and it is released for `resume`. */
  readonly signal?: AbortSignal;
}

/** An execution with its steps, in definition order (what describe-execution shows). */
export interface ExecutionDetails {
  readonly execution: ExecutionRecord;
  readonly steps: readonly StepRecord[];
}

const NAME_RE = /^[A-Za-z0-9](-*[A-Za-z0-9]){0,255}$/;

/**
 * SageMaker Pipelines on one machine: upsert (keeping every definition version), start, list and
 * describe executions, stop, retry a failed execution from its failed steps, and resume executions
 * whose process died.
 */
export class PipelineService {
  private readonly publisher: PipelineEvents | undefined;

  constructor(private readonly deps: PipelineServiceDeps) {
    this.publisher = deps.events ? new PipelineEvents({ events: deps.events, clock: deps.clock, ids: deps.ids }) : undefined;
  }

  async upsert(name: string, definition: unknown, description = ''): Promise<PipelineRecord> {
    if (!NAME_RE.test(name)) throw new InvalidArgumentError(`pipeline name '${name}' may hold only letters, digits and '-' (at most 256)`);
    const def = assertValidDefinition(definition);
    const record = await this.deps.store.upsertPipeline({ name, arn: pipelineArn(name), description, definition: def, now: this.deps.clock.now() });
    this.deps.logger.info('pipeline upserted', { pipeline: name, version: record.latestVersion });
    return record;
  }

  get(name: string): Promise<PipelineRecord> {
    return this.deps.store.getPipeline(name);
  }

  list(page?: PageRequest): Promise<Page<PipelineRecord>> {
    return this.deps.store.listPipelines(page);
  }

  versions(name: string): Promise<PipelineVersionRecord[]> {
    return this.deps.store.listPipelineVersions(name);
  }

  executions(filter: { pipelineName?: string; status?: ExecutionStatus }, page?: PageRequest): Promise<Page<ExecutionRecord>> {
    return this.deps.store.listExecutions(filter, page);
  }

  async describeExecution(id: string): Promise<ExecutionDetails> {
    const execution = await this.deps.store.getExecution(id);
    const version = await this.deps.store.getPipelineVersion(execution.pipelineName, execution.pipelineVersion);
    const order = new Map(flattenSteps(version.definition.Steps).map((s, i) => [s.def.Name, i]));
    const steps = [...(await this.deps.store.listSteps(id))].sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
    return { execution, steps };
  }

  /** Creates an execution of the pipeline's newest definition and runs it to its end in this process. */
  async start(name: string, opts: StartOptions = {}): Promise<ExecutionDetails> {
    const execution = await this.create(name, opts);
    return this.runOwned(execution, opts.onEvent, false, opts.signal ? { signal: opts.signal } : {});
  }

  /** Creates an execution (status Executing, owned by this process) without running it. */
  async create(name: string, opts: Omit<StartOptions, 'onEvent'> = {}): Promise<ExecutionRecord> {
    const pipeline = await this.deps.store.getPipeline(name);
    const parameters = resolveParameters(pipeline.definition.Parameters, opts.parameters ?? {});
    const now = this.deps.clock.now();
    const id = this.deps.ids('exec').replace(/_/g, '-');
    const execution: ExecutionRecord = {
      id,
      arn: pipelineExecutionArn(name, id),
      pipelineName: name,
      pipelineVersion: pipeline.latestVersion,
      displayName:
        opts.displayName ??
        `execution-${new Date(now)
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d+Z$/, '')}`,
      status: 'Executing',
      parameters,
      createdAt: now,
      owner: this.deps.owner,
      heartbeatAt: now,
      stopRequested: false,
    };
    await this.deps.store.createExecution(execution);
    await this.publisher?.execution(execution, undefined).catch(() => undefined);
    this.deps.logger.info('pipeline execution started', { pipeline: name, execution: id });
    return execution;
  }

  /**
   * Asks an execution to stop. A running owner sees the request within a heartbeat, kills its jobs
   * and marks the execution Stopped; an execution whose owner is gone is stopped here, the same way.
   */
  async stop(id: string): Promise<ExecutionRecord> {
    const e = await this.deps.store.getExecution(id);
    if (isTerminalExecutionStatus(e.status)) throw new FailedPreconditionError(`execution ${id} is already ${e.status}`);
    const updated = (await this.deps.store.updateExecution(id, { stopRequested: true, status: 'Stopping' }, { statuses: ['Executing', 'Stopping'] })) ?? e;
    if (this.isInterrupted(updated)) {
      // Nobody runs it: take it over and let the engine end it (what is left of its jobs is
      // killed, no step stays Executing).
      const claimed = await this.deps.store.updateExecution(
        id,
        { owner: this.deps.owner, heartbeatAt: this.deps.clock.now() },
        { owner: updated.owner ?? null, statuses: ['Stopping'] },
      );
      if (claimed) return (await this.runOwned(claimed, undefined, false, updated.owner ? { previousOwner: updated.owner } : {})).execution;
    }
    return updated;
  }

  /**
   * Re-runs a Failed or Stopped execution: its Succeeded steps are kept, failed and stopped steps
   * (and everything after them) run again, with the same parameters and definition version.
   */
  async retry(id: string, onEvent?: (e: EngineEvent) => void, options: RunOptions = {}): Promise<ExecutionDetails> {
    const e = await this.deps.store.getExecution(id);
    if (e.status !== 'Failed' && e.status !== 'Stopped') {
      throw new FailedPreconditionError(`execution ${id} is ${e.status}: only Failed or Stopped executions can be retried`);
    }
    const claimed = await this.deps.store.updateExecution(
      id,
      { status: 'Executing', owner: this.deps.owner, heartbeatAt: this.deps.clock.now(), stopRequested: false, clearFailure: true, clearEnd: true },
      { statuses: ['Failed', 'Stopped'] },
    );
    if (!claimed) throw new FailedPreconditionError(`execution ${id} changed while retrying; try again`);
    this.deps.logger.info('pipeline execution retried', { execution: id });
    return this.runOwned(claimed, onEvent, true, options);
  }

  /** A step's job logs, one per attempt, oldest first. */
  async logs(execution: ExecutionRecord, step: StepRecord): Promise<{ name: string; text: string }[]> {
    return this.deps.workspace.readLogs(`pipelines/${execution.pipelineName}/${execution.id}/${step.name}/logs`);
  }

  /** Runs an execution this process created (with `create`) to its end. */
  async resumeOwned(id: string, onEvent?: (e: EngineEvent) => void, options: RunOptions = {}): Promise<ExecutionDetails> {
    const e = await this.deps.store.getExecution(id);
    if (e.owner !== this.deps.owner) throw new FailedPreconditionError(`execution ${id} is owned by ${e.owner ?? 'nobody'}`);
    return this.runOwned(e, onEvent, false, options);
  }

  /** Executions left Executing or Stopping by a process that is gone. */
  async interrupted(): Promise<ExecutionRecord[]> {
    const out: ExecutionRecord[] = [];
    for (const status of ['Executing', 'Stopping'] as const) {
      let token: string | undefined;
      do {
        const page = await this.deps.store.listExecutions({ status }, { limit: 200, ...(token ? { pageToken: token } : {}) });
        out.push(...page.items.filter((e) => this.isInterrupted(e)));
        token = page.nextPageToken;
      } while (token);
    }
    return out;
  }

  /** Takes over interrupted executions (all, or the one named) and runs each to its end. */
  async resume(id?: string, onEvent?: (e: EngineEvent) => void, options: RunOptions = {}): Promise<ExecutionDetails[]> {
    const targets = id ? [await this.deps.store.getExecution(id)] : await this.interrupted();
    const out: ExecutionDetails[] = [];
    for (const e of targets) {
      if (!this.isInterrupted(e)) {
        if (id)
          throw new FailedPreconditionError(
            `execution ${e.id} is ${e.status}${e.owner && !isTerminalExecutionStatus(e.status) ? ` and still run by ${e.owner}` : ''}: nothing to resume`,
          );
        continue;
      }
      const claimed = await this.deps.store.updateExecution(
        e.id,
        { owner: this.deps.owner, heartbeatAt: this.deps.clock.now() },
        { owner: e.owner ?? null, statuses: ['Executing', 'Stopping'] },
      );
      if (!claimed) continue; // another process took it
      this.deps.logger.info('resuming interrupted pipeline execution', { execution: e.id, previousOwner: e.owner });
      // The engine first kills what is left of the dead owner's jobs; a Stopping execution ends Stopped.
      out.push(await this.runOwned(claimed, onEvent, false, { ...options, ...(e.owner ? { previousOwner: e.owner } : {}) }));
    }
    return out;
  }

  private isInterrupted(e: ExecutionRecord): boolean {
    if (isTerminalExecutionStatus(e.status)) return false;
    if (!e.owner) return true;
    if (e.owner === this.deps.owner) return false;
    const alive = this.deps.ownerAlive(e.owner);
    if (alive === false) return true;
    return this.deps.clock.now() - (e.heartbeatAt ?? 0) > this.deps.staleAfterMs;
  }

  private async runOwned(
    execution: ExecutionRecord,
    onEvent?: (e: EngineEvent) => void,
    retrying = false,
    options: RunOptions = {},
  ): Promise<ExecutionDetails> {
    const version = await this.deps.store.getPipelineVersion(execution.pipelineName, execution.pipelineVersion);
    if (retrying) {
      // Failed and Stopped steps run again; the engine skips Succeeded ones.
      for (const s of await this.deps.store.listSteps(execution.id)) {
        if (s.status === 'Failed' || s.status === 'Stopped') await this.deps.store.putStep({ ...s, status: 'Starting' }, { owner: this.deps.owner });
      }
    }
    const engine = new ExecutionEngine({ ...this.deps, ...(onEvent ? { onEvent } : {}), ...(this.publisher ? { publisher: this.publisher } : {}) });
    await engine.run(execution.id, version.definition as PipelineDefinition, options);
    return this.describeExecution(execution.id);
  }
}
