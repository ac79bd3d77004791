export type { EndpointSpec, VariantSpec, CaptureSpec, InstanceScaling, EndpointRuntimeReport, EndpointDesiredState } from './endpoint-spec.js';
export * from './payload-codecs.js';
export { captureRecordLine, captureFilePath, captureEncoding, inferenceTime, type CaptureEvent, type CapturedPayload, type CaptureEncoding } from './capture-record.js';
export { CaptureWriter, parseFsyncPolicy, type CaptureFile, type CaptureFiles, type CaptureWriterOptions, type FsyncPolicy } from './capture-writer.js';
export { decideInstances, InvocationRate, type ScalingState } from './autoscaling.js';
export { InvocationError, invocationErrorOf, type InvocationErrorType } from './serving-errors.js';
export { ServingRuntime, type Invoker, type InvocationRequest, type InvocationResult, type ServingRuntimeDeps, type EndpointStats, type VariantStats } from './serving-runtime.js';
export { MemoryDesiredState } from './memory-desired-state.js';
export type { VariantPool, VariantPoolFactory, PoolReply, PoolRequest } from './variant-pool.js';
