import type { Clock } from '../core/clock.js';
import { AppError, FailedPreconditionError, isAppError, oneLine } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Page } from '../core/paging.js';
import type { EventEnvelope } from '../events/index.js';
import { MODEL_PACKAGE_STATE_CHANGE, type ModelPackage, type ModelPackageStateChangeDetail, type ModelRegistry } from '../registry/index.js';
import type { DeployModelInput, EndpointRecord } from '../serving/index.js';
import type { DeploymentQuery, DeploymentStore } from './deployment-store.js';
import { DEFAULT_APPROVAL_TIMEOUT_MS, SAMPLE_PROD_CONFIG, SAMPLE_STAGING_CONFIG } from './stage-configs.js';
import type { DeploymentRecord, MetricAlarmDefinition, MonitoringScheduleDefinition, StageConfig, StageName, StageRecord } from './types.js';

/** What the deployment pipeline needs of the endpoints' control plane. */
export interface DeployTarget {
  deployModel(input: DeployModelInput): Promise<{ endpoint: EndpointRecord; config: { EndpointConfigName: string } }>;
  getEndpoint(name: string): Promise<EndpointRecord>;
}

/** Where the production stage puts its drift alarm (CloudWatch's PutMetricAlarm: `alarms/`). */
export interface AlarmRegistrar {
  putMetricAlarm(definition: MetricAlarmDefinition): Promise<unknown>;
}

/** Where the production stage puts its monitoring schedule (CreateMonitoringSchedule: `scheduler/`). */
export interface ScheduleRegistrar {
  putSchedule(input: {
    name: string;
    endpointName: string;
    scheduleExpression: string;
    baselineStatisticsUri: string;
    baselineConstraintsUri: string;
    monitoringType?: 'DataQuality' | 'ModelQuality';
    modelQuality?: {
      problemType: 'Regression';
      inferenceAttribute: string;
      groundTruthUri: string;
      startTimeOffset?: string;
      endTimeOffset?: string;
      minimumRecords?: number;
    };
  }): Promise<unknown>;
}

/** What the production stage needs to set up model-quality monitoring. */
export interface ModelQualityPorts {
  /** The version's model-quality baseline values (rmse, r2…), for a threshold relative to them. */
  baselineMetrics(pkg: ModelPackage): Promise<Readonly<Record<string, number>> | undefined>;
  /** The endpoint's ground-truth location (where `ground-truth put` and the API write). */
  groundTruthUriOf(endpointName: string): string;
}

export interface DeploymentServiceDeps {
  readonly store: DeploymentStore;
  /** Absent: the schedule is only recorded in the stage history. */
  readonly monitoring?: ScheduleRegistrar;
  /** Absent: the alarm is only recorded in the stage history. */
  readonly alarms?: AlarmRegistrar;
  /** Absent: no model-quality schedule is created. */
  readonly modelQuality?: ModelQualityPorts;
  readonly endpoints: DeployTarget;
  readonly registry: Pick<ModelRegistry, 'describe' | 'getGroup'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

export interface StartDeploymentInput {
  readonly group: string;
  readonly version: number;
  readonly stagingConfig?: StageConfig;
  readonly prodConfig?: StageConfig;
  readonly approvalTimeoutMs?: number;
  readonly trigger?: string;
}

/** A group tag that turns off deployment on approval (`driftline registry` groups carry tags). */
export const AUTO_DEPLOY_TAG = 'driftline:auto-deploy';
/** The variant name the sample's stacks use. */
export const SAMPLE_VARIANT = 'LatestApproved';

/**
 * The sample's deployment pipeline: DeployStaging (1 instance) → ManualApproval (approve or reject,
 * with a comment, before a timeout) → DeployProd (2 instances, autoscaling 2-4, capture 100%, and
 * the monitoring schedule and drift alarm recorded for the scheduler). Started when a version
 * becomes Approved; a newer approval supersedes an execution still waiting; a rejected execution
 * never reaches production. `tick()` (run by the server) moves executions on as endpoints come
 * InService and approvals time out; every write is fenced by the execution's revision.
 */
export class DeploymentService {
  constructor(private readonly deps: DeploymentServiceDeps) {}

