import type { AlarmService } from '../alarms/index.js';
import type { DeploymentService } from '../deploy/index.js';
import type { RuleService } from '../events/index.js';
import type { PipelineService } from '../pipeline/index.js';
import type { ProjectPlatform, ProjectRecord } from '../project/index.js';
import type { ModelRegistry } from '../registry/index.js';
import type { MonitoringScheduleService } from '../scheduler/index.js';
import type { EndpointService } from '../serving/index.js';

export interface ProjectPlatformDeps {
  readonly registry: ModelRegistry;
  readonly pipelines: PipelineService;
  readonly rules: RuleService;
  readonly deployments: DeploymentService;
  readonly endpoints: EndpointService;
  readonly monitoring: MonitoringScheduleService;
  readonly alarms: AlarmService;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Not found (of anything) is "absent"; other errors go up. */
async function found<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    if ((err as { code?: string }).code === 'not_found') return undefined;
    throw err;
  }
}

/** The project template's view of the registry, pipelines, rules, deployments, endpoints, monitoring and alarms. */
export function projectPlatform(d: ProjectPlatformDeps): ProjectPlatform {
  return {
    groupExists: async (name) => (await found(() => d.registry.getGroup(name))) !== undefined,
    pipelineExists: async (name) => (await found(() => d.pipelines.get(name))) !== undefined,
    ruleExists: async (name) => (await found(() => d.rules.describeRule(name))) !== undefined,
    createGroup: async (name, tags) => {
      await d.registry.createGroup({ name, description: `driftline project ${name}`, tags });
    },
    upsertPipeline: async (name, definition, description) => {
      await d.pipelines.upsert(name, definition, description);
    },
    putPipelineRule: async (rule, pipelineName, trainingData) => {
      await d.rules.putRule({
        name: rule.name,
        ...(rule.eventPattern === undefined ? {} : { eventPattern: rule.eventPattern }),
        ...(rule.scheduleExpression === undefined ? {} : { scheduleExpression: rule.scheduleExpression }),
        description: rule.description,
      });
      await d.rules.putTargets(rule.name, [{ id: 'start-build', kind: 'pipeline', pipelineName, ...(trainingData ? { trainingData } : {}) }]);
    },
    deleteRule: (name) => d.rules.deleteRule(name, true),
    status: (p) => projectStatus(d, p),
  };
}

async function projectStatus(d: ProjectPlatformDeps, p: ProjectRecord): Promise<Record<string, unknown>> {
  const group = await found(() => d.registry.getGroup(p.modelPackageGroupName));
  const versions = group ? (await d.registry.listVersions(p.modelPackageGroupName, { order: 'desc', limit: 1000 })).items : [];
  const latestApproved = group ? await d.registry.latestApproved(p.modelPackageGroupName) : undefined;
  const pipeline = await found(() => d.pipelines.get(p.buildPipelineName));
  const execution = pipeline ? (await d.pipelines.executions({ pipelineName: p.buildPipelineName }, { limit: 1 })).items[0] : undefined;
  const deployment = (await d.deployments.list({ group: p.modelPackageGroupName, limit: 1 })).items[0];
  const endpoints = [];
  for (const stage of ['staging', 'prod']) {
    const name = `${p.modelPackageGroupName}-${stage}`;
    const e = await found(() => d.endpoints.getEndpoint(name));
    endpoints.push({ stage, name, status: e?.status ?? 'absent' });
  }
  const schedule = await found(() => d.monitoring.get(p.driftAlarmName));
  const alarm = await found(() => d.alarms.get(p.driftAlarmName));
  const mqName = p.modelQualityAlarmName ?? `${p.modelPackageGroupName}-prod-model-quality`;
  const mqSchedule = await found(() => d.monitoring.get(mqName));
  const mqAlarm = await found(() => d.alarms.get(mqName));
  const rule = async (name: string) => {
    const r = await found(() => d.rules.describeRule(name));
    return r
      ? {
          name,
          state: r.state,
          ...(r.scheduleExpression ? { scheduleExpression: r.scheduleExpression } : {}),
          ...(r.eventPattern ? { eventPattern: JSON.parse(r.eventPattern) as unknown } : {}),
          ...(r.nextFireAt === undefined ? {} : { nextFireAt: iso(r.nextFireAt) }),
          targets: r.targets.map((t) => (t.kind === 'pipeline' ? `pipeline ${t.pipelineName}` : t.kind)),
        }
      : { name, state: 'absent' };
  };
  return {
    modelPackageGroup: group
      ? {
          name: group.name,
          versions: versions.length,
          latestVersion: versions[0] ? { version: versions[0].version, approvalStatus: versions[0].approvalStatus } : undefined,
          latestApproved: latestApproved?.version,
        }
      : { name: p.modelPackageGroupName, state: 'absent' },
    buildPipeline: pipeline
      ? {
          name: pipeline.name,
          latestVersion: pipeline.latestVersion,
          latestExecution: execution
            ? { id: execution.id, status: execution.status, pipelineVersion: execution.pipelineVersion, createdAt: iso(execution.createdAt) }
            : undefined,
        }
      : { name: p.buildPipelineName, state: 'absent' },
    deployment: {
      stageConfigs: { staging: p.repositories.deploy.stagingConfig, prod: p.repositories.deploy.prodConfig },
      latestExecution: deployment
        ? { id: deployment.id, version: deployment.version, status: deployment.status, stages: deployment.stages.map((s) => `${s.name}:${s.status}`) }
        : undefined,
      endpoints,
    },
    monitoring: schedule ? { schedule: schedule.name, status: schedule.status, nextFireAt: iso(schedule.nextFireAt) } : undefined,
    alarm: alarm ? { name: alarm.definition.AlarmName, state: alarm.state, since: iso(alarm.stateUpdatedAt) } : undefined,
    modelQuality: mqSchedule
      ? {
          schedule: mqSchedule.name,
          status: mqSchedule.status,
          nextFireAt: iso(mqSchedule.nextFireAt),
          ...(mqAlarm
            ? {
                alarm: {
                  name: mqAlarm.definition.AlarmName,
                  state: mqAlarm.state,
                  threshold: mqAlarm.definition.Threshold,
                  since: iso(mqAlarm.stateUpdatedAt),
                },
              }
            : {}),
        }
      : undefined,
    rules: { retrain: await rule(p.retrainRuleName), drift: await rule(p.driftRuleName) },
  };
}
