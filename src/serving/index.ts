export * from './types.js';
export type { EndpointStore } from './endpoint-store.js';
export type { EndpointSpec, VariantSpec, CaptureSpec, InstanceScaling, EndpointRuntimeReport, EndpointDesiredState } from './endpoint-spec.js';