  /** The event handler: a version that becomes Approved starts a deployment (unless its group opts out). */
  async onEvent(event: EventEnvelope): Promise<void> {
    if (event['detail-type'] !== MODEL_PACKAGE_STATE_CHANGE) return;
    const detail = event.detail as ModelPackageStateChangeDetail;
    if (detail.ModelApprovalStatus !== 'Approved') return;
    const group = await this.deps.registry.getGroup(detail.ModelPackageGroupName);
    if (group.tags[AUTO_DEPLOY_TAG] === 'false') return;
    await this.start({ group: detail.ModelPackageGroupName, version: detail.ModelPackageVersion, trigger: `approval of ${detail.ModelPackageName}` });
  }

  async start(input: StartDeploymentInput): Promise<DeploymentRecord> {
    const pkg = await this.deps.registry.describe(input.group, input.version);
    if (pkg.approvalStatus !== 'Approved')
      throw new FailedPreconditionError(`model package ${pkg.name} is ${pkg.approvalStatus}: only Approved versions are deployed`);
    const now = this.deps.clock.now();
    const id = this.deps.ids('deploy');
    for (const d of (await this.deps.store.listDeployments({ group: pkg.group, status: 'InProgress', limit: 1000 })).items) {
      await this.update(d.id, (cur) => this.supersede(cur, pkg, id));
    }
    const record: DeploymentRecord = {
      id,
      group: pkg.group,
      version: pkg.version,
      modelPackageArn: pkg.arn,
      status: 'InProgress',
      stages: [
        { name: 'DeployStaging', status: 'Pending' },
        { name: 'ManualApproval', status: 'Pending' },
        { name: 'DeployProd', status: 'Pending' },
      ],
      trigger: input.trigger ?? 'manual',
      revision: 1,
      createdAt: now,
      updatedAt: now,
      stagingConfig: input.stagingConfig ?? SAMPLE_STAGING_CONFIG,
      prodConfig: input.prodConfig ?? SAMPLE_PROD_CONFIG,
      approvalTimeoutMs: input.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
    };
    await this.deps.store.insertDeployment(record);
    this.deps.logger.info('deployment started', { deployment: id, modelPackage: pkg.name });
    return this.update(id, (cur) => this.deployStage(cur, 'DeployStaging', pkg, cur.stagingConfig));
  }

  get(id: string): Promise<DeploymentRecord> {
    return this.deps.store.getDeployment(id);
  }

  list(query?: DeploymentQuery): Promise<Page<DeploymentRecord>> {
    return this.deps.store.listDeployments(query);
  }

  /** ManualApproval: approve, then DeployProd. Only while the approval waits; never for a version rejected since. */
  async approve(id: string, decision: { by: string; comment?: string }): Promise<DeploymentRecord> {
    return this.update(id, async (cur) => {
      const waiting = this.waitingApproval(cur);
      const now = this.deps.clock.now();
      if (waiting.deadline !== undefined && now > waiting.deadline) return this.failStage(cur, 'ManualApproval', this.timeoutMessage(cur));
      const pkg = await this.deps.registry.describe(cur.group, cur.version);
      if (pkg.approvalStatus !== 'Approved')
        return this.failStage(
          cur,
          'ManualApproval',
          `model package ${pkg.name} is ${pkg.approvalStatus} in the registry now: it is not deployed to production`,
        );
      const approved = this.setStage(cur, 'ManualApproval', {
        status: 'Succeeded',
        endedAt: now,
        actor: decision.by,
        ...(decision.comment ? { comment: decision.comment } : {}),
        message: `approved by ${decision.by}`,
      });
      return this.deployStage(approved, 'DeployProd', pkg, cur.prodConfig);
    });
  }

