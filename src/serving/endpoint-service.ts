import { endpointArn, endpointConfigArn, parseModelPackageArn } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import { AppError, FailedPreconditionError, InvalidArgumentError, isAppError, oneLine } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Page, PageRequest } from '../core/paging.js';
import { parseVersion, type ModelPackage, type ModelRegistry } from '../registry/index.js';
import { ENDPOINT_NAME_PATTERN, parseEndpointConfigInput } from './endpoint-config-schema.js';
import type { EndpointDesiredState, EndpointRuntimeReport, EndpointSpec, VariantSpec } from './endpoint-spec.js';
import type { EndpointStore } from './endpoint-store.js';
import type { ModelArtifacts } from './model-artifacts.js';
import type { EndpointConfig, EndpointConfigInput, EndpointRecord, ProductionVariantConfig, VariantAutoScaling } from './types.js';

export interface EndpointServiceDeps {
  readonly store: EndpointStore;
  readonly registry: Pick<ModelRegistry, 'describe' | 'describeArn'>;
  readonly models: ModelArtifacts;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where capture goes when a deployment names no destination (`<artifacts>/datacapture`). */
  readonly defaultCaptureUri: string;
}

/** What `endpoint create` / `update` take when they deploy one model version (one variant). */
export interface DeployModelInput {
  readonly endpointName: string;
  /** `<group>/<version>` or a model package ARN. */
  readonly modelPackage: string;
  /** Default `AllTraffic`, as the SageMaker SDK names a single variant (the sample: `LatestApproved`). */
  readonly variantName?: string;
  readonly instances?: number;
  readonly instanceType?: string;
  readonly autoScaling?: Partial<VariantAutoScaling> & Pick<VariantAutoScaling, 'MinCapacity' | 'MaxCapacity'>;
  /** 0 to 100; absent or undefined: no capture. */
  readonly capturePercent?: number;
  readonly captureUri?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The sample's target for `SageMakerVariantInvocationsPerInstance` (per instance per minute). */
export const DEFAULT_TARGET_INVOCATIONS = 750;

/**
 * SageMaker endpoints and endpoint configs: the control plane. It stores what should serve; the
 * server's data plane reads `desired()`, starts worker processes and `report()`s back (Creating or
 * Updating → InService, or Failed). Only Approved model versions are deployed. Works whether a
 * server runs or not: without one an endpoint simply stays Creating.
 */
export class EndpointService implements EndpointDesiredState {
  constructor(private readonly deps: EndpointServiceDeps) {}

  async createEndpointConfig(doc: unknown): Promise<EndpointConfig> {
    const input = parseEndpointConfigInput(doc);
    const variants: ProductionVariantConfig[] = [];
    for (const v of input.ProductionVariants) {
      const pkg = await this.packageOf(v.ModelPackageName);
      variants.push({ ...v, ModelPackageName: pkg.name });
    }
    if (input.DataCaptureConfig) this.deps.models.localCaptureFolder(input.DataCaptureConfig.DestinationS3Uri);
    const config: EndpointConfig = {
      ...input,
      ProductionVariants: variants,
      EndpointConfigArn: endpointConfigArn(input.EndpointConfigName),
      CreationTime: this.deps.clock.now(),
    };
    return this.deps.store.insertConfig(config);
  }

  describeEndpointConfig(name: string): Promise<EndpointConfig> {
    return this.deps.store.getConfig(name);
  }

  listEndpointConfigs(page?: PageRequest): Promise<Page<EndpointConfig>> {
    return this.deps.store.listConfigs(page);
  }

  /** The local folder a config's data capture writes to (`<folder>/<endpoint>/<variant>/yyyy/mm/dd/hh/`); `failed_precondition` when it captures nothing. */
  captureFolder(config: EndpointConfig): string {
    const c = config.DataCaptureConfig;
    if (!c?.EnableCapture) throw new FailedPreconditionError(`endpoint config '${config.EndpointConfigName}' captures nothing`);
    return this.deps.models.localCaptureFolder(c.DestinationS3Uri);
  }

