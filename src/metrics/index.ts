export * from './types.js';
export type { MetricStore } from './metric-store.js';
export { MetricsService, DEFAULT_RETENTION_MS, type GetStatisticsInput, type MetricsServiceDeps } from './metrics-service.js';
export { periodStart, periodStatistics, statisticValue, parseStatistic, percentileOf } from './period-statistics.js';
