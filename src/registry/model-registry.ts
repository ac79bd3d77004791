import { modelPackageArn, modelPackageGroupArn, parseModelPackageArn } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import { AlreadyExistsError, AppError, InvalidArgumentError, NotFoundError, oneLine } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Page, PageRequest } from '../core/paging.js';
import type { EventBus } from '../events/index.js';
import { modelPackageStateChangeEvent } from './model-package-event.js';
import type { RegistryStore } from './registry-store.js';
import {
  REGISTRY_LIMITS,
  parseVersion,
  validateActor,
  validateApprovalReason,
  validateApprovalStatus,
  validateCustomerMetadata,
  validateGroupName,
  validateTags,
} from './registry-validation.js';
import type { ApprovalChange, ApprovalStatus, DriftCheckBaselines, ListVersionsQuery, ModelMetrics, ModelPackage, ModelPackageGroup } from './types.js';

/** The serving image named in a package's inference specification when the caller names none. */
export const DEFAULT_INFERENCE_IMAGE = 'driftline/gbdt-xgboost-json';
/** The content type the sample's model reads and writes. */
export const DEFAULT_CONTENT_TYPE = 'text/csv';

export interface ModelRegistryDeps {
  readonly store: RegistryStore;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

export interface CreateGroupInput {
  readonly name: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** What RegisterModel (CreateModelPackage) takes. Only the group, the artifact and its hash are required. */
export interface RegisterModelInput {
  readonly group: string;
  /** Description of the group, used only if `register` creates it. */
  readonly groupDescription?: string;
  /** Where the model artifact is (`file://…` or `s3://…`). */
  readonly modelDataUrl: string;
  /** SHA-256 (hex) of the artifact. */
  readonly modelSha256: string;
  /** Serving image; default `DEFAULT_INFERENCE_IMAGE`. */
  readonly image?: string;
  /** Default [`text/csv`]. */
  readonly supportedContentTypes?: readonly string[];
  /** Default [`text/csv`]. */
  readonly supportedResponseMimeTypes?: readonly string[];
  readonly modelMetrics?: ModelMetrics;
  readonly driftCheckBaselines?: DriftCheckBaselines;
  /** Default PendingManualApproval (the sample's pipeline parameter default). */
  readonly approvalStatus?: ApprovalStatus | string;
  /** ApprovalDescription, at most 1024 characters. */
  readonly approvalDescription?: string;
  /** The pipeline execution ARN (MetadataProperties.GeneratedBy). */
  readonly generatedBy?: string;
  /** Who registers, recorded as the first approval-history entry; default `generatedBy`, else `driftline`. */
  readonly registeredBy?: string;
  readonly customerMetadata?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly description?: string;
  /**
   * Makes the registration idempotent within the group: a second `register` with the same key
   * returns the first package (no new version, no event). A pipeline step passes its execution
   * and step, so a step re-run after a crash never registers twice.
   */
  readonly idempotencyKey?: string;
}

/** Who decides, and why. */
export interface ApprovalInput {
  readonly by: string;
  readonly reason?: string;
}

/**
 * The model registry (SageMaker Model Registry): groups, numbered versions, approval. Every
 * created package and every approval change is published on the event bus as a
 * "SageMaker Model Package State Change" event, after it is stored.
 */
export class ModelRegistry {
  constructor(private readonly deps: ModelRegistryDeps) {}

  /** Creates a group; `AlreadyExistsError` if one of that name exists (names compare case-insensitively). */
  async createGroup(input: CreateGroupInput): Promise<ModelPackageGroup> {
    const name = validateGroupName(input.name);
    if (input.description !== undefined && input.description.length > REGISTRY_LIMITS.groupDescription) {
      throw new InvalidArgumentError(`group description is ${input.description.length} characters long: at most ${REGISTRY_LIMITS.groupDescription} allowed`);
    }
    const group: ModelPackageGroup = {
      name,
      arn: modelPackageGroupArn(name),
      ...(input.description ? { description: input.description } : {}),
      tags: validateTags(input.tags),
      createdAt: this.deps.clock.now(),
    };
    await this.deps.store.createGroup(group);
    this.deps.logger.info('model package group created', { group: name });
    return group;
  }

