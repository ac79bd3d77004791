/**
 * What a RegisterModel step needs from the model registry. The composition root adapts the
 * registry context's ModelRegistry to it.
 */
export interface ModelRegistrar {
  /**
   * Registers a model version. Calling again with the same `idempotencyKey` returns the version
   * registered the first time: a step re-run after a crash never registers twice.
   */
  register(input: RegisterModelInput): Promise<RegisteredModel>;
  /**
   * The drift-check baseline (statistics and constraints URIs) of the group's latest Approved
   * version; undefined when the group has none (or does not exist). Throws when the registry
   * cannot be read: an outage is never "no baseline".
   */
  latestApprovedBaseline(group: string): Promise<{ statistics: string; constraints: string } | undefined>;
}

export interface RegisterModelInput {
  readonly group: string;
  readonly approvalStatus: string;
  readonly modelDataUrl: string;
  readonly modelSha256: string;
  readonly inferenceSpecification: Readonly<Record<string, unknown>>;
  readonly modelMetrics: Readonly<Record<string, unknown>>;
  readonly driftCheckBaselines: Readonly<Record<string, unknown>>;
  readonly customerMetadata: Readonly<Record<string, string>>;
  readonly generatedBy: string;
  readonly idempotencyKey: string;
}

export interface RegisteredModel {
  readonly arn: string;
  readonly name: string;
  readonly group: string;
  readonly version: number;
  readonly approvalStatus: string;
}
