import type { Logger } from '../core/logger.js';
import type { StepDefinition } from './definition.js';
import type { JobLauncher } from './job-launcher.js';
import type { ModelRegistrar } from './model-registrar.js';
import type { StepWorkspace } from './step-workspace.js';

/** Everything a step executor gets for one attempt. */
export interface StepContext {
  readonly pipelineName: string;
  readonly executionId: string;
  readonly executionArn: string;
  readonly def: StepDefinition;
  /** The step's arguments with every expression resolved. */
  readonly args: Readonly<Record<string, unknown>>;
  /** The step-level expressions, resolved (QualityCheck's ModelPackageGroupName and supplied baselines). */
  readonly extras: {
    readonly modelPackageGroupName?: string;
    readonly suppliedStatistics?: string;
    readonly suppliedConstraints?: string;
    /** QualityCheck: the earlier baseline it checks against (SkipCheck false) or keeps (RegisterNewBaseline false): the supplied one, or the group's latest Approved version's, fetched before the cache key is computed. */
    readonly checkBaseline?: { readonly statistics: string; readonly constraints: string };
  };
  readonly attempt: number;
  readonly jobName: string;
  readonly signal: AbortSignal;
  /** The artifact key prefix for this step in this execution: `pipelines/<pipeline>/<execution>/<step>`. */
  readonly keyPrefix: string;
  readonly deps: StepExecutorDeps;
}

/** What executors use from outside. */
export interface StepExecutorDeps {
  readonly workspace: StepWorkspace;
  readonly launcher: JobLauncher;
  readonly registrar: ModelRegistrar;
  readonly logger: Logger;
  readonly now: () => number;
  /** driftline's code version (release + build hash): part of every step's cache key; computed on first use. */
  readonly codeVersion: () => string;
}

/** What a successful step leaves behind. */
export interface StepResult {
  /** The Describe*-shaped document `Get` references read. */
  readonly properties: Record<string, unknown>;
  /** Shown by describe-execution (job name, log URI, datasets, model package…). */
  readonly metadata: Record<string, unknown>;
}