  /** ManualApproval: reject; the execution ends Rejected and production is left as it is. */
  async reject(id: string, decision: { by: string; comment?: string }): Promise<DeploymentRecord> {
    return this.update(id, async (cur) => {
      this.waitingApproval(cur);
      const now = this.deps.clock.now();
      const rejected = this.setStage(cur, 'ManualApproval', {
        status: 'Rejected',
        endedAt: now,
        actor: decision.by,
        ...(decision.comment ? { comment: decision.comment } : {}),
        message: `rejected by ${decision.by}`,
      });
      return { ...this.setStage(rejected, 'DeployProd', { status: 'Abandoned', message: 'not deployed: the approval was rejected' }), status: 'Rejected' };
    });
  }

  /** Moves every execution in progress on: endpoints that came InService (or failed), approvals that timed out. */
  async tick(): Promise<void> {
    for (const d of (await this.deps.store.listDeployments({ status: 'InProgress', limit: 1000 })).items) {
      try {
        await this.update(d.id, (cur) => this.advance(cur));
      } catch (err) {
        this.deps.logger.warn('deployment could not move on', { deployment: d.id, error: oneLine(err) });
      }
    }
  }

  private async advance(cur: DeploymentRecord): Promise<DeploymentRecord> {
    if (cur.status !== 'InProgress') return cur;
    const now = this.deps.clock.now();
    const active = cur.stages.find((s) => s.status === 'InProgress');
    if (!active) return cur;
    if (active.name === 'ManualApproval') {
      return active.deadline !== undefined && now > active.deadline ? this.failStage(cur, 'ManualApproval', this.timeoutMessage(cur)) : cur;
    }
    const state = await this.endpointState(active);
    if (state.kind === 'waiting') return cur;
    if (state.kind === 'failed') return this.failStage(cur, active.name, state.reason);
    const done = this.setStage(cur, active.name, { status: 'Succeeded', endedAt: now, message: `endpoint ${active.endpointName} is InService` });
    if (active.name === 'DeployProd') return { ...done, status: 'Succeeded' };
    return this.setStage(done, 'ManualApproval', {
      status: 'InProgress',
      startedAt: now,
      deadline: now + cur.approvalTimeoutMs,
      message: `waiting for approval: driftline deploy approve ${cur.id}`,
    });
  }

  private async endpointState(stage: StageRecord): Promise<{ kind: 'waiting' } | { kind: 'in_service' } | { kind: 'failed'; reason: string }> {
    let e: EndpointRecord;
    try {
      e = await this.deps.endpoints.getEndpoint(stage.endpointName!);
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') return { kind: 'failed', reason: `endpoint ${stage.endpointName} was deleted` };
      throw err;
    }
    const generation = stage.endpointGeneration ?? 0;
    if (e.configName === stage.endpointConfigName && e.status === 'InService' && e.servedGeneration >= generation) return { kind: 'in_service' };
    if (e.status === 'Failed' && e.generation === generation)
      return { kind: 'failed', reason: `endpoint ${e.name} failed: ${e.failureReason ?? 'no reason given'}` };
    if (e.generation > generation && e.configName !== stage.endpointConfigName)
      return {
        kind: 'failed',
        reason: e.failureReason
          ? `endpoint ${e.name} did not take config ${stage.endpointConfigName}: ${e.failureReason}`
          : `endpoint ${e.name} was moved to another config (${e.configName}) before it served this one`,
      };
    return { kind: 'waiting' };
  }

