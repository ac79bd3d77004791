import type { Clock } from '../core/clock.js';
import path from 'node:path';
import { ConflictError, UnavailableError, isAppError, oneLine } from '../core/errors.js';
import { cacheKey } from './cache-key.js';
import { type ExecutionStatus, type FailureType, type PipelineDefinition, type RetryPolicy, type StepDefinition, type StepStatus } from './definition.js';
import { evaluateConditions, evaluateExpressions, type EvaluationContext } from './evaluate-expression.js';
import { flattenSteps, type FlatStep } from './flatten-steps.js';
import { parseIsoDuration } from '../core/iso-duration.js';
import { JOB_LOG_FILE } from './job-launcher.js';
import type { PipelineEvents } from './pipeline-events.js';
import type { ExecutionRecord, PipelineStore, StepRecord } from './pipeline-store.js';
import type { StepContext, StepExecutorDeps, StepResult } from './step-context.js';
import { cacheMaterial, runProcessingStep, runQualityCheckStep, runRegisterModelStep, runTrainingStep } from './step-executors.js';
import { StepFailure, StepStopped } from './step-failure.js';

/** What the engine reports while it runs (the CLI draws progress from it). */
export type EngineEvent = { kind: 'step'; step: StepRecord } | { kind: 'execution'; execution: ExecutionRecord; previous: ExecutionStatus };

export interface EngineDeps extends StepExecutorDeps {
  readonly store: PipelineStore;
  readonly clock: Clock;
  /** This process (`host:pid:start:nonce`, unique per process start): recorded as the execution's owner and fencing every write. */
  readonly owner: string;
  readonly sleep: (ms: number) => Promise<void>;
  /** How often the owner writes its heartbeat and looks for a stop request. */
  readonly heartbeatMs: number;
  readonly onEvent?: (e: EngineEvent) => void;
  /** Publishes SageMaker's status-change events on the event bus. */
  readonly publisher?: PipelineEvents;
}

const DEFAULT_PARALLELISM = 2;
const EXECUTORS: Partial<Record<StepDefinition['Type'], (ctx: StepContext) => Promise<StepResult>>> = {
  Processing: runProcessingStep,
  Training: runTrainingStep,
  QualityCheck: runQualityCheckStep,
  RegisterModel: runRegisterModelStep,
};

/** Why the engine stopped scheduling before the execution's end. */
type Halt =
  /** `pipeline stop`: the execution ends Stopped. */
  | { readonly kind: 'stop' }
  /** A store write failed: the running steps are stopped and the execution ends Failed. */
  | { readonly kind: 'fault'; readonly reason: string; readonly step?: string }
  /** Another process owns the execution now: this engine stops its jobs and writes nothing more. */
  | { readonly kind: 'lost'; readonly reason: string }
  /** This process is shutting down (SIGTERM, SIGINT): jobs are stopped and the execution released for `resume`. */
  | { readonly kind: 'release' };

/** Thrown inside a step once the engine halted: the step writes nothing more. */
class Halted extends Error {
  constructor() {
    super('halted');
  }
}

/** One run of one execution: what the steps share. */
interface RunState {
  readonly executionId: string;
  execution: ExecutionRecord;
  readonly states: Map<string, StepRecord>;
  /** Aborted on any halt: kills the jobs. */
  readonly jobs: AbortController;
  halt: Halt | undefined;
}

export interface RunOptions {
  /** Aborted when this process shuts down: jobs are stopped and the execution is released (left Executing, with no owner) for `resume`. */
  readonly signal?: AbortSignal;
  /** The owner this process took the execution over from (named in the logs of interrupted attempts). */
  readonly previousOwner?: string;
}

const MID_FLIGHT = new Set<StepStatus>(['Starting', 'Executing', 'Stopping']);
/** Waits between the tries of an execution's last writes (about 6 s in all). */
/** The longest wait between heartbeats while the store keeps failing. */
const HEARTBEAT_MAX_BACKOFF_MS = 15_000;
const FINAL_WRITE_RETRIES_MS = [100, 200, 400, 800, 1600, 3200] as const;

