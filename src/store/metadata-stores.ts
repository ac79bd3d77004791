import type { DatasetStore } from '../data/index.js';
import type { PipelineStore } from '../pipeline/index.js';
import type { RegistryStore } from '../registry/index.js';
import type { EndpointStore } from '../serving/index.js';
import type { DeploymentStore } from '../deploy/index.js';
import type { MetricStore } from '../metrics/index.js';
import type { AlarmStore } from '../alarms/index.js';
import type { MonitoringStore } from '../scheduler/index.js';
import type { EventStore } from '../events/index.js';

/** Every metadata port, bound to one database. Later contexts add their stores here. */
export interface MetadataStores {
  readonly datasets: DatasetStore;
  readonly registry: RegistryStore;
  readonly pipelines: PipelineStore;
  readonly endpoints: EndpointStore;
  readonly deployments: DeploymentStore;
  readonly metrics: MetricStore;
  readonly alarms: AlarmStore;
  readonly monitoring: MonitoringStore;
  readonly events: EventStore;
  /** The migration names applied, in order. */
  readonly migrations: readonly string[];
  close(): Promise<void>;
}