  deleteEndpointConfig(name: string): Promise<void> {
    return this.deps.store.deleteConfig(name);
  }

  /** CreateEndpoint: every variant's model version must be Approved. */
  async createEndpoint(input: { name: string; configName: string; tags?: Readonly<Record<string, string>> }): Promise<EndpointRecord> {
    validateEndpointName(input.name);
    const config = await this.deps.store.getConfig(input.configName);
    await this.checkApproved(config);
    const now = this.deps.clock.now();
    const record: EndpointRecord = {
      name: input.name,
      arn: endpointArn(input.name),
      configName: config.EndpointConfigName,
      status: 'Creating',
      generation: 1,
      servedGeneration: 0,
      instances: {},
      tags: input.tags ?? {},
      createdAt: now,
      lastModifiedAt: now,
    };
    const stored = await this.deps.store.insertEndpoint(record);
    this.deps.logger.info('endpoint created', { endpoint: record.name, config: record.configName });
    return stored;
  }

  /**
   * UpdateEndpoint: moves the endpoint to another config (blue/green in the data plane: the old
   * workers serve until the new ones are ready). Allowed in any state; a newer update supersedes one
   * still in progress.
   */
  async updateEndpoint(name: string, configName: string): Promise<EndpointRecord> {
    const config = await this.deps.store.getConfig(configName);
    await this.checkApproved(config);
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.deps.store.getEndpoint(name);
      const servedConfig = current.servedGeneration > 0 ? (current.status === 'InService' ? current.configName : current.previousConfigName) : undefined;
      const { failureReason: _dropped, previousConfigName: _previous, ...rest } = current;
      const next: EndpointRecord = {
        ...rest,
        configName,
        ...(servedConfig === undefined ? {} : { previousConfigName: servedConfig }),
        status: current.servedGeneration > 0 ? 'Updating' : 'Creating',
        generation: current.generation + 1,
        lastModifiedAt: this.deps.clock.now(),
      };
      const stored = await this.deps.store.replaceEndpoint(next, current.generation);
      if (stored) {
        this.deps.logger.info('endpoint updated', { endpoint: name, config: configName, generation: next.generation });
        return stored;
      }
    }
    throw new AppError('conflict', `endpoint '${name}' kept changing while it was being updated: try again`);
  }

  /** DeleteEndpoint: the data plane stops its workers at its next look. */
  async deleteEndpoint(name: string): Promise<void> {
    await this.deps.store.deleteEndpoint(name);
    this.deps.logger.info('endpoint deleted', { endpoint: name });
  }

  getEndpoint(name: string): Promise<EndpointRecord> {
    return this.deps.store.getEndpoint(name);
  }

  listEndpoints(page?: PageRequest): Promise<Page<EndpointRecord>> {
    return this.deps.store.listEndpoints(page);
  }