  /** Returns the group, creating it first if it does not exist (safe when several callers race). */
  async ensureGroup(name: string, description?: string): Promise<ModelPackageGroup> {
    validateGroupName(name);
    try {
      return await this.deps.store.getGroup(name);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    try {
      return await this.createGroup({ name, ...(description === undefined ? {} : { description }) });
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
    try {
      return await this.deps.store.getGroup(name); // created meanwhile by another caller
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      throw new AppError('already_exists', `model package group '${name}' clashes with an existing group whose name differs only in case`);
    }
  }

  async getGroup(name: string): Promise<ModelPackageGroup> {
    return this.deps.store.getGroup(validateGroupName(name));
  }

  /** Groups by name, paged. */
  async listGroups(page?: PageRequest): Promise<Page<ModelPackageGroup>> {
    return this.deps.store.listGroups(page);
  }

  /**
   * Registers a new version of a model (SageMaker's CreateModelPackage / the RegisterModel step):
   * creates the group if missing, gives the package the next version number, stores it, publishes
   * a state-change event. With an idempotency key already used in the group, returns the earlier
   * package instead.
   */
  async register(input: RegisterModelInput): Promise<ModelPackage> {
    const group = validateGroupName(input.group);
    const approvalStatus = validateApprovalStatus(input.approvalStatus ?? 'PendingManualApproval');
    const reason = validateApprovalReason(input.approvalDescription);
    const customerMetadata = validateCustomerMetadata(input.customerMetadata);
    const tags = validateTags(input.tags);
    if (input.modelDataUrl.trim() === '') throw new InvalidArgumentError('model data URL is empty');
    if (!/^[0-9a-fA-F]{64}$/.test(input.modelSha256)) {
      throw new InvalidArgumentError(`model SHA-256 must be 64 hexadecimal digits, got '${input.modelSha256.slice(0, 80)}'`);
    }
    const by = validateActor(input.registeredBy ?? input.generatedBy ?? 'driftline');
    if (input.idempotencyKey !== undefined && input.idempotencyKey === '') throw new InvalidArgumentError('idempotency key is empty');
    const modelMetrics = plainJson(input.modelMetrics ?? {});
    const driftCheckBaselines = plainJson(input.driftCheckBaselines ?? {});
    await this.ensureGroup(group, input.groupDescription);

    const now = this.deps.clock.now();
    const decided = approvalStatus !== 'PendingManualApproval' || reason !== undefined;
    const build = (version: number): ModelPackage => ({
      group,
      version,
      arn: modelPackageArn(group, version),
      name: `${group}/${version}`,
      status: 'Completed',
      approvalStatus,
      ...(decided ? { approval: { by, at: now, ...(reason === undefined ? {} : { reason }) } } : {}),
      approvalHistory: [{ status: approvalStatus, by, at: now, ...(reason === undefined ? {} : { reason }) }],
      createdAt: now,
      lastModifiedAt: now,
      modelDataUrl: input.modelDataUrl,
      modelSha256: input.modelSha256.toLowerCase(),
      inferenceSpecification: {
        containers: [{ image: input.image ?? DEFAULT_INFERENCE_IMAGE, modelDataUrl: input.modelDataUrl }],
        supportedContentTypes: [...(input.supportedContentTypes ?? [DEFAULT_CONTENT_TYPE])],
        supportedResponseMimeTypes: [...(input.supportedResponseMimeTypes ?? [DEFAULT_CONTENT_TYPE])],
      },
      modelMetrics,
      driftCheckBaselines,
      ...(input.generatedBy === undefined ? {} : { generatedBy: input.generatedBy }),
      customerMetadata,
      tags,
      ...(input.description ? { description: input.description } : {}),
    });
    const { modelPackage, created } = await this.deps.store.insertNextVersion(group, build, input.idempotencyKey);
    if (!created) {
      this.deps.logger.info('model package already registered under this idempotency key', { arn: modelPackage.arn });
      return modelPackage;
    }
    this.deps.logger.info('model package registered', { arn: modelPackage.arn, approvalStatus });
    await this.publish(modelPackage);
    return modelPackage;
  }

  /** Versions of a group, filtered by approval status, by version number ascending unless `order: 'desc'`, paged. */
  async listVersions(group: string, query: ListVersionsQuery = {}): Promise<Page<ModelPackage>> {
    validateGroupName(group);
    if (query.approvalStatus !== undefined) validateApprovalStatus(query.approvalStatus);
    if (query.order !== undefined && query.order !== 'asc' && query.order !== 'desc') {
      throw new InvalidArgumentError(`invalid order '${String(query.order)}': use asc or desc`);
    }
    return this.deps.store.listVersions(group, query);
  }

  /** One version; `NotFoundError` if the group or the version does not exist. */
  async describe(group: string, version: number | string): Promise<ModelPackage> {
    return this.deps.store.getVersion(validateGroupName(group), parseVersion(version));
  }

  /** One version by its ARN (`…:model-package/<group>/<version>`, any region and account, group in any case). */
  async describeArn(arn: string): Promise<ModelPackage> {
    const parsed = parseModelPackageArn(arn);
    if (!parsed) throw new InvalidArgumentError(`'${arn}' is not a model package ARN (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)`);
    return this.deps.store.getVersionByArn(modelPackageArn(parsed.group, parsed.version));
  }

  approve(group: string, version: number | string, input: ApprovalInput): Promise<ModelPackage> {
    return this.updateApproval(group, version, 'Approved', input);
  }

  reject(group: string, version: number | string, input: ApprovalInput): Promise<ModelPackage> {
    return this.updateApproval(group, version, 'Rejected', input);
  }

  /**
   * Sets the approval status (SageMaker's UpdateModelPackage). Setting the status a package
   * already has is allowed: it is recorded in the history and published like any change.
   */
  async updateApproval(group: string, version: number | string, status: ApprovalStatus | string, input: ApprovalInput): Promise<ModelPackage> {
    const change: ApprovalChange = {
      status: validateApprovalStatus(status),
      by: validateActor(input.by),
      at: this.deps.clock.now(),
      ...(validateApprovalReason(input.reason) === undefined ? {} : { reason: input.reason! }),
    };
    const updated = await this.deps.store.updateApproval(validateGroupName(group), parseVersion(version), change);
    this.deps.logger.info('model package approval changed', { arn: updated.arn, approvalStatus: change.status, by: change.by });
    await this.publish(updated);
    return updated;
  }

  /**
   * Adds or replaces customer metadata properties of a version (UpdateModelPackage's
   * CustomerMetadataProperties): keys and values are checked as at registration.
   */
  async updateCustomerMetadata(group: string, version: number | string, properties: Readonly<Record<string, string>>): Promise<ModelPackage> {
    const checked = validateCustomerMetadata(properties);
    const updated = await this.deps.store.updateCustomerMetadata(validateGroupName(group), parseVersion(version), checked, this.deps.clock.now());
    this.deps.logger.info('model package metadata updated', { arn: updated.arn, keys: Object.keys(checked) });
    return updated;
  }

  /**
   * The version to deploy: the **highest version number** whose status is Approved, or undefined
   * when none is. SageMaker's ListModelPackages sorts ascending by default, so the sample's
   * "first result" would be the oldest approved package (reference 8.1 and 11.6); driftline decides
   * deliberately for the newest, which is what the sample means. Version numbers, not creation
   * times, order it: they are assigned in commit order and never tie. `NotFoundError` for an unknown group.
   */
  async latestApproved(group: string): Promise<ModelPackage | undefined> {
    const page = await this.listVersions(group, { approvalStatus: 'Approved', order: 'desc', limit: 1 });
    return page.items[0];
  }

  private async publish(pkg: ModelPackage): Promise<void> {
    try {
      await this.deps.events.publish(modelPackageStateChangeEvent(pkg, this.deps.clock, this.deps.ids));
    } catch (err) {
      // The change is stored; a failing bus must not turn a done registration into an error.
      this.deps.logger.error('publishing a model package event failed', { arn: pkg.arn, error: oneLine(err) });
    }
  }
}

/** A deep copy holding only JSON values (undefined fields dropped), so every store returns the same shape. */
function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