/**
 * Runs one pipeline execution to its end from whatever state the store holds: steps that
 * Succeeded are never re-run, steps caught mid-flight by a crash run again (after what is left of
 * their job has been killed and its log kept). Independent steps run in parallel up to
 * `ParallelismConfiguration.MaxParallelExecutionSteps` (default 2); condition branches not taken are
 * never started; step caching, retry policies with exponential backoff and stop requests (seen
 * through the heartbeat) are honoured. Every state change is written to the store, fenced by this
 * engine's owner id, before anything depends on it.
 *
 * Supervision: when a store write fails, the other running steps are stopped and waited for, and
 * the execution ends Failed with the reason (or, if even that cannot be written, `run` rejects with
 * an UnavailableError once nothing runs any more). When another process took the execution over,
 * the jobs are stopped and nothing more is written (`run` rejects with a ConflictError). `run`
 * never settles while a job it started still runs.
 */
export class ExecutionEngine {
  constructor(private readonly deps: EngineDeps) {}

  async run(executionId: string, definition: PipelineDefinition, options: RunOptions = {}): Promise<ExecutionRecord> {
    const { store } = this.deps;
    const flat = flattenSteps(definition.Steps);
    const byName = new Map(flat.map((s) => [s.def.Name, s]));
    const run: RunState = { executionId, execution: await store.getExecution(executionId), states: new Map(), jobs: new AbortController(), halt: undefined };
    for (const s of await store.listSteps(executionId)) run.states.set(s.name, s);
    const startStatus = run.execution.status;
    // Attempts cut short by a crash: nothing of them may still run when their step runs again.
    for (const s of run.states.values()) if (MID_FLIGHT.has(s.status)) await this.reap(run.execution, s, options.previousOwner);

    // The heartbeat runs one write at a time; while the store fails it backs off (up to
    // HEARTBEAT_MAX_BACKOFF), so a locked database (each write may block its busy timeout) does
    // not starve the jobs' events the engine must still handle.
    let heartbeat: ReturnType<typeof setTimeout> | undefined;
    let heartbeatDelay = this.deps.heartbeatMs;
    let beating = true;
    const beat = () => {
      heartbeat = setTimeout(() => {
        void store
          .updateExecution(executionId, { heartbeatAt: this.deps.clock.now() }, { owner: this.deps.owner })
          .then((e) => {
            heartbeatDelay = this.deps.heartbeatMs;
            if (!e) this.halt(run, { kind: 'lost', reason: `pipeline execution ${executionId} was taken over by another process` });
            else if (e.stopRequested) this.halt(run, { kind: 'stop' });
          })
          .catch((err: unknown) => {
            heartbeatDelay = Math.min(heartbeatDelay * 2, Math.max(this.deps.heartbeatMs, HEARTBEAT_MAX_BACKOFF_MS));
            this.deps.logger.warn('heartbeat failed', { executionId, error: oneLine(err), retryInMs: heartbeatDelay });
          })
          .finally(() => {
            if (beating) beat();
          });
      }, heartbeatDelay);
      heartbeat.unref?.();
    };
    beat();
    const onShutdown = () => this.halt(run, { kind: 'release' });
    options.signal?.addEventListener('abort', onShutdown, { once: true });
    if (options.signal?.aborted) onShutdown();
    const limit = definition.ParallelismConfiguration?.MaxParallelExecutionSteps ?? DEFAULT_PARALLELISM;
    const running = new Map<string, Promise<void>>();
    const halted = new Promise<void>((r) => run.jobs.signal.addEventListener('abort', () => r(), { once: true }));
    try {
      if (run.execution.stopRequested) this.halt(run, { kind: 'stop' });
      for (;;) {
        if (run.halt) break;
        const failed = [...run.states.values()].some((s) => s.status === 'Failed');
        if (!failed) {
          for (const step of flat) {
            if (running.size >= limit) break;
            if (running.has(step.def.Name) || !this.isReady(step, run.states, byName)) continue;
            const p = this.runStep(step, run).finally(() => running.delete(step.def.Name));
            running.set(step.def.Name, p);
          }
        }
        if (running.size === 0) break;
        await Promise.race([...running.values(), halted]);
      }
      // Whatever happened, nothing this engine started runs on after this point.
      await Promise.allSettled([...running.values()]);
    } finally {
      beating = false;
      clearTimeout(heartbeat);
      options.signal?.removeEventListener('abort', onShutdown);
    }
    return this.finish(run, flat, startStatus);
  }

  /** Stops scheduling and kills the jobs; the first reason wins. */
  private halt(run: RunState, halt: Halt): void {
    if (run.halt) return;
    run.halt = halt;
    if (halt.kind === 'fault' || halt.kind === 'lost')
      this.deps.logger.error('pipeline execution halted', { execution: run.executionId, kind: halt.kind, reason: halt.reason });
    run.jobs.abort();
  }