  private async deployStage(cur: DeploymentRecord, stage: 'DeployStaging' | 'DeployProd', pkg: ModelPackage, config: StageConfig): Promise<DeploymentRecord> {
    const now = this.deps.clock.now();
    const endpointName = endpointNameFor(cur.group, config.stage_name);
    const version = config.model_package_version ?? pkg.version;
    const schedule = config.schedule_config;
    const scaling = config.auto_scaling;
    try {
      const { endpoint, config: epConfig } = await this.deps.endpoints.deployModel({
        endpointName,
        modelPackage: `${pkg.group}/${version}`,
        variantName: SAMPLE_VARIANT,
        instances: config.instance_count,
        instanceType: config.instance_type,
        ...(scaling
          ? {
              autoScaling: {
                MinCapacity: scaling.min_capacity,
                MaxCapacity: scaling.max_capacity,
                ...(scaling.target_value === undefined ? {} : { TargetValue: scaling.target_value }),
                ...(scaling.scale_in_cooldown === undefined ? {} : { ScaleInCooldown: scaling.scale_in_cooldown }),
                ...(scaling.scale_out_cooldown === undefined ? {} : { ScaleOutCooldown: scaling.scale_out_cooldown }),
              },
            }
          : {}),
        ...(schedule ? { capturePercent: schedule.data_capture_sampling_percentage } : {}),
        tags: { 'sagemaker:deployment-stage': config.stage_name, 'sagemaker:project-name': pkg.group },
      });
      const alarm = schedule ? alarmFor(endpointName, schedule) : undefined;
      const monitor = schedule ? monitoringScheduleFor(endpointName, schedule.schedule_expression, pkg) : undefined;
      // The schedule checks against this version's baseline (an update moves it to the new one).
      if (monitor?.BaselineStatisticsUri && monitor.BaselineConstraintsUri)
        await this.deps.monitoring?.putSchedule({
          name: monitor.MonitoringScheduleName,
          endpointName,
          scheduleExpression: monitor.ScheduleExpression,
          baselineStatisticsUri: monitor.BaselineStatisticsUri,
          baselineConstraintsUri: monitor.BaselineConstraintsUri,
        });
      if (alarm) await this.deps.alarms?.putMetricAlarm(alarm);
      const mq = await this.modelQualityMonitoring(endpointName, config, pkg);
      if (mq) {
        await this.deps.monitoring?.putSchedule({
          name: mq.schedule.MonitoringScheduleName,
          endpointName,
          scheduleExpression: mq.schedule.ScheduleExpression,
          baselineStatisticsUri: mq.schedule.BaselineStatisticsUri ?? '',
          baselineConstraintsUri: mq.schedule.BaselineConstraintsUri!,
          monitoringType: 'ModelQuality',
          modelQuality: {
            problemType: 'Regression',
            inferenceAttribute: '0',
            groundTruthUri: mq.schedule.GroundTruthS3Uri!,
            ...(mq.schedule.StartTimeOffset ? { startTimeOffset: mq.schedule.StartTimeOffset } : {}),
            ...(mq.schedule.EndTimeOffset ? { endTimeOffset: mq.schedule.EndTimeOffset } : {}),
            ...(mq.schedule.MinimumRecords ? { minimumRecords: mq.schedule.MinimumRecords } : {}),
          },
        });
        await this.deps.alarms?.putMetricAlarm(mq.alarm);
      }
      return this.setStage(cur, stage, {
        status: 'InProgress',
        startedAt: now,
        endpointName,
        endpointConfigName: epConfig.EndpointConfigName,
        endpointGeneration: endpoint.generation,
        message: `deploying ${pkg.group}/${version} to endpoint ${endpointName} (${config.instance_count} instance${config.instance_count === 1 ? '' : 's'})`,
        ...(schedule
          ? { monitoringSchedule: monitoringScheduleFor(endpointName, schedule.schedule_expression, pkg), alarm: alarmFor(endpointName, schedule) }
          : {}),
        ...(mq ? { modelQualitySchedule: mq.schedule, modelQualityAlarm: mq.alarm } : {}),
      });
    } catch (err) {
      if (isAppError(err) && err.code === 'unavailable') throw err;
      return this.failStage(this.setStage(cur, stage, { status: 'InProgress', startedAt: now, endpointName }), stage, oneLine(err));
    }
  }

