import { modelQualityStatisticsUri, parseModelQualityMetrics, type ModelPackage, type ModelQualityMetrics } from '../registry/index.js';

/**
 * Reads a version's model quality metrics (rmse, r2… of its ModelMetrics.ModelQuality.Statistics file,
 * an artifact or a local file): undefined when it has none, or the file is gone or not such a file
 * (a listing shows what it can rather than fail on one version).
 */
export function modelQualityReader(readText: (uri: string) => Promise<string>): (pkg: ModelPackage) => Promise<ModelQualityMetrics | undefined> {
  return async (pkg) => {
    const uri = modelQualityStatisticsUri(pkg);
    if (uri === undefined) return undefined;
    const text = await readText(uri).catch(() => undefined);
    return text === undefined ? undefined : parseModelQualityMetrics(text);
  };
}
