/**
 * What the data plane (the server's worker pools, routing and data capture) needs to serve one
 * endpoint: the control plane (`EndpointService`) resolves endpoint configs and model packages
 * into these, and the server reconciles its running workers with them.
 */

/** How many worker processes a variant runs, and when it adds or removes one (the sample's `auto_scaling`). */
export interface InstanceScaling {
  /** Workers started with the variant (`InitialInstanceCount`). */
  readonly initial: number;
  /** Autoscaling bounds; min = max = initial when the variant does not autoscale. */
  readonly min: number;
  readonly max: number;
  /** Target-tracking on `SageMakerVariantInvocationsPerInstance` (per minute, as CloudWatch counts it); absent: no autoscaling. */
  readonly targetInvocationsPerInstance?: number;
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
}

/** One production variant: a model version served by its own worker processes. */
export interface VariantSpec {
  /** `VariantName` (the sample's `LatestApproved`). */
  readonly name: string;
  /** The model package served (`arn:aws:sagemaker:…:model-package/<group>/<version>`). */
  readonly modelPackageArn: string;
  /** `<group>/<version>`. */
  readonly modelPackageName: string;
  /** The model artifact (XGBoost JSON), resolved to a local file path the workers can read. */
  readonly modelPath: string;
  /** SHA-256 (hex) of the artifact, as registered. */
  readonly modelSha256: string;
  /** `InitialVariantWeight`: share of the traffic, relative to the other variants' weights. */
  readonly weight: number;
  readonly instances: InstanceScaling;
}

/** `DataCaptureConfig`, resolved. */
export interface CaptureSpec {
  /** `InitialSamplingPercentage`, 0 to 100. */
  readonly samplingPercent: number;
  /** `DestinationS3Uri`, resolved to a local folder; files go under `<folder>/<endpoint>/<variant>/yyyy/mm/dd/hh/`. */
  readonly destinationPath: string;
  /** The URI as configured (`file://…` or `s3://…`), shown in DescribeEndpoint. */
  readonly destinationUri: string;
  readonly captureInput: boolean;
  readonly captureOutput: boolean;
  /** Content types stored as text with encoding CSV / JSON; any other is stored BASE64. */
  readonly csvContentTypes: readonly string[];
  readonly jsonContentTypes: readonly string[];
}

/** Everything the data plane needs for one endpoint at one generation. */
export interface EndpointSpec {
  readonly name: string;
  readonly arn: string;
  /** The endpoint config this generation serves. */
  readonly configName: string;
  /** Grows by one at each create or update: the data plane serves the highest it has seen and reports it back. */
  readonly generation: number;
  readonly variants: readonly VariantSpec[];
  /** Absent when capture is off. */
  readonly capture?: CaptureSpec;
}

/** What the data plane reports back about one endpoint generation. */
export type EndpointRuntimeReport =
  | { readonly kind: 'in_service'; readonly name: string; readonly generation: number; readonly instances: Readonly<Record<string, number>> }
  | { readonly kind: 'failed'; readonly name: string; readonly generation: number; readonly reason: string }
  | { readonly kind: 'deleted'; readonly name: string };

/** The control plane as the data plane sees it (implemented by `EndpointService`). */
export interface EndpointDesiredState {
  /** Every endpoint that should serve (its latest generation), and the names of endpoints being deleted. */
  desired(): Promise<{ readonly specs: readonly EndpointSpec[]; readonly deleting: readonly string[] }>;
  /** Records what the data plane did: InService with the instance counts, Failed with the reason, or deleted. */
  report(report: EndpointRuntimeReport): Promise<void>;
}
