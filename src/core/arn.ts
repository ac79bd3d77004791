/**
 * SageMaker-style ARNs for local resources. driftline has no AWS account or region: every ARN uses
 * region `local` and account `000000000000`, so ARNs keep SageMaker's shape (tools that parse them
 * still work) and never collide with real ones.
 */
export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

/** `arn:aws:sagemaker:local:000000000000:<resource>`. */
export function sagemakerArn(resource: string): string {
  return `arn:aws:sagemaker:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;
}

/** A model package ARN: the group name lower-cased, as SageMaker writes it. */
export function modelPackageArn(group: string, version: number): string {
  return sagemakerArn(`model-package/${group.toLowerCase()}/${version}`);
}

/** A model package group ARN. */
export function modelPackageGroupArn(group: string): string {
  return sagemakerArn(`model-package-group/${group.toLowerCase()}`);
}

/** A pipeline ARN (name lower-cased, as SageMaker does). */
export function pipelineArn(name: string): string {
  return sagemakerArn(`pipeline/${name.toLowerCase()}`);
}

/** A pipeline execution ARN. */
export function pipelineExecutionArn(name: string, executionId: string): string {
  return `${pipelineArn(name)}/execution/${executionId}`;
}

/** Splits a pipeline execution ARN into the (lower-cased) pipeline name and the execution id; undefined when it is not one. */
export function parsePipelineExecutionArn(arn: string): { pipeline: string; executionId: string } | undefined {
  const m = /^arn:aws:sagemaker:[^:]*:[^:]*:pipeline\/([^/]+)\/execution\/([^/]+)$/.exec(arn);
  return m ? { pipeline: m[1]!, executionId: m[2]! } : undefined;
}

/** Splits a model package ARN into group (lower-cased) and version; undefined when it is not one. */
export function parseModelPackageArn(arn: string): { group: string; version: number } | undefined {
  const m = /^arn:aws:sagemaker:[^:]*:[^:]*:model-package\/([^/]+)\/(\d+)$/.exec(arn);
  return m ? { group: m[1]!, version: Number(m[2]) } : undefined;
}

/** An endpoint ARN (name lower-cased, as SageMaker does). */
export function endpointArn(name: string): string {
  return sagemakerArn(`endpoint/${name.toLowerCase()}`);
}

/** An endpoint config ARN. */
export function endpointConfigArn(name: string): string {
  return sagemakerArn(`endpoint-config/${name.toLowerCase()}`);
}
