import { oneLine } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import {
  deliverWebhook,
  type CapturedTrainingData,
  type EventEnvelope,
  type HttpSender,
  type RuleRecord,
  type RuleTarget,
  type RuleTargetRunner,
} from '../events/index.js';
import type { PipelineService } from '../pipeline/index.js';
import type { ModelRegistry } from '../registry/index.js';
import type { DeploymentService } from '../deploy/index.js';
import { FailedPreconditionError } from '../core/errors.js';

/**
 * Runs rule targets in this process. A pipeline target is delivered once its execution is created
 * (StartPipelineExecution); the execution then runs in the background, owned by this process
 * (`settled()` waits for those runs; if the process ends first, `pipeline resume` takes them over).
 * A pipeline target starts nothing while an execution of its pipeline runs (the sample's guard).
 * A webhook target is a signed POST through the HTTP sender; a deployment target starts the
 * deployment pipeline of the group's latest Approved version.
 */
export class AppRuleTargetRunner implements RuleTargetRunner {
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: {
      readonly pipelines: () => PipelineService;
      readonly registry: () => ModelRegistry;
      readonly deployments: () => DeploymentService;
      readonly sender: HttpSender;
      readonly logger: Logger;
      /** Exports an endpoint's labelled traffic for a retraining (`undefined` uri: too few rows, train on the raw files). */
      readonly capturedData?: (t: CapturedTrainingData, eventId: string) => Promise<{ readonly uri?: string; readonly rows: number; readonly to: string }>;
    },
  ) {}

  async run(target: RuleTarget, event: EventEnvelope, rule: RuleRecord): Promise<void> {
    if (target.kind === 'webhook') return deliverWebhook(this.deps.sender, target, event);
    if (target.kind === 'deployment') {
      // As the sample's deploy CodePipeline: always the group's latest Approved version.
      const latest = await this.deps.registry().latestApproved(target.group);
      if (!latest) throw new FailedPreconditionError(`model package group '${target.group}' has no Approved version to deploy`);
      const d = await this.deps.deployments().start({ group: target.group, version: latest.version, trigger: `rule ${rule.name} (event ${event.id})` });
      this.deps.logger.info('rule started deployment', { rule: rule.name, eventId: event.id, deployment: d.id, group: target.group, version: latest.version });
      return;
    }
    const pipelines = this.deps.pipelines();
    // The sample's guard: no second execution of a pipeline while one runs (a drift alarm, a
    // model-quality alarm and the monthly schedule can all fire during one retraining). An execution
    // whose process is gone does not count: `pipeline resume` or the next server takes it over.
    const running = (await pipelines.executions({ pipelineName: target.pipelineName, status: 'Executing' }, { limit: 50 })).items;
    if (running.length > 0) {
      const orphaned = new Set((await pipelines.interrupted()).map((e) => e.id));
      const live = running.find((e) => !orphaned.has(e.id));
      if (live) {
        this.deps.logger.info('pipeline already running: rule target skipped', {
          rule: rule.name,
          eventId: event.id,
          pipeline: target.pipelineName,
          execution: live.id,
        });
        return;
      }
    }
    let parameters = target.parameters;
    if (target.trainingData && this.deps.capturedData) {
      // Exported under the event's id: a second delivery of the same event rewrites the same file.
      const data = await this.deps.capturedData(target.trainingData, event.id);
      // InputSource records where the data ends: the champion/challenger gate compares on later traffic only.
      if (data.uri) parameters = { ...parameters, InputDataUrl: data.uri, InputSource: `capture:${target.trainingData.endpointName} until ${data.to}` };
      this.deps.logger.info(data.uri ? 'retraining on captured data' : 'too few labelled rows captured: retraining on the raw files', {
        rule: rule.name,
        endpoint: target.trainingData.endpointName,
        rows: data.rows,
        minimumRows: target.trainingData.minimumRows,
      });
    }
    const execution = await pipelines.create(target.pipelineName, { parameters });
    this.deps.logger.info('rule started pipeline execution', { rule: rule.name, eventId: event.id, pipeline: target.pipelineName, execution: execution.id });
    const run = pipelines
      .resumeOwned(execution.id)
      .catch((err: unknown) => this.deps.logger.error('pipeline execution started by a rule failed to run', { execution: execution.id, error: oneLine(err) }))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once every pipeline execution started here has finished running. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
