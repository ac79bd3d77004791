export * from './types.js';
export type { EndpointStore } from './endpoint-store.js';
export type { EndpointSpec, VariantSpec, CaptureSpec, InstanceScaling, EndpointRuntimeReport, EndpointDesiredState } from './endpoint-spec.js';
export type { ModelArtifacts } from './model-artifacts.js';
export {
  EndpointService,
  DEFAULT_TARGET_INVOCATIONS,
  configNameFor,
  validateEndpointName,
  type DeployModelInput,
  type EndpointServiceDeps,
} from './endpoint-service.js';
export { parseEndpointConfigInput, ENDPOINT_NAME_PATTERN, MAX_INSTANCES, MAX_VARIANTS } from './endpoint-config-schema.js';
export { toDescribeEndpoint, toDescribeEndpointConfig, toEndpointSummary, type DescribeEndpointJson } from './describe-endpoint.js';
export * from './payload-codecs.js';
export {
  captureRecordLine,
  captureFilePath,
  captureEncoding,
  inferenceTime,
  type CaptureEvent,
  type CapturedPayload,
  type CaptureEncoding,
} from './capture-record.js';
export { CaptureWriter, parseFsyncPolicy, type CaptureFile, type CaptureFiles, type CaptureWriterOptions, type FsyncPolicy } from './capture-writer.js';
export { decideInstances, InvocationRate, type ScalingState } from './autoscaling.js';
export { InvocationError, invocationErrorOf, type InvocationErrorType } from './serving-errors.js';
export {
  ServingRuntime,
  type Invoker,
  type InvocationRequest,
  type InvocationResult,
  type ServingRuntimeDeps,
  type EndpointStats,
  type VariantStats,
} from './serving-runtime.js';
export { MemoryDesiredState } from './memory-desired-state.js';
export type { VariantPool, VariantPoolFactory, PoolReply, PoolRequest } from './variant-pool.js';
export { endpointMetricData, ENDPOINT_METRICS_NAMESPACE, type VariantCounters } from './endpoint-metrics.js';
