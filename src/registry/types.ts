/** Model approval statuses, as SageMaker's `ModelApprovalStatus`. */
export const APPROVAL_STATUSES = ['PendingManualApproval', 'Approved', 'Rejected'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A model package group: the versioned home of one model (SageMaker: `ModelPackageGroup`). */
export interface ModelPackageGroup {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

/** One change of approval status (or the status a package was registered with). */
export interface ApprovalChange {
  readonly status: ApprovalStatus;
  /** Who: a user name, or the pipeline execution ARN for a registration by a pipeline. */
  readonly by: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** Why (SageMaker's `ApprovalDescription`, at most 1024 characters). */
  readonly reason?: string;
}

/** A file a model metric or baseline points at (SageMaker's `MetricsSource`). */
export interface MetricsSource {
  readonly ContentType: string;
  readonly S3Uri: string;
  readonly ContentDigest?: string;
}

/** SageMaker's `FileSource` (drift-check baseline configuration files). */
export interface FileSource {
  readonly S3Uri: string;
  readonly ContentType?: string;
  readonly ContentDigest?: string;
}

/** Statistics and constraints files of one kind of quality. */
export interface StatisticsAndConstraints {
  readonly Statistics?: MetricsSource;
  readonly Constraints?: MetricsSource;
}

/** SageMaker's `ModelMetrics` (reference 8.2); keys and nesting kept as the API has them. */
export interface ModelMetrics {
  readonly ModelQuality?: StatisticsAndConstraints;
  readonly ModelDataQuality?: StatisticsAndConstraints;
  readonly Bias?: { readonly Report?: MetricsSource; readonly PreTrainingReport?: MetricsSource; readonly PostTrainingReport?: MetricsSource };
  readonly Explainability?: { readonly Report?: MetricsSource };
}

/** SageMaker's `DriftCheckBaselines` (reference 8.2). */
export interface DriftCheckBaselines {
  readonly Bias?: {
    readonly ConfigFile?: FileSource;
    readonly PreTrainingConstraints?: MetricsSource;
    readonly PostTrainingConstraints?: MetricsSource;
  };
  readonly Explainability?: { readonly Constraints?: MetricsSource; readonly ConfigFile?: FileSource };
  readonly ModelQuality?: StatisticsAndConstraints;
  readonly ModelDataQuality?: StatisticsAndConstraints;
}

/** How the model is served: the container(s) and the content types it reads and writes. */
export interface InferenceSpecification {
  readonly containers: readonly { readonly image: string; readonly modelDataUrl: string }[];
  readonly supportedContentTypes: readonly string[];
  readonly supportedResponseMimeTypes: readonly string[];
}

/** Every model package's status: driftline registers synchronously, so a stored package is always Completed. */
export type ModelPackageStatus = 'Completed';

/** One version of a model in a group; mirrors SageMaker's DescribeModelPackage (see `toDescribeModelPackage`). */
export interface ModelPackage {
  readonly group: string;
  /** 1, 2, 3… per group, assigned by the store, no gap and no duplicate. */
  readonly version: number;
  /** `arn:aws:sagemaker:local:000000000000:model-package/<group lower-cased>/<version>`. */
  readonly arn: string;
  /** `<group>/<version>`. */
  readonly name: string;
  readonly status: ModelPackageStatus;
  readonly approvalStatus: ApprovalStatus;
  /** The last approval decision (by approve/reject, or a registration with Approved or Rejected); absent while never decided. */
  readonly approval?: { readonly by: string; readonly at: number; readonly reason?: string };
  /** Every status the package had, oldest first; the first entry is the registration. */
  readonly approvalHistory: readonly ApprovalChange[];
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly lastModifiedAt: number;
  /** Where the model artifact is (a `file://` or `s3://` URI). */
  readonly modelDataUrl: string;
  /** SHA-256 (hex) of the model artifact. */
  readonly modelSha256: string;
  readonly inferenceSpecification: InferenceSpecification;
  readonly modelMetrics: ModelMetrics;
  readonly driftCheckBaselines: DriftCheckBaselines;
  /** The pipeline execution ARN that registered it (SageMaker's `MetadataProperties.GeneratedBy`). */
  readonly generatedBy?: string;
  /** SageMaker's `CustomerMetadataProperties`. */
  readonly customerMetadata: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly description?: string;
}

/** Which versions to list, in which order, one page at a time. */
export interface ListVersionsQuery {
  readonly approvalStatus?: ApprovalStatus;
  /** By version number; SageMaker's API default is ascending, and so is driftline's. */
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
  readonly pageToken?: string;
}
