import { rm } from 'node:fs/promises';
import path from 'node:path';
import { FEATURE_COLUMNS } from '../data/index.js';
import type { ChallengerScorer } from '../deploy/index.js';
import type { TrainingService } from '../ml/index.js';
import type { GroundTruthService } from '../monitor/index.js';
import type { ModelArtifacts } from '../serving/index.js';

/**
 * Scores models on an endpoint's labelled traffic: the window's captured inputs joined with their
 * ground truth, exported as a features table (fare first, as the test split), then each model's
 * rmse, mae and r2 on it, as the build's evaluation computes them.
 */
export function captureChallengerScorer(deps: {
  readonly groundTruth: GroundTruthService;
  readonly training: TrainingService;
  readonly models: ModelArtifacts;
  /** Where the temporary table goes. */
  readonly scratchDir: string;
  readonly ids: (prefix: string) => string;
}): ChallengerScorer {
  return {
    async compare(endpointName, fromMs, toMs, models) {
      const file = path.join(deps.scratchDir, `${deps.ids('compare')}.csv`);
      try {
        const exported = await deps.groundTruth.exportTrainingData(endpointName, { fromMs, toMs, file, header: FEATURE_COLUMNS });
        if (exported.rows === 0) return { rows: 0, scores: [] };
        const scores = [];
        for (const pkg of models) {
          const modelFile = await deps.models.localModelPath(pkg.modelDataUrl, pkg.modelSha256);
          const m = (await deps.training.evaluate(modelFile, file)).regression_metrics;
          scores.push({ rmse: m.rmse.value, mae: m.mae.value, r2: m.r2.value });
        }
        return { rows: exported.rows, scores };
      } finally {
        await rm(file, { force: true });
      }
    },
  };
}
