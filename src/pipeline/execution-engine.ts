import type { Clock } from '../core/clock.js';
import { isAppError, oneLine } from '../core/errors.js';
import { cacheKey } from './cache-key.js';
import {
  type ExecutionStatus,
  type FailureType,
  type PipelineDefinition,
  type RetryPolicy,
  type StepDefinition,
  type StepStatus,
} from './definition.js';
import { evaluateConditions, evaluateExpressions, type EvaluationContext } from './evaluate-expression.js';
import { flattenSteps, type FlatStep } from './flatten-steps.js';
import { parseIsoDuration } from './iso-duration.js';
import type { PipelineEvents } from './pipeline-events.js';
import type { ExecutionRecord, PipelineStore, StepRecord } from './pipeline-store.js';
import type { StepContext, StepExecutorDeps, StepResult } from './step-context.js';
import { cacheMaterial, runProcessingStep, runQualityCheckStep, runRegisterModelStep, runTrainingStep } from './step-executors.js';
import { StepFailure, StepStopped } from './step-failure.js';

/** What the engine reports while it runs (the CLI draws progress from it). */
export type EngineEvent =
  | { kind: 'step'; step: StepRecord }
  | { kind: 'execution'; execution: ExecutionRecord; previous: ExecutionStatus };

export interface EngineDeps extends StepExecutorDeps {
  readonly store: PipelineStore;
  readonly clock: Clock;
  /** This process, as `host:pid`: recorded as the execution's owner. */
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

/**
 * Runs one pipeline execution to its end from whatever state the store holds: steps that
 * Succeeded are never re-run, steps caught mid-flight by a crash run again. Independent steps run
 * in parallel up to `ParallelismConfiguration.MaxParallelExecutionSteps` (default 2); condition
 * branches not taken are never started; step caching, retry policies with exponential backoff and
 * stop requests (seen through the heartbeat) are honoured. Every state change is written to the
 * store before anything depends on it.
 */
export class ExecutionEngine {
  constructor(private readonly deps: EngineDeps) {}

  async run(executionId: string, definition: PipelineDefinition): Promise<ExecutionRecord> {
    const { store } = this.deps;
    let execution = await store.getExecution(executionId);
    const flat = flattenSteps(definition.Steps);
    const byName = new Map(flat.map((s) => [s.def.Name, s]));
    const states = new Map<string, StepRecord>();
    for (const s of await store.listSteps(executionId)) states.set(s.name, s);
    const abort = new AbortController();
    const heartbeat = setInterval(() => {
      void store
        .updateExecution(executionId, { heartbeatAt: this.deps.clock.now() }, { owner: this.deps.owner })
        .then((e) => {
          if (!e || e.stopRequested) abort.abort();
        })
        .catch((err: unknown) => this.deps.logger.warn('heartbeat failed', { executionId, error: oneLine(err) }));
    }, this.deps.heartbeatMs);
    heartbeat.unref?.();
    const limit = definition.ParallelismConfiguration?.MaxParallelExecutionSteps ?? DEFAULT_PARALLELISM;
    const running = new Map<string, Promise<void>>();
    const aborted = new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));
    try {
      if (execution.stopRequested) abort.abort();
      for (;;) {
        if (abort.signal.aborted) break;
        const failed = [...states.values()].some((s) => s.status === 'Failed');
        if (!failed) {
          for (const step of flat) {
            if (running.size >= limit) break;
            if (running.has(step.def.Name) || !this.isReady(step, states, byName)) continue;
            const p = this.runStep(step, execution, definition, states, abort.signal).finally(() => running.delete(step.def.Name));
            running.set(step.def.Name, p);
          }
        }
        if (running.size === 0) break;
        await Promise.race([...running.values(), aborted]);
      }
      await Promise.allSettled([...running.values()]);
    } finally {
      clearInterval(heartbeat);
    }
    execution = await store.getExecution(executionId);
    const failedStep = flat.map((s) => states.get(s.def.Name)).find((s) => s?.status === 'Failed');
    const final: ExecutionStatus = abort.signal.aborted || execution.stopRequested ? 'Stopped' : failedStep ? 'Failed' : 'Succeeded';
    const reason = final === 'Failed' && failedStep ? `Step ${failedStep.name} failed: ${failedStep.failureReason ?? 'unknown reason'}` : undefined;
    const done = await store.updateExecution(executionId, { status: final, endedAt: this.deps.clock.now(), ...(reason ? { failureReason: reason } : {}) }, { owner: this.deps.owner });
    const result = done ?? (await store.getExecution(executionId));
    this.deps.onEvent?.({ kind: 'execution', execution: result, previous: execution.status });
    await this.deps.publisher?.execution(result, execution.status).catch((err: unknown) => this.deps.logger.warn('event publish failed', { error: oneLine(err) }));
    return result;
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