  /** One model version on one variant: creates a config named after the endpoint and the time, then creates or updates the endpoint. */
  async deployModel(input: DeployModelInput): Promise<{ endpoint: EndpointRecord; config: EndpointConfig; created: boolean }> {
    validateEndpointName(input.endpointName);
    const pkg = await this.packageOf(input.modelPackage);
    assertApproved(pkg);
    const instances = input.instances ?? input.autoScaling?.MinCapacity ?? 1;
    const doc = (attempt: number): EndpointConfigInput => ({
      EndpointConfigName: configNameFor(input.endpointName, this.deps.clock.now(), attempt),
      ProductionVariants: [
        {
          VariantName: input.variantName ?? 'AllTraffic',
          ModelPackageName: pkg.name,
          InitialInstanceCount: instances,
          InitialVariantWeight: 1,
          InstanceType: input.instanceType ?? 'ml.m5.large',
          ...(input.autoScaling
            ? {
                AutoScaling: {
                  MinCapacity: input.autoScaling.MinCapacity,
                  MaxCapacity: input.autoScaling.MaxCapacity,
                  TargetValue: input.autoScaling.TargetValue ?? DEFAULT_TARGET_INVOCATIONS,
                  ScaleInCooldown: input.autoScaling.ScaleInCooldown ?? 60,
                  ScaleOutCooldown: input.autoScaling.ScaleOutCooldown ?? 60,
                },
              }
            : {}),
        },
      ],
      ...(input.capturePercent === undefined
        ? {}
        : {
            DataCaptureConfig: {
              EnableCapture: true,
              InitialSamplingPercentage: input.capturePercent,
              DestinationS3Uri: input.captureUri ?? this.deps.defaultCaptureUri,
              CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
              CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
            },
          }),
    });
    let config: EndpointConfig | undefined;
    for (let attempt = 1; !config; attempt++) {
      try {
        config = await this.createEndpointConfig(doc(attempt));
      } catch (err) {
        // Two deployments in the same millisecond: the next name.
        if (!(isAppError(err) && err.code === 'already_exists') || attempt >= 20) throw err;
      }
    }
    const exists = await this.deps.store.getEndpoint(input.endpointName).then(
      () => true,
      (err: unknown) => {
        if (isAppError(err) && err.code === 'not_found') return false;
        throw err;
      },
    );
    const endpoint = exists
      ? await this.updateEndpoint(input.endpointName, config.EndpointConfigName)
      : await this.createEndpoint({ name: input.endpointName, configName: config.EndpointConfigName, ...(input.tags ? { tags: input.tags } : {}) });
    return { endpoint, config, created: !exists };
  }

