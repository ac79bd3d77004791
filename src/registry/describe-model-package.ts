import type { ApprovalStatus, DriftCheckBaselines, ModelMetrics, ModelPackage, ModelPackageGroup } from './types.js';

/** ISO-8601 UTC with milliseconds. */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** SageMaker's `InferenceSpecification` field names. */
export interface InferenceSpecificationJson {
  readonly Containers: readonly { readonly Image: string; readonly ModelDataUrl: string }[];
  readonly SupportedContentTypes: readonly string[];
  readonly SupportedResponseMIMETypes: readonly string[];
}

/** DescribeModelPackage's response, as far as driftline has the fields, plus a `Driftline` object with what SageMaker lacks. */
export interface DescribeModelPackageJson {
  readonly ModelPackageGroupName: string;
  readonly ModelPackageVersion: number;
  readonly ModelPackageArn: string;
  readonly ModelPackageName: string;
  readonly ModelPackageDescription?: string;
  readonly CreationTime: string;
  readonly LastModifiedTime: string;
  readonly InferenceSpecification: InferenceSpecificationJson;
  readonly ModelPackageStatus: 'Completed';
  readonly ModelPackageStatusDetails: { readonly ValidationStatuses: readonly never[]; readonly ImageScanStatuses: readonly never[] };
  readonly CertifyForMarketplace: false;
  readonly ModelApprovalStatus: ApprovalStatus;
  readonly ApprovalDescription?: string;
  readonly LastModifiedBy?: { readonly UserProfileName: string };
  readonly MetadataProperties?: { readonly GeneratedBy: string };
  readonly ModelMetrics: ModelMetrics;
  readonly DriftCheckBaselines: DriftCheckBaselines;
  readonly CustomerMetadataProperties?: Readonly<Record<string, string>>;
  /** Not in SageMaker's API: the artifact's hash, the whole approval history and the tags. */
  readonly Driftline: {
    readonly ModelDataSha256: string;
    readonly ApprovalHistory: readonly {
      readonly ModelApprovalStatus: ApprovalStatus;
      readonly By: string;
      readonly Time: string;
      readonly ApprovalDescription?: string;
    }[];
    readonly Tags: readonly { readonly Key: string; readonly Value: string }[];
    /** The metric values of ModelMetrics.ModelQuality.Statistics (rmse, r2…), when the caller read them. */
    readonly ModelQualityMetrics?: Readonly<Record<string, number>>;
  };
}

/**
 * A model package with DescribeModelPackage's field names (for `--json` and the HTTP API);
 * `modelQuality` adds the values read from its model quality statistics file.
 */
export function toDescribeModelPackage(pkg: ModelPackage, modelQuality?: Readonly<Record<string, number>>): DescribeModelPackageJson {
  return {
    ModelPackageGroupName: pkg.group,
    ModelPackageVersion: pkg.version,
    ModelPackageArn: pkg.arn,
    ModelPackageName: pkg.name,
    ...(pkg.description === undefined ? {} : { ModelPackageDescription: pkg.description }),
    CreationTime: iso(pkg.createdAt),
    LastModifiedTime: iso(pkg.lastModifiedAt),
    InferenceSpecification: toInferenceSpecificationJson(pkg),
    ModelPackageStatus: pkg.status,
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    CertifyForMarketplace: false,
    ModelApprovalStatus: pkg.approvalStatus,
    ...(pkg.approval?.reason === undefined ? {} : { ApprovalDescription: pkg.approval.reason }),
    ...(pkg.approval === undefined ? {} : { LastModifiedBy: { UserProfileName: pkg.approval.by } }),
    ...(pkg.generatedBy === undefined ? {} : { MetadataProperties: { GeneratedBy: pkg.generatedBy } }),
    ModelMetrics: pkg.modelMetrics,
    DriftCheckBaselines: pkg.driftCheckBaselines,
    ...(Object.keys(pkg.customerMetadata).length === 0 ? {} : { CustomerMetadataProperties: pkg.customerMetadata }),
    Driftline: {
      ModelDataSha256: pkg.modelSha256,
      ApprovalHistory: pkg.approvalHistory.map((c) => ({
        ModelApprovalStatus: c.status,
        By: c.by,
        Time: iso(c.at),
        ...(c.reason === undefined ? {} : { ApprovalDescription: c.reason }),
      })),
      Tags: Object.entries(pkg.tags).map(([Key, Value]) => ({ Key, Value })),
      ...(modelQuality === undefined ? {} : { ModelQualityMetrics: modelQuality }),
    },
  };
}

export function toInferenceSpecificationJson(pkg: ModelPackage): InferenceSpecificationJson {
  return {
    Containers: pkg.inferenceSpecification.containers.map((c) => ({ Image: c.image, ModelDataUrl: c.modelDataUrl })),
    SupportedContentTypes: pkg.inferenceSpecification.supportedContentTypes,
    SupportedResponseMIMETypes: pkg.inferenceSpecification.supportedResponseMimeTypes,
  };
}

/** A group with ListModelPackageGroups' summary field names. */
export function toModelPackageGroupSummary(group: ModelPackageGroup): {
  ModelPackageGroupName: string;
  ModelPackageGroupArn: string;
  ModelPackageGroupDescription?: string;
  CreationTime: string;
  ModelPackageGroupStatus: 'Completed';
  Tags: { Key: string; Value: string }[];
} {
  return {
    ModelPackageGroupName: group.name,
    ModelPackageGroupArn: group.arn,
    ...(group.description === undefined ? {} : { ModelPackageGroupDescription: group.description }),
    CreationTime: iso(group.createdAt),
    ModelPackageGroupStatus: 'Completed',
    Tags: Object.entries(group.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}