  /** The model-quality schedule and alarm of a stage with `model_quality_config`, when the version has a model-quality baseline. */
  private async modelQualityMonitoring(
    endpointName: string,
    config: StageConfig,
    pkg: ModelPackage,
  ): Promise<{ schedule: MonitoringScheduleDefinition; alarm: MetricAlarmDefinition } | undefined> {
    const mq = config.model_quality_config;
    const baseline = pkg.driftCheckBaselines.ModelQuality ?? pkg.modelMetrics.ModelQuality;
    const ports = this.deps.modelQuality;
    if (!mq || !ports || !baseline?.Constraints) return undefined;
    let threshold = mq.metric_threshold;
    if (threshold === undefined) {
      const value = (await ports.baselineMetrics(pkg))?.[mq.metric_name];
      if (value === undefined) return undefined; // nothing to set a relative threshold from
      const ratio = mq.threshold_ratio ?? 1.25;
      threshold = mq.metric_name === 'r2' ? value / ratio : value * ratio;
    }
    const name = `${endpointName}-model-quality`.slice(0, 63);
    const schedule: MonitoringScheduleDefinition = {
      MonitoringScheduleName: name,
      EndpointName: endpointName,
      ScheduleExpression: mq.schedule_expression,
      MonitoringType: 'ModelQuality',
      ...(baseline.Statistics ? { BaselineStatisticsUri: baseline.Statistics.S3Uri } : {}),
      BaselineConstraintsUri: baseline.Constraints.S3Uri,
      GroundTruthS3Uri: ports.groundTruthUriOf(endpointName),
      ...(mq.start_time_offset ? { StartTimeOffset: mq.start_time_offset } : {}),
      ...(mq.end_time_offset ? { EndTimeOffset: mq.end_time_offset } : {}),
      MinimumRecords: mq.minimum_records ?? 200,
    };
    const alarm = scheduleAlarm(endpointName, name, {
      description: `Model quality: ${mq.metric_name} of the predictions against their ground truth`,
      namespace: 'aws/sagemaker/Endpoints/model-metrics',
      metric: mq.metric_name,
      period: mq.period,
      threshold,
      operator: mq.metric_name === 'r2' ? 'LessThanThreshold' : 'GreaterThanThreshold',
    });
    return { schedule, alarm };
  }

  private supersede(cur: DeploymentRecord, by: ModelPackage, byId: string): DeploymentRecord {
    if (cur.status !== 'InProgress') return cur;
    const active = cur.stages.find((s) => s.status === 'InProgress' || s.status === 'Pending');
    if (active?.name === 'DeployProd' && active.status === 'InProgress') return cur; // already going to production: let it finish
    const now = this.deps.clock.now();
    const message = `superseded by ${by.name} (deployment ${byId})`;
    const stages = cur.stages.map((s) =>
      s.status === 'InProgress'
        ? { ...s, status: 'Superseded' as const, endedAt: now, message }
        : s.status === 'Pending'
          ? { ...s, status: 'Abandoned' as const }
          : s,
    );
    return { ...cur, stages, status: 'Superseded', failureReason: message };
  }

  private waitingApproval(cur: DeploymentRecord): StageRecord {
    const stage = cur.stages.find((s) => s.name === 'ManualApproval')!;
    if (cur.status !== 'InProgress' || stage.status !== 'InProgress') {
      const active = cur.stages.find((s) => s.status === 'InProgress');
      throw new FailedPreconditionError(
        cur.status !== 'InProgress'
          ? `deployment ${cur.id} is ${cur.status}: nothing waits for approval`
          : `deployment ${cur.id} is not waiting for approval: ${active ? `${active.name} is in progress (${active.message ?? ''})` : 'no stage is in progress'}`,
      );
    }
    return stage;
  }

