import type { Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import { eventTime, makeEvent, type EventBus } from '../events/index.js';
import type { ExecutionStatus } from './definition.js';
import type { ExecutionRecord, StepRecord } from './pipeline-store.js';

export const PIPELINE_EXECUTION_STATUS_CHANGE = 'SageMaker Model Building Pipeline Execution Status Change';
export const PIPELINE_STEP_STATUS_CHANGE = 'SageMaker Model Building Pipeline Execution Step Status Change';

const pipelineArnOf = (e: ExecutionRecord) => e.arn.replace(/\/execution\/[^/]+$/, '');

/** Publishes SageMaker's pipeline execution and step status-change events (reference §8.4). */
export class PipelineEvents {
  constructor(private readonly deps: { events: EventBus; clock: Clock; ids: IdGenerator }) {}

  async execution(e: ExecutionRecord, previous: ExecutionStatus | undefined): Promise<void> {
    const detail = {
      pipelineArn: pipelineArnOf(e),
      pipelineExecutionArn: e.arn,
      pipelineExecutionDisplayName: e.displayName,
      currentPipelineExecutionStatus: e.status,
      ...(previous ? { previousPipelineExecutionStatus: previous } : {}),
      executionStartTime: eventTime(e.createdAt),
      ...(e.endedAt ? { executionEndTime: eventTime(e.endedAt) } : {}),
      ...(e.failureReason ? { failureReason: e.failureReason } : {}),
    };
    await this.deps.events.publish(
      makeEvent('aws.sagemaker', PIPELINE_EXECUTION_STATUS_CHANGE, [pipelineArnOf(e), e.arn], detail, this.deps.clock, this.deps.ids),
    );
  }

  async step(e: ExecutionRecord, s: StepRecord, previous: StepRecord['status'] | undefined): Promise<void> {
    const detail = {
      pipelineArn: pipelineArnOf(e),
      pipelineExecutionArn: e.arn,
      stepName: s.name,
      stepType: s.type,
      currentStepStatus: s.status,
      ...(previous ? { previousStepStatus: previous } : {}),
      ...(s.startedAt ? { stepStartTime: eventTime(s.startedAt) } : {}),
      ...(s.endedAt ? { stepEndTime: eventTime(s.endedAt) } : {}),
      metadata: s.metadata,
      ...(s.cacheHit ? { cacheHitResult: { sourcePipelineExecutionArn: s.cacheHit.sourceExecutionArn } } : {}),
      ...(s.failureReason && s.status === 'Failed' ? { failureReason: s.failureReason } : {}),
    };
    await this.deps.events.publish(makeEvent('aws.sagemaker', PIPELINE_STEP_STATUS_CHANGE, [pipelineArnOf(e), e.arn], detail, this.deps.clock, this.deps.ids));
  }
}
