import { DEFAULT_INFERENCE_IMAGE } from '../registry/index.js';
import type { EndpointConfig, EndpointRecord } from './types.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** DescribeEndpoint's JSON (times as ISO-8601 strings, as the AWS CLI prints them). */
export interface DescribeEndpointJson {
  readonly EndpointName: string;
  readonly EndpointArn: string;
  readonly EndpointConfigName: string;
  readonly ProductionVariants: readonly {
    readonly VariantName: string;
    readonly DeployedImages: readonly { readonly SpecifiedImage: string; readonly ResolvedImage: string }[];
    readonly CurrentWeight: number;
    readonly DesiredWeight: number;
    readonly CurrentInstanceCount: number;
    readonly DesiredInstanceCount: number;
    /** driftline: the model version this variant serves. */
    readonly ModelPackageName: string;
  }[];
  readonly DataCaptureConfig?: {
    readonly EnableCapture: boolean;
    readonly CaptureStatus: 'Started' | 'Stopped';
    readonly CurrentSamplingPercentage: number;
    readonly DestinationS3Uri: string;
  };
  readonly EndpointStatus: string;
  readonly FailureReason?: string;
  readonly CreationTime: string;
  readonly LastModifiedTime: string;
  readonly Tags?: readonly { readonly Key: string; readonly Value: string }[];
}

/**
 * DescribeEndpoint from the stored endpoint and the config it serves (`config` = the config of its
 * current generation). Instance counts are the data plane's last report; the desired count is the
 * config's initial count.
 */
export function toDescribeEndpoint(e: EndpointRecord, config: EndpointConfig): DescribeEndpointJson {
  const serving = e.status === 'InService';
  const capture = config.DataCaptureConfig;
  const tags = Object.entries(e.tags);
  return {
    EndpointName: e.name,
    EndpointArn: e.arn,
    EndpointConfigName: e.configName,
    ProductionVariants: config.ProductionVariants.map((v) => ({
      VariantName: v.VariantName,
      DeployedImages: [{ SpecifiedImage: DEFAULT_INFERENCE_IMAGE, ResolvedImage: DEFAULT_INFERENCE_IMAGE }],
      CurrentWeight: v.InitialVariantWeight,
      DesiredWeight: v.InitialVariantWeight,
      CurrentInstanceCount: e.instances[v.VariantName] ?? 0,
      DesiredInstanceCount: v.InitialInstanceCount,
      ModelPackageName: v.ModelPackageName,
    })),
    ...(capture
      ? {
          DataCaptureConfig: {
            EnableCapture: capture.EnableCapture,
            CaptureStatus: capture.EnableCapture && serving ? 'Started' : 'Stopped',
            CurrentSamplingPercentage: capture.InitialSamplingPercentage,
            DestinationS3Uri: capture.DestinationS3Uri,
          },
        }
      : {}),
    EndpointStatus: e.status,
    ...(e.failureReason ? { FailureReason: e.failureReason } : {}),
    CreationTime: iso(e.createdAt),
    LastModifiedTime: iso(e.lastModifiedAt),
    ...(tags.length ? { Tags: tags.map(([Key, Value]) => ({ Key, Value })) } : {}),
  };
}

/** ListEndpoints' summary. */
export function toEndpointSummary(e: EndpointRecord) {
  return { EndpointName: e.name, EndpointArn: e.arn, CreationTime: iso(e.createdAt), LastModifiedTime: iso(e.lastModifiedAt), EndpointStatus: e.status };
}

/** DescribeEndpointConfig's JSON. */
export function toDescribeEndpointConfig(c: EndpointConfig) {
  const { CreationTime, ...rest } = c;
  return { ...rest, CreationTime: iso(CreationTime) };
}
