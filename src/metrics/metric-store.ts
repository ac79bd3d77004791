import type { MetricDatum, MetricId } from './types.js';

/** Where metric data points live (SQL adapter in `store/`). */
export interface MetricStore {
  /** Stores data points (one transaction). */
  put(data: readonly MetricDatum[]): Promise<void>;
  /** The data points of one metric (exact dimensions) with `from <= timestamp < to`, oldest first. */
  query(metric: MetricId, from: number, to: number): Promise<MetricDatum[]>;
  /** Every distinct metric, optionally of one namespace and/or name. */
  listMetrics(filter?: { readonly namespace?: string; readonly name?: string }): Promise<MetricId[]>;
  /** The latest data point of each metric of a namespace (for `GET /metrics`). */
  latest(namespace?: string): Promise<MetricDatum[]>;
  /** Drops data points older than `before`; returns how many. */
  deleteBefore(before: number): Promise<number>;
}
