/**
 * Endpoint configs and endpoints, in SageMaker's shapes (CreateEndpointConfig, DescribeEndpoint).
 * A variant names a model package version instead of a SageMaker Model: driftline deploys
 * registered, Approved versions only.
 */

/** Target tracking on invocations per instance (Application Auto Scaling, as the sample's prod stage sets it). */
export interface VariantAutoScaling {
  readonly MinCapacity: number;
  readonly MaxCapacity: number;
  /** `SageMakerVariantInvocationsPerInstance` target, invocations per instance per minute (the sample: 750). */
  readonly TargetValue: number;
  readonly ScaleInCooldown: number;
  readonly ScaleOutCooldown: number;
}

/** One `ProductionVariants` entry. */
export interface ProductionVariantConfig {
  readonly VariantName: string;
  /** The model package served: `<group>/<version>` or its ARN. */
  readonly ModelPackageName: string;
  readonly InitialInstanceCount: number;
  readonly InitialVariantWeight: number;
  /** Accepted and shown; every instance here is a local worker process. */
  readonly InstanceType: string;
  /** driftline: the variant's autoscaling policy (SageMaker keeps it in Application Auto Scaling). */
  readonly AutoScaling?: VariantAutoScaling;
}

export type CaptureMode = 'Input' | 'Output';

/** `DataCaptureConfig` as CreateEndpointConfig takes it. */
export interface DataCaptureConfig {
  readonly EnableCapture: boolean;
  readonly InitialSamplingPercentage: number;
  /** `file://…` (or `s3://…` once an S3 artifact store is configured). */
  readonly DestinationS3Uri: string;
  readonly CaptureOptions: readonly { readonly CaptureMode: CaptureMode }[];
  readonly CaptureContentTypeHeader?: { readonly CsvContentTypes?: readonly string[]; readonly JsonContentTypes?: readonly string[] };
}

/** CreateEndpointConfig's input (the parts driftline uses). */
export interface EndpointConfigInput {
  readonly EndpointConfigName: string;
  readonly ProductionVariants: readonly ProductionVariantConfig[];
  readonly DataCaptureConfig?: DataCaptureConfig;
  readonly Tags?: readonly { readonly Key: string; readonly Value: string }[];
}

/** A stored endpoint config (immutable once created, as in SageMaker). */
export interface EndpointConfig extends EndpointConfigInput {
  readonly EndpointConfigArn: string;
  /** Epoch milliseconds. */
  readonly CreationTime: number;
}

export const ENDPOINT_STATUSES = ['Creating', 'InService', 'Updating', 'Failed', 'Deleting'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** A stored endpoint: the config it should serve and what the data plane last reported. */
export interface EndpointRecord {
  readonly name: string;
  readonly arn: string;
  /** The config the endpoint serves, or is being updated to. */
  readonly configName: string;
  /** The config it served before the update in progress (kept to roll back to if the update fails). */
  readonly previousConfigName?: string;
  readonly status: EndpointStatus;
  readonly failureReason?: string;
  /** Grows by one at every create and update. */
  readonly generation: number;
  /** The generation the data plane last reported InService (0: never). */
  readonly servedGeneration: number;
  /** Worker processes per variant, as last reported. */
  readonly instances: Readonly<Record<string, number>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly lastModifiedAt: number;
}