  /** Writes the execution's end (or releases it) once nothing runs. */
  private async finish(run: RunState, flat: readonly FlatStep[], startStatus: ExecutionStatus): Promise<ExecutionRecord> {
    const { store } = this.deps;
    const id = run.executionId;
    const fence = { owner: this.deps.owner };
    const halt = run.halt;
    if (halt?.kind === 'lost') throw new ConflictError(`${halt.reason}; this process stopped its jobs and left the execution to it`);
    if (halt?.kind === 'release') {
      const released = await store.updateExecution(id, { clearOwner: true }, fence).catch(() => undefined);
      this.deps.logger.warn('pipeline execution released', { execution: id });
      return released ?? (await store.getExecution(id));
    }
    let final: ExecutionStatus;
    let reason: string | undefined;
    if (halt?.kind === 'fault') {
      final = 'Failed';
      reason = halt.reason;
    } else if (halt?.kind === 'stop' || (await store.getExecution(id)).stopRequested) {
      final = 'Stopped';
    } else {
      const failedStep = flat.map((s) => run.states.get(s.def.Name)).find((s) => s?.status === 'Failed');
      final = failedStep ? 'Failed' : 'Succeeded';
      if (failedStep) reason = `Step ${failedStep.name} failed: ${failedStep.failureReason ?? 'unknown reason'}`;
    }
    // No step stays mid-flight in a finished execution: one caught by a crash of a Stopping
    // execution ends Stopped, one whose state could not be saved ends Failed with the fault. The
    // store may be failing right now (that may be why the run halted): these last writes are tried
    // again with backoff before the run gives up.
    const endOf = (s: StepRecord): StepRecord | undefined => {
      if (!MID_FLIGHT.has(s.status)) return undefined;
      if (final === 'Stopped') return { ...s, status: 'Stopped', endedAt: this.deps.clock.now() };
      if (halt?.kind !== 'fault') return undefined;
      const own = s.name === halt.step;
      return { ...s, status: own ? 'Failed' : 'Stopped', failureReason: own ? halt.reason : `stopped: ${halt.reason}`, endedAt: this.deps.clock.now() };
    };
    let done: ExecutionRecord | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        for (const s of [...run.states.values()]) {
          const end = endOf(s);
          if (!end) continue;
          await store.putStep(end, fence);
          run.states.set(end.name, end);
          this.deps.onEvent?.({ kind: 'step', step: end });
        }
        done = await store.updateExecution(id, { status: final, endedAt: this.deps.clock.now(), ...(reason ? { failureReason: reason } : {}) }, fence);
        break;
      } catch (err) {
        if (isAppError(err) && err.code === 'conflict') throw new ConflictError(`${oneLine(err)}; this process stopped its jobs and left the execution to it`);
        if (attempt < FINAL_WRITE_RETRIES_MS.length) {
          this.deps.logger.warn('could not record the end of the execution, trying again', { execution: id, error: oneLine(err) });
          await this.deps.sleep(FINAL_WRITE_RETRIES_MS[attempt]!);
          continue;
        }
        const why = halt?.kind === 'fault' ? `${halt.reason}; then ${oneLine(err)}` : oneLine(err);
        throw new UnavailableError(
          `pipeline execution ${id} could not be marked ${final}: ${why}; its jobs are stopped, and \`driftline pipeline resume\` runs it on once the store is back`,
          { cause: err },
        );
      }
    }
    if (!done) throw new ConflictError(`pipeline execution ${id} was taken over by another process before it could be marked ${final}`);
    this.deps.onEvent?.({ kind: 'execution', execution: done, previous: startStatus });
    await this.deps.publisher?.execution(done, startStatus).catch((err: unknown) => this.deps.logger.warn('event publish failed', { error: oneLine(err) }));
    return done;
  }

  /**
   * An attempt left mid-flight by an engine that died: kills what is left of its job (and waits
   * until it is gone), keeps its log beside the other attempts' logs, and drops its job folder.
   */
  private async reap(execution: ExecutionRecord, step: StepRecord, previousOwner: string | undefined): Promise<void> {
    const jobName = jobNameOf(execution.id, step.name, step.attemptCount);
    const dir = this.deps.workspace.jobFolder(jobName);
    const { killed } = await this.deps.launcher.terminate(dir);
    const log = await this.deps.workspace.readLocal(path.join(dir, JOB_LOG_FILE));
    if (log !== undefined) {
      const note = `\n[driftline] attempt ${step.attemptCount} was interrupted: the engine running it${previousOwner ? ` (${previousOwner})` : ''} stopped before the job ended${killed ? '; what was left of the job was killed' : ''}\n`;
      await this.deps.workspace.putText(logKeyOf(execution, step.name, jobName), log + note);
    }
    await this.deps.workspace.discardJobFolder(jobName);
    if (killed) this.deps.logger.warn('killed the job of an interrupted attempt', { execution: execution.id, step: step.name, attempt: step.attemptCount });
  }

  /** Pending (never run, or caught mid-flight by a crash), its dependencies Succeeded, and on a taken branch. */
  private isReady(step: FlatStep, states: Map<string, StepRecord>, byName: Map<string, FlatStep>): boolean {
    const state = states.get(step.def.Name);
    if (state && (state.status === 'Succeeded' || state.status === 'Failed' || state.status === 'Stopped')) return false;
    for (const d of step.dependsOn) {
      if (!byName.has(d)) continue;
      if (states.get(d)?.status !== 'Succeeded') return false;
    }
    if (step.branchOf) {
      const outcome = states.get(step.branchOf.condition)?.properties?.['Outcome'];
      if (outcome !== (step.branchOf.branch === 'if' ? 'True' : 'False')) return false;
    }
    return true;
  }

  /**
   * Saves a step state, fenced by this engine's owner id. A failing write halts the engine (fault),
   * a fenced-out one too (lost); either way the step writes nothing more (Halted). Once halted, only
   * the final states of a fault or a stop may still be written (`whenHalted`).
   */
  private async save(run: RunState, rec: StepRecord, whenHalted = false): Promise<void> {
    if (run.halt && !(whenHalted && (run.halt.kind === 'fault' || run.halt.kind === 'stop'))) throw new Halted();
    const previous = run.states.get(rec.name);
    try {
      await this.deps.store.putStep(rec, { owner: this.deps.owner });
    } catch (err) {
      if (isAppError(err) && err.code === 'conflict') this.halt(run, { kind: 'lost', reason: oneLine(err) });
      else this.halt(run, { kind: 'fault', reason: `could not save step ${rec.name} (${rec.status}): ${oneLine(err)}`, step: rec.name });
      throw new Halted();
    }
    run.states.set(rec.name, rec);
    this.deps.onEvent?.({ kind: 'step', step: rec });
    if (previous?.status !== rec.status || previous.attemptCount !== rec.attemptCount) {
      await this.deps.publisher
        ?.step(run.execution, rec, previous?.status)
        .catch((err: unknown) => this.deps.logger.warn('event publish failed', { error: oneLine(err) }));
    }
  }

  private async runStep(step: FlatStep, run: RunState): Promise<void> {
    const def = step.def;
    const execution = run.execution;
    const signal = run.jobs.signal;
    const now = () => this.deps.clock.now();
    const previous = run.states.get(def.Name);
    let rec: StepRecord = {
      executionId: execution.id,
      name: def.Name,
      type: def.Type,
      status: 'Starting',
      attemptCount: (previous?.attemptCount ?? 0) + 1,
      startedAt: now(),
      metadata: {},
    };
    const finish = async (status: StepStatus, patch: Partial<StepRecord>, whenHalted = false) => {
      rec = { ...rec, ...patch, status, endedAt: now() };
      await this.save(run, rec, whenHalted);
    };
    try {
      await this.save(run, rec);
      const ctx = this.evaluationContext(execution, run.states, def);
      if (def.Type === 'Condition') {
        // Only the conditions: the branches' steps resolve their own arguments when they run (they
        // may read steps that are still running now).
        const outcome = (await evaluateConditions((def.Arguments as { Conditions: [] }).Conditions, ctx)) ? 'True' : 'False';
        await finish('Succeeded', { properties: { Outcome: outcome }, metadata: { Condition: { Outcome: outcome } } });
        return;
      }
      const args = (await evaluateExpressions(def.Arguments, ctx)) as Record<string, unknown>;
      if (def.Type === 'Fail') {
        await finish('Failed', { failureReason: String(args['ErrorMessage'] ?? ''), metadata: { Fail: { ErrorMessage: String(args['ErrorMessage'] ?? '') } } });
        return;
      }
      const extras = await this.extrasOf(def, ctx);
      let key: string | undefined;
      const material = cacheMaterial(def.Type, args, extras, def);
      if (def.CacheConfig?.Enabled && material) {
        const fingerprints: Record<string, string> = {};
        for (const [name, uri] of Object.entries(material.inputs)) {
          fingerprints[name] = await this.deps.workspace.fingerprint(uri).catch((err: unknown) => {
            throw new StepFailure(`${name}: ${oneLine(err)}`, 'Step.CLIENT_ERROR');
          });
        }
        key = cacheKey({ type: def.Type, arguments: material.arguments, inputFingerprints: fingerprints, codeVersion: this.deps.codeVersion() });
        const hit = await this.cacheHit(execution.pipelineName, key, def.CacheConfig.ExpireAfter);
        if (hit) {
          const source = await this.deps.store.getExecution(hit.executionId);
          await finish('Succeeded', {
            cacheKey: key,
            cacheHit: { sourceExecutionArn: source.arn, sourceExecutionId: source.id },
            ...(hit.properties ? { properties: hit.properties } : {}),
            metadata: { ...hit.metadata, cacheHit: true },
          });
          return;
        }
      }
      const executor = EXECUTORS[def.Type]!;
      const halted = new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      for (;;) {
        rec = { ...rec, status: 'Executing' };
        await this.save(run, rec);
        try {
          const jobName = jobNameOf(execution.id, def.Name, rec.attemptCount);
          const result = await executor({
            pipelineName: execution.pipelineName,
            executionId: execution.id,
            executionArn: execution.arn,
            def,
            args,
            extras,
            attempt: rec.attemptCount,
            jobName,
            signal,
            keyPrefix: keyPrefixOf(execution, def.Name),
            deps: this.deps,
          });
          await finish('Succeeded', { properties: result.properties, metadata: result.metadata, ...(key ? { cacheKey: key } : {}) });
          return;
        } catch (err) {
          if (err instanceof Halted) throw err;
          if (err instanceof StepStopped || signal.aborted) throw new StepStopped();
          const failure = toStepFailure(err);
          const wait = retryDelay(def.RetryPolicies ?? [], failure.failureType, rec.attemptCount);
          if (wait === undefined) throw failure;
          this.deps.logger.warn('step failed, retrying', { step: def.Name, attempt: rec.attemptCount, waitMs: wait, reason: failure.message });
          rec = { ...rec, failureReason: failure.message, metadata: { ...rec.metadata, lastFailure: failure.message } };
          await Promise.race([this.deps.sleep(wait), halted]);
          if (signal.aborted) throw new StepStopped();
          rec = { ...rec, attemptCount: rec.attemptCount + 1 };
        }
      }
    } catch (err) {
      if (err instanceof Halted) return;
      try {
        if (err instanceof StepStopped || (signal.aborted && run.halt)) {
          // Stopped by `pipeline stop` or by a fault elsewhere; after a takeover or on shutdown
          // nothing is written (the step stays mid-flight for whoever resumes it).
          const h = run.halt;
          if (h?.kind === 'lost' || h?.kind === 'release') return;
          await finish('Stopped', h?.kind === 'fault' ? { failureReason: `stopped: ${h.reason}` } : {}, true);
          return;
        }
        await finish('Failed', { failureReason: oneLine(err) });
      } catch (e) {
        if (!(e instanceof Halted)) throw e;
      }
    }
  }

  /** The step-level expressions, resolved, and a QualityCheck's earlier baseline (fetched now: it is part of the cache key). */
  private async extrasOf(def: StepDefinition, ctx: EvaluationContext): Promise<StepContext['extras']> {
    const str = async (e: unknown) => (e === undefined || e === null ? undefined : String(await evaluateExpressions(e, ctx)));
    const groupName = await str(def.ModelPackageGroupName);
    const suppliedStatistics = await str(def.SuppliedBaselineStatistics);
    const suppliedConstraints = await str(def.SuppliedBaselineConstraints);
    let checkBaseline: { statistics: string; constraints: string } | undefined;
    if (def.Type === 'QualityCheck' && (def.SkipCheck === false || def.RegisterNewBaseline === false)) {
      if (suppliedStatistics && suppliedConstraints) checkBaseline = { statistics: suppliedStatistics, constraints: suppliedConstraints };
      else if (groupName) {
        try {
          checkBaseline = await this.deps.registrar.latestApprovedBaseline(groupName);
        } catch (err) {
          throw new StepFailure(`cannot fetch the drift-check baseline of model package group '${groupName}': ${oneLine(err)}`, 'Step.SERVICE_FAULT');
        }
      }
    }
    return {
      ...(groupName ? { modelPackageGroupName: groupName } : {}),
      ...(suppliedStatistics ? { suppliedStatistics } : {}),
      ...(suppliedConstraints ? { suppliedConstraints } : {}),
      ...(checkBaseline ? { checkBaseline } : {}),
    };
  }

  private async cacheHit(pipelineName: string, key: string, expireAfter: string | undefined): Promise<StepRecord | undefined> {
    const notBefore = expireAfter ? this.deps.clock.now() - parseIsoDuration(expireAfter) : 0;
    const hit = await this.deps.store.findCacheHit(pipelineName, key, notBefore);
    if (!hit?.properties) return undefined;
    for (const uri of outputUris(hit.properties)) if (!(await this.deps.workspace.exists(uri))) return undefined;
    return hit;
  }

  private evaluationContext(execution: ExecutionRecord, states: Map<string, StepRecord>, def: StepDefinition): EvaluationContext {
    const clock = this.deps.clock;
    return {
      parameter: (name) => execution.parameters[name],
      execution: (v) => {
        switch (v) {
          case 'PipelineName':
            return execution.pipelineName;
          case 'PipelineArn':
            return execution.arn.replace(/\/execution\/[^/]+$/, '');
          case 'PipelineExecutionId':
            return execution.id;
          case 'PipelineExecutionArn':
            return execution.arn;
          case 'StartDateTime':
            return new Date(execution.createdAt).toISOString();
          case 'CurrentDateTime':
            return new Date(clock.now()).toISOString();
          case 'TrainingJobName':
          case 'ProcessingJobName':
            return `pipelines-${execution.id}-${def.Name}`;
          default:
            return undefined;
        }
      },
      stepProperties: (name) => (states.get(name)?.status === 'Succeeded' ? states.get(name)?.properties : undefined),
      readJson: async (uri) => JSON.parse(await this.deps.workspace.readText(uri)) as unknown,
    };
  }
}

