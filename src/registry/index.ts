export * from './types.js';
export type { RegistryStore, InsertVersionResult } from './registry-store.js';
export {
  ModelRegistry,
  DEFAULT_INFERENCE_IMAGE,
  DEFAULT_CONTENT_TYPE,
  type ModelRegistryDeps,
  type CreateGroupInput,
  type RegisterModelInput,
  type ApprovalInput,
} from './model-registry.js';
export {
  toDescribeModelPackage,
  toInferenceSpecificationJson,
  toModelPackageGroupSummary,
  type DescribeModelPackageJson,
  type InferenceSpecificationJson,
} from './describe-model-package.js';
export {
  modelPackageStateChangeEvent,
  SAGEMAKER_EVENT_SOURCE,
  MODEL_PACKAGE_STATE_CHANGE,
  type ModelPackageStateChangeDetail,
  type ModelPackageStateChangeEvent,
} from './model-package-event.js';
export { GROUP_NAME_PATTERN, REGISTRY_LIMITS, parseVersion } from './registry-validation.js';
export { parseModelQualityMetrics, modelQualityStatisticsUri, type ModelQualityMetrics } from './model-quality.js';
