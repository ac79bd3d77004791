export * from './types.js';
export type { EndpointStore } from './endpoint-store.js';
export type { EndpointSpec, VariantSpec, CaptureSpec, InstanceScaling, EndpointRuntimeReport, EndpointDesiredState } from './endpoint-spec.js';
export type { ModelArtifacts } from './model-artifacts.js';
export { EndpointService, DEFAULT_TARGET_INVOCATIONS, configNameFor, validateEndpointName, type DeployModelInput, type EndpointServiceDeps } from './endpoint-service.js';
export { parseEndpointConfigInput, ENDPOINT_NAME_PATTERN, MAX_INSTANCES, MAX_VARIANTS } from './endpoint-config-schema.js';
export { toDescribeEndpoint, toDescribeEndpointConfig, toEndpointSummary, type DescribeEndpointJson } from './describe-endpoint.js';
