import type { Page, PageRequest } from '../core/paging.js';
import type { DeploymentRecord, DeploymentStatus } from './types.js';

export interface DeploymentQuery extends PageRequest {
  readonly group?: string;
  readonly status?: DeploymentStatus;
}

/** Deployment pipeline executions (SQL adapter in `store/`). */
export interface DeploymentStore {
  /** `already_exists` if the id is taken. */
  insertDeployment(d: DeploymentRecord): Promise<DeploymentRecord>;
  /** `not_found` if absent. */
  getDeployment(id: string): Promise<DeploymentRecord>;
  /** Newest first. */
  listDeployments(query?: DeploymentQuery): Promise<Page<DeploymentRecord>>;
  /**
   * Replaces the execution if its revision is still `d.revision - 1`; returns undefined when
   * another writer got there first (the caller reads again and decides again).
   */
  replaceDeployment(d: DeploymentRecord): Promise<DeploymentRecord | undefined>;
}
