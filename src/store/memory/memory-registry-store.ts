import { AlreadyExistsError, NotFoundError } from '../../core/errors.js';
import { decodeOffsetToken, encodeOffsetToken, pageSize, type Page, type PageRequest } from '../../core/paging.js';
import type { ApprovalChange, InsertVersionResult, ListVersionsQuery, ModelPackage, ModelPackageGroup, RegistryStore } from '../../registry/index.js';

interface StoredGroup {
  readonly group: ModelPackageGroup;
  readonly versions: ModelPackage[];
  readonly keys: Map<string, number>;
}

/** RegistryStore in process memory; passes the same contract as the SQL one. Version assignment is synchronous, hence atomic. */
export class MemoryRegistryStore implements RegistryStore {
  private readonly groups = new Map<string, StoredGroup>();

  async createGroup(group: ModelPackageGroup): Promise<void> {
    const lower = group.name.toLowerCase();
    if ([...this.groups.keys()].some((n) => n.toLowerCase() === lower)) throw new AlreadyExistsError('model package group', group.name);
    this.groups.set(group.name, { group: structuredClone(group), versions: [], keys: new Map() });
  }

  async getGroup(name: string): Promise<ModelPackageGroup> {
    return structuredClone(this.stored(name).group);
  }

  async listGroups(page?: PageRequest): Promise<Page<ModelPackageGroup>> {
    const all = [...this.groups.values()].map((g) => g.group).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return slice(all, page);
  }

  async insertNextVersion(group: string, build: (version: number) => ModelPackage, idempotencyKey?: string): Promise<InsertVersionResult> {
    const stored = this.stored(group);
    if (idempotencyKey !== undefined) {
      const existing = stored.keys.get(idempotencyKey);
      if (existing !== undefined) return { modelPackage: structuredClone(stored.versions[existing - 1]!), created: false };
    }
    const version = stored.versions.length + 1;
    const pkg = structuredClone(build(version));
    if (pkg.version !== version || pkg.group !== group) {
      throw new Error(`registry store: build(${version}) returned version ${pkg.version} of group '${pkg.group}'`);
    }
    stored.versions.push(pkg);
    if (idempotencyKey !== undefined) stored.keys.set(idempotencyKey, version);
    return { modelPackage: structuredClone(pkg), created: true };
  }

  async getVersion(group: string, version: number): Promise<ModelPackage> {
    const found = this.groups.get(group)?.versions[version - 1];
    if (!found) throw new NotFoundError('model package', `${group}/${version}`);
    return structuredClone(found);
  }

  async getVersionByArn(arn: string): Promise<ModelPackage> {
    for (const g of this.groups.values()) {
      const found = g.versions.find((p) => p.arn === arn);
      if (found) return structuredClone(found);
    }
    throw new NotFoundError('model package', arn);
  }

  async listVersions(group: string, query: ListVersionsQuery = {}): Promise<Page<ModelPackage>> {
    const stored = this.stored(group);
    const filtered = stored.versions.filter((p) => query.approvalStatus === undefined || p.approvalStatus === query.approvalStatus);
    const ordered = query.order === 'desc' ? [...filtered].reverse() : filtered;
    return slice(ordered, query);
  }

  async updateApproval(group: string, version: number, change: ApprovalChange): Promise<ModelPackage> {
    const stored = this.groups.get(group);
    const current = stored?.versions[version - 1];
    if (!stored || !current) throw new NotFoundError('model package', `${group}/${version}`);
    const c = structuredClone(change);
    const updated: ModelPackage = {
      ...current,
      approvalStatus: c.status,
      approval: { by: c.by, at: c.at, ...(c.reason === undefined ? {} : { reason: c.reason }) },
      approvalHistory: [...current.approvalHistory, c],
      lastModifiedAt: c.at,
    };
    stored.versions[version - 1] = updated;
    return structuredClone(updated);
  }

  async updateCustomerMetadata(group: string, version: number, properties: Readonly<Record<string, string>>, at: number): Promise<ModelPackage> {
    const stored = this.groups.get(group);
    const current = stored?.versions[version - 1];
    if (!stored || !current) throw new NotFoundError('model package', `${group}/${version}`);
    const updated: ModelPackage = { ...current, customerMetadata: { ...current.customerMetadata, ...structuredClone(properties) }, lastModifiedAt: at };
    stored.versions[version - 1] = updated;
    return structuredClone(updated);
  }

  private stored(name: string): StoredGroup {
    const found = this.groups.get(name);
    if (!found) throw new NotFoundError('model package group', name);
    return found;
  }
}

function slice<T>(all: readonly T[], page: PageRequest | undefined): Page<T> {
  const limit = pageSize(page);
  const offset = decodeOffsetToken(page?.pageToken);
  const items = all.slice(offset, offset + limit).map((x) => structuredClone(x));
  return offset + limit < all.length ? { items, nextPageToken: encodeOffsetToken(offset + limit) } : { items };
}