  /** Every endpoint with the spec of its latest generation; an endpoint whose spec cannot be built is marked Failed and left out. */
  async desired(): Promise<{ specs: EndpointSpec[]; deleting: string[] }> {
    const specs: EndpointSpec[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.deps.store.listEndpoints({ limit: 1000, ...(pageToken ? { pageToken } : {}) });
      for (const e of page.items) {
        if (e.status === 'Failed' && e.servedGeneration === 0) continue;
        try {
          specs.push(await this.specOf(e));
        } catch (err) {
          if (!isAppError(err) || err.code === 'unavailable') throw err;
          await this.report({ kind: 'failed', name: e.name, generation: e.generation, reason: oneLine(err) });
        }
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    return { specs, deleting: [] };
  }

  /** Records what the data plane did with a generation; reports about an older generation are ignored. */
  async report(r: EndpointRuntimeReport): Promise<void> {
    if (r.kind === 'deleted') return;
    for (let attempt = 0; attempt < 5; attempt++) {
      let current: EndpointRecord;
      try {
        current = await this.deps.store.getEndpoint(r.name);
      } catch (err) {
        if (isAppError(err) && err.code === 'not_found') return;
        throw err;
      }
      if (current.generation !== r.generation) return;
      const now = this.deps.clock.now();
      let next: EndpointRecord;
      if (r.kind === 'in_service') {
        const { previousConfigName: _previous, ...rest } = current;
        next = { ...rest, status: 'InService', servedGeneration: r.generation, instances: r.instances, lastModifiedAt: now };
      } else if (current.servedGeneration > 0 && current.previousConfigName) {
        // The update failed: back to the config that served (SageMaker rolls back too), as a new generation.
        const { previousConfigName: _previous, ...rest } = current;
        next = {
          ...rest,
          configName: current.previousConfigName,
          status: 'Updating',
          failureReason: `update to endpoint config '${current.configName}' failed: ${r.reason}`,
          generation: current.generation + 1,
          lastModifiedAt: now,
        };
      } else {
        next = { ...current, status: 'Failed', failureReason: r.reason, lastModifiedAt: now };
      }
      if (await this.deps.store.replaceEndpoint(next, current.generation)) {
        this.deps.logger.info('endpoint status', { endpoint: r.name, status: next.status, generation: next.generation });
        return;
      }
    }
  }

  private async specOf(e: EndpointRecord): Promise<EndpointSpec> {
    const config = await this.deps.store.getConfig(e.configName);
    const variants: VariantSpec[] = [];
    for (const v of config.ProductionVariants) {
      const pkg = await this.packageOf(v.ModelPackageName);
      const a = v.AutoScaling;
      variants.push({
        name: v.VariantName,
        modelPackageArn: pkg.arn,
        modelPackageName: pkg.name,
        modelPath: await this.deps.models.localModelPath(pkg.modelDataUrl, pkg.modelSha256),
        modelSha256: pkg.modelSha256,
        weight: v.InitialVariantWeight,
        instances: a
          ? {
              initial: v.InitialInstanceCount,
              min: a.MinCapacity,
              max: a.MaxCapacity,
              targetInvocationsPerInstance: a.TargetValue,
              scaleInCooldownSeconds: a.ScaleInCooldown,
              scaleOutCooldownSeconds: a.ScaleOutCooldown,
            }
          : {
              initial: v.InitialInstanceCount,
              min: v.InitialInstanceCount,
              max: v.InitialInstanceCount,
              scaleInCooldownSeconds: 60,
              scaleOutCooldownSeconds: 60,
            },
      });
    }
    const c = config.DataCaptureConfig;
    const modes = new Set(c?.CaptureOptions.map((o) => o.CaptureMode));
    return {
      name: e.name,
      arn: e.arn,
      configName: config.EndpointConfigName,
      generation: e.generation,
      variants,
      ...(c && c.EnableCapture
        ? {
            capture: {
              samplingPercent: c.InitialSamplingPercentage,
              destinationUri: c.DestinationS3Uri,
              destinationPath: this.deps.models.localCaptureFolder(c.DestinationS3Uri),
              captureInput: modes.has('Input'),
              captureOutput: modes.has('Output'),
              csvContentTypes: c.CaptureContentTypeHeader?.CsvContentTypes ?? ['text/csv'],
              jsonContentTypes: c.CaptureContentTypeHeader?.JsonContentTypes ?? ['application/json'],
            },
          }
        : {}),
    };
  }

  private async packageOf(ref: string): Promise<ModelPackage> {
    if (ref.startsWith('arn:')) {
      if (!parseModelPackageArn(ref)) throw new InvalidArgumentError(`'${ref}' is not a model package ARN`);
      return this.deps.registry.describeArn(ref);
    }
    const slash = ref.lastIndexOf('/');
    if (slash <= 0) throw new InvalidArgumentError(`model package '${ref}': give <group>/<version> or a model package ARN`);
    return this.deps.registry.describe(ref.slice(0, slash), parseVersion(ref.slice(slash + 1)));
  }

  private async checkApproved(config: EndpointConfig): Promise<void> {
    for (const v of config.ProductionVariants) assertApproved(await this.packageOf(v.ModelPackageName));
  }
}

function assertApproved(pkg: ModelPackage): void {
  if (pkg.approvalStatus !== 'Approved')
    throw new FailedPreconditionError(
      `model package ${pkg.name} is ${pkg.approvalStatus}: only Approved versions can be deployed (driftline registry approve ${pkg.group} ${pkg.version})`,
    );
}

export function validateEndpointName(name: string): void {
  if (!ENDPOINT_NAME_PATTERN.test(name))
    throw new InvalidArgumentError(`invalid endpoint name '${name}': use 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit`);
}

/** `<endpoint>-<yyyymmddhhmmssmmm>` (`-2`, `-3`… for later attempts), cut to 63 characters (SageMaker's limit). */
export function configNameFor(endpoint: string, now: number, attempt = 1): string {
  const stamp = new Date(now).toISOString().replace(/[-:TZ.]/g, '') + (attempt > 1 ? `-${attempt}` : '');
  return `${endpoint.slice(0, 63 - stamp.length - 1).replace(/-+$/, '')}-${stamp}`;
}
