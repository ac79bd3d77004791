import type { Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import { makeEvent, type EventEnvelope } from '../events/index.js';
import { toDescribeModelPackage, type DescribeModelPackageJson } from './describe-model-package.js';
import type { ModelPackage } from './types.js';

/** EventBridge source and detail-type of registry changes, as SageMaker sends them. */
export const SAGEMAKER_EVENT_SOURCE = 'aws.sagemaker';
export const MODEL_PACKAGE_STATE_CHANGE = 'SageMaker Model Package State Change';

/** The `detail` of a "SageMaker Model Package State Change" event (reference 8.3): DescribeModelPackage's fields, times as ISO strings. */
export type ModelPackageStateChangeDetail = Pick<
  DescribeModelPackageJson,
  | 'ModelPackageGroupName'
  | 'ModelPackageVersion'
  | 'ModelPackageArn'
  | 'ModelPackageName'
  | 'CreationTime'
  | 'InferenceSpecification'
  | 'ModelPackageStatus'
  | 'ModelPackageStatusDetails'
  | 'CertifyForMarketplace'
  | 'ModelApprovalStatus'
  | 'ApprovalDescription'
  | 'MetadataProperties'
  | 'ModelMetrics'
  | 'DriftCheckBaselines'
  | 'LastModifiedTime'
>;

export type ModelPackageStateChangeEvent = EventEnvelope<ModelPackageStateChangeDetail>;

/** The event published when a package is created or its approval changes; `resources` is [the package ARN]. */
export function modelPackageStateChangeEvent(pkg: ModelPackage, clock: Clock, ids: IdGenerator): ModelPackageStateChangeEvent {
  const d = toDescribeModelPackage(pkg);
  const detail: ModelPackageStateChangeDetail = {
    ModelPackageName: d.ModelPackageName,
    ModelPackageGroupName: d.ModelPackageGroupName,
    ModelPackageVersion: d.ModelPackageVersion,
    ModelPackageArn: d.ModelPackageArn,
    CreationTime: d.CreationTime,
    InferenceSpecification: d.InferenceSpecification,
    ModelPackageStatus: d.ModelPackageStatus,
    ModelPackageStatusDetails: d.ModelPackageStatusDetails,
    CertifyForMarketplace: d.CertifyForMarketplace,
    ModelApprovalStatus: d.ModelApprovalStatus,
    ...(d.ApprovalDescription === undefined ? {} : { ApprovalDescription: d.ApprovalDescription }),
    ...(d.MetadataProperties === undefined ? {} : { MetadataProperties: d.MetadataProperties }),
    ModelMetrics: d.ModelMetrics,
    DriftCheckBaselines: d.DriftCheckBaselines,
    LastModifiedTime: d.LastModifiedTime,
  };
  return makeEvent(SAGEMAKER_EVENT_SOURCE, MODEL_PACKAGE_STATE_CHANGE, [pkg.arn], detail, clock, ids);
}