  private async save(states: Map<string, StepRecord>, rec: StepRecord, execution: ExecutionRecord): Promise<void> {
    const previous = states.get(rec.name);
    await this.deps.store.putStep(rec);
    states.set(rec.name, rec);
    this.deps.onEvent?.({ kind: 'step', step: rec });
    if (previous?.status !== rec.status || previous.attemptCount !== rec.attemptCount) {
      await this.deps.publisher?.step(execution, rec, previous?.status).catch((err: unknown) => this.deps.logger.warn('event publish failed', { error: oneLine(err) }));
    }
  }

  private async runStep(step: FlatStep, execution: ExecutionRecord, definition: PipelineDefinition, states: Map<string, StepRecord>, signal: AbortSignal): Promise<void> {
    const def = step.def;
    const now = () => this.deps.clock.now();
    const previous = states.get(def.Name);
    if (previous && (previous.status === 'Starting' || previous.status === 'Executing' || previous.status === 'Stopping')) {
      // An attempt cut short by a crash: drop its job folder (partial outputs) before trying again.
      await this.deps.workspace.discardJobFolder(jobNameOf(execution.id, def.Name, previous.attemptCount));
    }
    let rec: StepRecord = {
      executionId: execution.id,
      name: def.Name,
      type: def.Type,
      status: 'Starting',
      attemptCount: (previous?.attemptCount ?? 0) + 1,
      startedAt: now(),
      metadata: {},
    };
    await this.save(states, rec, execution);
    const finish = async (status: StepStatus, patch: Partial<StepRecord>) => {
      rec = { ...rec, ...patch, status, endedAt: now() };
      await this.save(states, rec, execution);
    };
    try {
      const ctx = this.evaluationContext(execution, states, def);
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
      const str = async (e: unknown) => (e === undefined || e === null ? undefined : String(await evaluateExpressions(e, ctx)));
      const groupName = await str(def.ModelPackageGroupName);
      const suppliedStatistics = await str(def.SuppliedBaselineStatistics);
      const suppliedConstraints = await str(def.SuppliedBaselineConstraints);
      const extras = {
        ...(groupName ? { modelPackageGroupName: groupName } : {}),
        ...(suppliedStatistics ? { suppliedStatistics } : {}),
        ...(suppliedConstraints ? { suppliedConstraints } : {}),
      };
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
      for (;;) {
        rec = { ...rec, status: 'Executing' };
        await this.save(states, rec, execution);
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
            keyPrefix: `pipelines/${execution.pipelineName}/${execution.id}/${def.Name}`,
            deps: this.deps,
          });
          await finish('Succeeded', { properties: result.properties, metadata: result.metadata, ...(key ? { cacheKey: key } : {}) });
          return;
        } catch (err) {
          if (err instanceof StepStopped || signal.aborted) throw new StepStopped();
          const failure = err instanceof StepFailure ? err : new StepFailure(oneLine(err), isAppError(err) && err.code === 'unavailable' ? 'Step.SERVICE_FAULT' : 'Step.CLIENT_ERROR');
          const wait = retryDelay(def.RetryPolicies ?? [], failure.failureType, rec.attemptCount);
          if (wait === undefined) throw failure;
          this.deps.logger.warn('step failed, retrying', { step: def.Name, attempt: rec.attemptCount, waitMs: wait, reason: failure.message });
          rec = { ...rec, failureReason: failure.message, metadata: { ...rec.metadata, lastFailure: failure.message } };
          await this.deps.sleep(wait);
          if (signal.aborted) throw new StepStopped();
          rec = { ...rec, attemptCount: rec.attemptCount + 1 };
        }
      }
    } catch (err) {
      if (err instanceof StepStopped) {
        await finish('Stopped', {});
        return;
      }
      await finish('Failed', { failureReason: oneLine(err) });
    }
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

/** A job's name: unique per execution, step and attempt. */
function jobNameOf(executionId: string, step: string, attempt: number): string {
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

