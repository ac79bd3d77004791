import type { Page, PageRequest } from '../core/paging.js';
import type { EndpointConfig, EndpointRecord } from './types.js';

/** Endpoint configs and endpoints (SQL adapter in `store/`). */
export interface EndpointStore {
  /** Inserts a config; `already_exists` if the name is taken (configs are immutable). */
  insertConfig(config: EndpointConfig): Promise<EndpointConfig>;
  /** `not_found` if absent. */
  getConfig(name: string): Promise<EndpointConfig>;
  listConfigs(page?: PageRequest): Promise<Page<EndpointConfig>>;
  /** `failed_precondition` while an endpoint uses it; `not_found` if absent. */
  deleteConfig(name: string): Promise<void>;

  /** Inserts an endpoint; `already_exists` if the name is taken. */
  insertEndpoint(endpoint: EndpointRecord): Promise<EndpointRecord>;
  /** `not_found` if absent. */
  getEndpoint(name: string): Promise<EndpointRecord>;
  /** By name. */
  listEndpoints(page?: PageRequest): Promise<Page<EndpointRecord>>;
  /**
   * Replaces the endpoint if its generation is still `expectGeneration` (optimistic concurrency:
   * a report about an older generation, or two updates racing, never overwrite a newer state).
   * Returns the stored record, or undefined when the generation moved on. `not_found` if absent.
   */
  replaceEndpoint(endpoint: EndpointRecord, expectGeneration: number): Promise<EndpointRecord | undefined>;
  /** `not_found` if absent. */
  deleteEndpoint(name: string): Promise<void>;
}
