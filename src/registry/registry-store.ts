import type { Page, PageRequest } from '../core/paging.js';
import type { ApprovalChange, ListVersionsQuery, ModelPackage, ModelPackageGroup } from './types.js';

/** What `insertNextVersion` did: inserted a new version, or found the one registered earlier with the same idempotency key. */
export interface InsertVersionResult {
  readonly modelPackage: ModelPackage;
  readonly created: boolean;
}

/**
 * Persists model package groups and versions. Adapters: `SqlRegistryStore` (SQLite now,
 * PostgreSQL later, same code), `MemoryRegistryStore`. Contract (store/contract/registry-store.contract.ts):
 * - `createGroup` throws `AlreadyExistsError` when a group of that name exists (names compare
 *   case-insensitively, as the ARN lower-cases them); `getGroup` throws `NotFoundError`;
 *   `listGroups` returns groups by name, paged;
 * - `insertNextVersion` throws `NotFoundError` for an unknown group; otherwise, atomically, it gives
 *   the new package version max(version) + 1 (1 for the first), calls `build(version)` and stores
 *   what it returns. Concurrent callers (in one process, or several processes on one database)
 *   get distinct consecutive versions, never a gap or a duplicate. With an `idempotencyKey`
 *   already used in that group, nothing is inserted and the earlier package is returned with
 *   `created: false` (`build` is not called);
 * - `getVersion` / `getVersionByArn` return exactly what was built, or throw `NotFoundError`;
 * - `listVersions` filters by approval status, orders by version (ascending by default), pages;
 *   it throws `NotFoundError` for an unknown group;
 * - `updateApproval` sets the approval status, `approval` (by, at, reason), `lastModifiedAt` = `at`,
 *   appends the change to `approvalHistory`, and returns the updated package.
 * No connection, row or transaction type crosses this port.
 */
export interface RegistryStore {
  createGroup(group: ModelPackageGroup): Promise<void>;
  getGroup(name: string): Promise<ModelPackageGroup>;
  listGroups(page?: PageRequest): Promise<Page<ModelPackageGroup>>;
  insertNextVersion(group: string, build: (version: number) => ModelPackage, idempotencyKey?: string): Promise<InsertVersionResult>;
  getVersion(group: string, version: number): Promise<ModelPackage>;
  getVersionByArn(arn: string): Promise<ModelPackage>;
  listVersions(group: string, query?: ListVersionsQuery): Promise<Page<ModelPackage>>;
  updateApproval(group: string, version: number, change: ApprovalChange): Promise<ModelPackage>;
  /** Sets (adds or replaces) customer metadata properties; `not_found` for an unknown version. */
  updateCustomerMetadata(group: string, version: number, properties: Readonly<Record<string, string>>, at: number): Promise<ModelPackage>;
}
