import { InvalidArgumentError } from '../core/errors.js';
import { APPROVAL_STATUSES, type ApprovalStatus } from './types.js';

/** SageMaker's ModelPackageGroupName pattern: 1 to 63 letters, digits and inner hyphens. */
export const GROUP_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Limits of the SageMaker API that driftline enforces the same way. */
export const REGISTRY_LIMITS = {
  approvalDescription: 1024,
  customerMetadataEntries: 50,
  customerMetadataKey: 128,
  customerMetadataValue: 256,
  tagKey: 128,
  tagValue: 256,
  tags: 50,
  groupDescription: 1024,
} as const;

export function validateGroupName(name: string): string {
  if (!GROUP_NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(
      `invalid model package group name '${name}': use 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit`,
    );
  }
  return name;
}

export function validateApprovalStatus(status: string): ApprovalStatus {
  if (!(APPROVAL_STATUSES as readonly string[]).includes(status)) {
    throw new InvalidArgumentError(`invalid approval status '${status}': use one of ${APPROVAL_STATUSES.join(', ')}`);
  }
  return status as ApprovalStatus;
}

export function validateApprovalReason(reason: string | undefined): string | undefined {
  if (reason !== undefined && reason.length > REGISTRY_LIMITS.approvalDescription) {
    throw new InvalidArgumentError(`approval description is ${reason.length} characters long: at most ${REGISTRY_LIMITS.approvalDescription} allowed`);
  }
  return reason === '' ? undefined : reason;
}

export function validateActor(by: string): string {
  if (by.trim() === '') throw new InvalidArgumentError('who approves or rejects must be named (got an empty name)');
  return by;
}

/** CustomerMetadataProperties: 1 to 50 entries (an empty map means none), keys 1-128 characters, values up to 256. */
export function validateCustomerMetadata(metadata: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return validateMap(
    'customer metadata',
    metadata,
    REGISTRY_LIMITS.customerMetadataEntries,
    REGISTRY_LIMITS.customerMetadataKey,
    REGISTRY_LIMITS.customerMetadataValue,
  );
}

/** Tags: up to 50, keys 1-128 characters, values up to 256. */
export function validateTags(tags: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return validateMap('tags', tags, REGISTRY_LIMITS.tags, REGISTRY_LIMITS.tagKey, REGISTRY_LIMITS.tagValue);
}

function validateMap(
  what: string,
  map: Readonly<Record<string, string>> | undefined,
  maxEntries: number,
  maxKey: number,
  maxValue: number,
): Record<string, string> {
  const entries = Object.entries(map ?? {});
  if (entries.length > maxEntries) throw new InvalidArgumentError(`${what} has ${entries.length} entries: at most ${maxEntries} allowed`);
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > maxKey) throw new InvalidArgumentError(`${what} key '${key.slice(0, 40)}' must be 1 to ${maxKey} characters long`);
    if (typeof value !== 'string') throw new InvalidArgumentError(`${what} value of '${key}' must be a string`);
    if (value.length > maxValue) throw new InvalidArgumentError(`${what} value of '${key}' is ${value.length} characters long: at most ${maxValue} allowed`);
  }
  return Object.fromEntries(entries);
}

/** A model version number given as text (CLI) or number: a positive integer. */
export function parseVersion(version: string | number): number {
  const n = typeof version === 'number' ? version : /^\d+$/.test(version.trim()) ? Number(version.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`invalid model package version '${version}': use a whole number from 1`);
  return n;
}