  private timeoutMessage(cur: DeploymentRecord): string {
    return `the approval timed out after ${formatDuration(cur.approvalTimeoutMs)}`;
  }

  private setStage(cur: DeploymentRecord, name: StageName, patch: Partial<StageRecord>): DeploymentRecord {
    return { ...cur, stages: cur.stages.map((s) => (s.name === name ? { ...s, ...patch, name } : s)) };
  }

  private failStage(cur: DeploymentRecord, name: StageName, reason: string): DeploymentRecord {
    const now = this.deps.clock.now();
    const failed = this.setStage(cur, name, { status: 'Failed', endedAt: now, message: reason });
    const stages = failed.stages.map((s) => (s.status === 'Pending' ? { ...s, status: 'Abandoned' as const } : s));
    this.deps.logger.warn('deployment failed', { deployment: cur.id, stage: name, reason });
    return { ...failed, stages, status: 'Failed', failureReason: `${name}: ${reason}` };
  }

  /** Reads, decides and writes at the next revision; on a lost race reads again and decides again. */
  private async update(id: string, decide: (cur: DeploymentRecord) => DeploymentRecord | Promise<DeploymentRecord>): Promise<DeploymentRecord> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await this.deps.store.getDeployment(id);
      const next = await decide(cur);
      if (next === cur) return cur;
      const stored = await this.deps.store.replaceDeployment({ ...next, revision: cur.revision + 1, updatedAt: this.deps.clock.now() });
      if (stored) return stored;
    }
    throw new AppError('conflict', `deployment ${id} kept changing while it was being updated: try again`);
  }
}

/** `<group>-<stage>` (the sample: `sagemaker-<project>-<stage>`), cut to SageMaker's 63 characters. */
export function endpointNameFor(group: string, stage: string): string {
  const suffix = `-${stage.replace(/[^a-zA-Z0-9-]/g, '-')}`;
  return `${group.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

function monitoringScheduleFor(endpointName: string, expression: string, pkg: ModelPackage): MonitoringScheduleDefinition {
  const baseline = pkg.driftCheckBaselines.ModelDataQuality;
  return {
    MonitoringScheduleName: `${endpointName}-threshold`.slice(0, 63),
    EndpointName: endpointName,
    ScheduleExpression: expression,
    ...(baseline?.Statistics ? { BaselineStatisticsUri: baseline.Statistics.S3Uri } : {}),
    ...(baseline?.Constraints ? { BaselineConstraintsUri: baseline.Constraints.S3Uri } : {}),
  };
}

function alarmFor(endpointName: string, s: NonNullable<StageConfig['schedule_config']>): MetricAlarmDefinition {
  return scheduleAlarm(endpointName, `${endpointName}-threshold`.slice(0, 63), {
    description: 'Schedule Drift Threshold',
    namespace: 'aws/sagemaker/Endpoints/data-metrics',
    metric: s.metric_name,
    period: s.period,
    threshold: s.metric_threshold,
    operator: 'GreaterThanThreshold',
  });
}

/** An alarm on one metric a monitoring schedule of the endpoint publishes (its name is the schedule's), 1 of 1 periods, missing data kept missing. */
function scheduleAlarm(
  endpointName: string,
  schedule: string,
  a: { description: string; namespace: string; metric: string; period: number; threshold: number; operator: MetricAlarmDefinition['ComparisonOperator'] },
): MetricAlarmDefinition {
  return {
    AlarmName: schedule,
    AlarmDescription: a.description,
    Namespace: a.namespace,
    MetricName: a.metric,
    Dimensions: [
      { Name: 'Endpoint', Value: endpointName },
      { Name: 'MonitoringSchedule', Value: schedule },
    ],
    Statistic: 'Average',
    Period: a.period,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    Threshold: a.threshold,
    ComparisonOperator: a.operator,
    TreatMissingData: 'missing',
  };
}

function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day${ms === 86_400_000 ? '' : 's'}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
