import type { Page, PageRequest } from '../core/paging.js';
import type { ExecutionStatus, ParameterValue, PipelineDefinition, StepStatus, StepType } from './definition.js';

/** A pipeline: the newest definition plus its version count. Every upsert keeps the earlier versions. */
export interface PipelineRecord {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly latestVersion: number;
  readonly definition: PipelineDefinition;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PipelineVersionRecord {
  readonly name: string;
  readonly version: number;
  readonly definition: PipelineDefinition;
  readonly createdAt: number;
}

/** One pipeline execution, as the engine persists it (SageMaker's DescribePipelineExecution). */
export interface ExecutionRecord {
  readonly id: string;
  readonly arn: string;
  readonly pipelineName: string;
  readonly pipelineVersion: number;
  readonly displayName: string;
  readonly status: ExecutionStatus;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly failureReason?: string;
  readonly createdAt: number;
  readonly endedAt?: number;
  /** The process running it (`host:pid:start:nonce`, unique per process start), and when it last said it is alive. */
  readonly owner?: string;
  readonly heartbeatAt?: number;
  /** Set by `stop`; the owner sees it and stops. */
  readonly stopRequested: boolean;
}

/** One step of an execution (SageMaker's PipelineExecutionStep). */
export interface StepRecord {
  readonly executionId: string;
  readonly name: string;
  readonly type: StepType;
  readonly status: StepStatus;
  readonly attemptCount: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly failureReason?: string;
  readonly cacheKey?: string;
  /** Set when the step reused an earlier execution's result. */
  readonly cacheHit?: { readonly sourceExecutionArn: string; readonly sourceExecutionId: string };
  /** The step's Describe*Job-shaped document: what `Get` references read. */
  readonly properties?: Readonly<Record<string, unknown>>;
  /** Metadata shown by describe-execution: job name, log key, outcome, datasets, model package… */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export type ExecutionPatch = Partial<Pick<ExecutionRecord, 'status' | 'failureReason' | 'endedAt' | 'owner' | 'heartbeatAt' | 'stopRequested'>> & {
  readonly clearFailure?: boolean;
  readonly clearEnd?: boolean;
  /** Releases the execution: no owner, so any process may resume it at once. */
  readonly clearOwner?: boolean;
};

/**
 * Where pipelines, executions and step states live. Everything the engine needs to resume after a
 * crash is here. Adapter: `SqlPipelineStore` (SQLite now, PostgreSQL later); contract in
 * store/contract/pipeline-store.contract.ts.
 */
export interface PipelineStore {
  /** Creates the pipeline or adds a new definition version; returns the record after the change. */
  upsertPipeline(p: { name: string; arn: string; description: string; definition: PipelineDefinition; now: number }): Promise<PipelineRecord>;
  getPipeline(name: string): Promise<PipelineRecord>;
  getPipelineVersion(name: string, version: number): Promise<PipelineVersionRecord>;
  listPipelines(page?: PageRequest): Promise<Page<PipelineRecord>>;
  listPipelineVersions(name: string): Promise<PipelineVersionRecord[]>;

  createExecution(e: ExecutionRecord): Promise<void>;
  getExecution(id: string): Promise<ExecutionRecord>;
  /** Newest first. */
  listExecutions(filter: { pipelineName?: string; status?: ExecutionStatus }, page?: PageRequest): Promise<Page<ExecutionRecord>>;
  /**
   * Applies a patch; when `expect` is given, only if the execution still has that owner and one of
   * those statuses (compare-and-set). Returns the record after the change, or undefined when the
   * expectation failed.
   */
  updateExecution(
    id: string,
    patch: ExecutionPatch,
    expect?: { owner?: string | null; statuses?: readonly ExecutionStatus[] },
  ): Promise<ExecutionRecord | undefined>;

  /**
   * Inserts or replaces one step's state. With `fence`, only while the execution is still owned by
   * `fence.owner` (checked and written atomically); otherwise throws ConflictError, so an engine
   * that lost its execution to another process can never overwrite the new owner's states.
   */
  putStep(step: StepRecord, fence?: { readonly owner: string }): Promise<void>;
  listSteps(executionId: string): Promise<StepRecord[]>;
  deleteStep(executionId: string, name: string): Promise<void>;
  /** The newest Succeeded, non-cache-hit step of this pipeline with this cache key that ended at or after `notBefore`. */
  findCacheHit(pipelineName: string, cacheKey: string, notBefore: number): Promise<StepRecord | undefined>;
}
