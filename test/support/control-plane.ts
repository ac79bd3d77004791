import { ManualClock } from '../../src/core/clock.js';
import { noopLogger } from '../../src/core/logger.js';
import { AlarmService } from '../../src/alarms/index.js';
import { DeploymentService, type ModelQualityPorts, type ScheduleRegistrar } from '../../src/deploy/index.js';
import { InProcessEventBus } from '../../src/events/index.js';
import { ModelRegistry } from '../../src/registry/index.js';
import { EndpointService, type ModelArtifacts } from '../../src/serving/index.js';
import { openMetadataStore } from '../../src/store/index.js';

/** `file://x` as the local path `x`: model files and capture folders need not exist for control-plane tests. */
export const PATH_OF_URI: ModelArtifacts = {
  localModelPath: async (uri) => uri.slice('file://'.length),
  localCaptureFolder: (uri) => uri.slice('file://'.length),
};

/**
 * The control plane on an in-memory store with a manual clock and numbered ids: registry, endpoints
 * and the deployment pipeline, wired as `createApp` wires them (an approval starts a deployment).
 */
export async function controlPlane(options: { models?: ModelArtifacts; at?: number; modelQuality?: ModelQualityPorts; monitoring?: ScheduleRegistrar } = {}) {
  const meta = await openMetadataStore('memory:');
  const clock = new ManualClock(options.at ?? Date.UTC(2026, 11, 3, 9));
  let n = 0;
  const ids = (p: string) => `${p}-${++n}`;
  const events = new InProcessEventBus(noopLogger);
  const registry = new ModelRegistry({ store: meta.registry, events, clock, ids, logger: noopLogger });
  const endpoints = new EndpointService({
    store: meta.endpoints,
    registry,
    models: options.models ?? PATH_OF_URI,
    clock,
    logger: noopLogger,
    defaultCaptureUri: 'file:///capture',
  });
  const alarms = new AlarmService({ store: meta.alarms, metrics: meta.metrics, events, clock, ids, logger: noopLogger });
  const deployments = new DeploymentService({
    store: meta.deployments,
    endpoints,
    registry,
    alarms,
    ...(options.modelQuality ? { modelQuality: options.modelQuality } : {}),
    ...(options.monitoring ? { monitoring: options.monitoring } : {}),
    clock,
    ids,
    logger: noopLogger,
  });
  events.subscribe((e) => deployments.onEvent(e));
  /** What the data plane does: every endpoint's latest generation comes InService; then the deployment pipeline moves on. */
  const serve = async () => {
    for (const spec of (await endpoints.desired()).specs)
      await endpoints.report({
        kind: 'in_service',
        name: spec.name,
        generation: spec.generation,
        instances: Object.fromEntries(spec.variants.map((v) => [v.name, v.instances.initial])),
      });
    await deployments.tick();
  };
  return { meta, clock, ids, events, registry, endpoints, deployments, alarms, serve };
}
