import type { MetricDatum } from '../metrics/index.js';

/** CloudWatch's namespace of endpoint invocation metrics. */
export const ENDPOINT_METRICS_NAMESPACE = 'AWS/SageMaker';

/** One variant's counters over a minute (`ServingRuntime.drainCounters`). */
export interface VariantCounters {
  readonly endpoint: string;
  readonly variant: string;
  readonly instances: number;
  readonly invocations: number;
  readonly errors4xx: number;
  readonly errors5xx: number;
  readonly latencyMsSum: number;
  readonly latencyMsMax: number;
  /** Capture records written, and dropped (full or failing disk), over the minute. */
  readonly captured?: number;
  readonly captureDropped?: number;
}

/**
 * SageMaker's endpoint invocation metrics for one minute, as CloudWatch names them (dimensions
 * EndpointName and VariantName): Invocations, Invocation4XXErrors, Invocation5XXErrors,
 * InvocationsPerInstance and, when requests succeeded, ModelLatency (average, microseconds); with
 * capture counts, driftline's own CaptureRecords and CaptureRecordsDropped.
 */
export function endpointMetricData(counters: readonly VariantCounters[], timestamp: number): MetricDatum[] {
  const out: MetricDatum[] = [];
  for (const c of counters) {
    const base = { namespace: ENDPOINT_METRICS_NAMESPACE, dimensions: { EndpointName: c.endpoint, VariantName: c.variant }, timestamp };
    const successes = c.invocations - c.errors4xx - c.errors5xx;
    out.push(
      { ...base, name: 'Invocations', value: c.invocations, unit: 'Count' },
      { ...base, name: 'Invocation4XXErrors', value: c.errors4xx, unit: 'Count' },
      { ...base, name: 'Invocation5XXErrors', value: c.errors5xx, unit: 'Count' },
      { ...base, name: 'InvocationsPerInstance', value: c.instances > 0 ? c.invocations / c.instances : 0, unit: 'Count' },
    );
    if (successes > 0) out.push({ ...base, name: 'ModelLatency', value: (c.latencyMsSum / successes) * 1000, unit: 'Microseconds' });
    if (c.captured !== undefined) out.push({ ...base, name: 'CaptureRecords', value: c.captured, unit: 'Count' });
    if (c.captureDropped !== undefined) out.push({ ...base, name: 'CaptureRecordsDropped', value: c.captureDropped, unit: 'Count' });
  }
  return out;
}