/** The output locations a finished step's properties point at (checked before a cache hit is reused). */
function outputUris(props: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const outputs = (props['ProcessingOutputConfig'] as { Outputs?: { S3Output?: { S3Uri?: string } }[] } | undefined)?.Outputs ?? [];
  for (const o of outputs) if (o.S3Output?.S3Uri) out.push(o.S3Output.S3Uri);
  const model = (props['ModelArtifacts'] as { S3ModelArtifacts?: string } | undefined)?.S3ModelArtifacts;
  if (model) out.push(model);
  for (const k of ['CalculatedBaselineStatistics', 'CalculatedBaselineConstraints']) if (typeof props[k] === 'string') out.push(props[k]);
  return out;
}

function toStepFailure(err: unknown): StepFailure {
  if (err instanceof StepFailure) return err;
  return new StepFailure(oneLine(err), isAppError(err) && err.code === 'unavailable' ? 'Step.SERVICE_FAULT' : 'Step.CLIENT_ERROR');
}

/** The artifact key prefix of a step of an execution. */
function keyPrefixOf(execution: ExecutionRecord, step: string): string {
  return `pipelines/${execution.pipelineName}/${execution.id}/${step}`;
}

/** Where an attempt's log is kept. */
export function logKeyOf(execution: ExecutionRecord, step: string, jobName: string): string {
  return `${keyPrefixOf(execution, step)}/logs/${jobName}.log`;
}

/** A job's name: unique per execution, step and attempt. */
export function jobNameOf(executionId: string, step: string, attempt: number): string {
  return `pipelines-${executionId}-${step}-${attempt}`.slice(0, 120);
}

/** Milliseconds to wait before the next attempt, or undefined when no policy allows one. */
export function retryDelay(policies: readonly RetryPolicy[], failure: FailureType | 'Step.CLIENT_ERROR', attempt: number): number | undefined {
  for (const p of policies) {
    const types = [...(p.ExceptionType ?? []), ...(p.FailureValue ?? [])];
    if (!types.includes(failure)) continue;
    const max = p.MaxAttempts ?? 5;
    if (attempt > max) return undefined; // MaxAttempts counts retries, as in SageMaker
    const interval = p.IntervalSeconds ?? 1;
    const rate = p.BackoffRate ?? 2;
    return Math.round(interval * 1000 * rate ** (attempt - 1));
  }
  return undefined;
}
