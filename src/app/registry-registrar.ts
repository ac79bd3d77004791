import { isAppError } from '../core/errors.js';
import type { ModelRegistrar, RegisterModelInput, RegisteredModel } from '../pipeline/index.js';
import type { DriftCheckBaselines, ModelMetrics, ModelRegistry } from '../registry/index.js';

/** The pipeline's RegisterModel port over the model registry. */
export function registryRegistrar(registry: ModelRegistry): ModelRegistrar {
  return {
    async register(input: RegisterModelInput): Promise<RegisteredModel> {
      const spec = input.inferenceSpecification as {
        Containers?: { Image?: string }[];
        SupportedContentTypes?: string[];
        SupportedResponseMIMETypes?: string[];
      };
      const image = spec.Containers?.[0]?.Image;
      const pkg = await registry.register({
        group: input.group,
        modelDataUrl: input.modelDataUrl,
        modelSha256: input.modelSha256,
        ...(image ? { image } : {}),
        ...(spec.SupportedContentTypes ? { supportedContentTypes: spec.SupportedContentTypes } : {}),
        ...(spec.SupportedResponseMIMETypes ? { supportedResponseMimeTypes: spec.SupportedResponseMIMETypes } : {}),
        modelMetrics: input.modelMetrics as ModelMetrics,
        driftCheckBaselines: input.driftCheckBaselines as DriftCheckBaselines,
        approvalStatus: input.approvalStatus,
        generatedBy: input.generatedBy,
        ...(Object.keys(input.customerMetadata).length > 0 ? { customerMetadata: input.customerMetadata } : {}),
        idempotencyKey: input.idempotencyKey,
      });
      return { arn: pkg.arn, name: pkg.name, group: pkg.group, version: pkg.version, approvalStatus: pkg.approvalStatus };
    },
    async latestApprovedBaseline(group: string) {
      // A group that does not exist has no approved baseline; any other error (the store is
      // unavailable) is not "no baseline" and goes up to the step, which fails loudly.
      const pkg = await registry.latestApproved(group).catch((err: unknown) => {
        if (isAppError(err) && err.code === 'not_found') return undefined;
        throw err;
      });
      const dq = pkg?.driftCheckBaselines.ModelDataQuality;
      return dq?.Statistics?.S3Uri && dq.Constraints?.S3Uri ? { statistics: dq.Statistics.S3Uri, constraints: dq.Constraints.S3Uri } : undefined;
    },
  };
}
