import type { PipelineDefinition } from './definition.js';
import { PipelineBuilder, conditions, join, jsonGet } from './pipeline-builder.js';

/** What the NYC taxi build pipeline's defaults point at. */
export interface NycTaxiBuildOptions {
  /** Folder (or file) of raw TLC trip files: InputDataUrl's default. */
  readonly inputDataUrl: string;
  /** taxi_zones.zip or a centroid CSV: InputZonesUrl's default. */
  readonly inputZonesUrl: string;
  readonly modelPackageGroupName?: string;
  /** Step caching (ExpireAfter 30 days); the sample ships it disabled, driftline enables it. */
  readonly cache?: boolean;
}

/** The sample's TrainModel hyperparameters, as pipeline parameters. */
export const SAMPLE_HYPERPARAMETER_PARAMETERS = {
  Objective: ['objective', 'reg:squarederror'],
  NumRound: ['num_round', 100],
  EarlyStoppingRounds: ['early_stopping_rounds', 10],
  MaxDepth: ['max_depth', 9],
  Eta: ['eta', 0.2],
  Gamma: ['gamma', 4],
  MinChildWeight: ['min_child_weight', 300],
  Subsample: ['subsample', 0.8],
} as const;

/**
 * The sample's build pipeline, on this engine: PreprocessData -> (DataQualityBaselineJob ||
 * TrainModel) -> (EvaluateModel || ScoreBaseline -> PredictionBaselineJob) -> CheckEvaluation
 * (rmse <= RmseThreshold, default 7.0) -> RegisterModel (PendingManualApproval by default).
 *
 * The version's data-quality baseline (ModelMetrics.ModelDataQuality and
 * DriftCheckBaselines.ModelDataQuality, which the production monitoring schedule checks against)
 * is PredictionBaselineJob's: the baseline dataset with its `fare_amount` column replaced by the
 * trained model's predictions (ScoreBaseline), because a monitoring run puts the endpoint's output,
 * a predicted fare, in that column. Against the actual fares, predictions (smoother than real
 * fares) drift by about 0.13 on a healthy month. The sample's DataQualityBaselineJob (the prepared
 * data as it is, actual fares included) still runs beside training as the pipeline's profile of
 * its training data (its output, in the lineage); RegisterModel depends on it, so that no step
 * that failed ever leaves a registered version behind.
 *
 * The model-quality baseline EvaluateModel computes on the validation split (statistics.json with
 * regression_metrics, constraints.json with regression_constraints) is the version's
 * ModelMetrics.ModelQuality and DriftCheckBaselines.ModelQuality. evaluation.json (test split) stays
 * what CheckEvaluation reads, as in the sample.
 */
export function nycTaxiBuildPipeline(o: NycTaxiBuildOptions): PipelineDefinition {
  const b = new PipelineBuilder();
  b.stringParameter('InputSource', 'Studio');
  const data = b.stringParameter('InputDataUrl', o.inputDataUrl);
  const zones = b.stringParameter('InputZonesUrl', o.inputZonesUrl);
  const approval = b.stringParameter('ModelApprovalStatus', 'PendingManualApproval', ['PendingManualApproval', 'Approved', 'Rejected']);
  const group = b.stringParameter('ModelPackageGroupName', o.modelPackageGroupName ?? 'nyc-taxi');
  const seed = b.integerParameter('Seed', 42);
  const threshold = b.floatParameter('RmseThreshold', 7.0);
  const hyperparameters: Record<string, { Get: string }> = {};
  for (const [param, [hp, def]] of Object.entries(SAMPLE_HYPERPARAMETER_PARAMETERS)) {
    const p = typeof def === 'string' ? b.stringParameter(param, def) : Number.isInteger(def) ? b.integerParameter(param, def) : b.floatParameter(param, def);
    hyperparameters[hp] = p.ref;
  }
  const cache = o.cache === false ? { Enabled: false, ExpireAfter: 'P30D' } : { Enabled: true, ExpireAfter: 'P30D' };
  const retry = [{ ExceptionType: ['Step.SERVICE_FAULT', 'Step.THROTTLING'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }];

  const prep = b.processing('PreprocessData', {
    processor: 'prepare',
    arguments: [
      '--trips',
      '/opt/ml/processing/input/data',
      '--zones',
      '/opt/ml/processing/input/zones',
      '--out',
      '/opt/ml/processing/output',
      '--seed',
      seed.ref,
    ],
    inputs: [
      { name: 'data', source: data.ref },
      { name: 'zones', source: zones.ref },
    ],
    outputs: ['train', 'validation', 'test', 'baseline'].map((name) => ({ name })),
    cache,
    retry,
  });
  // No model package group: the group's registered data-quality baselines profile predictions, which
  // actual fares must never be checked against (were SkipCheck turned off).
  const trainingDataBaseline = b.qualityCheck('DataQualityBaselineJob', {
    dataset: prep.output('baseline'),
    header: true,
    skipCheck: true,
    registerNewBaseline: true,
    cache,
    retry,
  });
  const train = b.training('TrainModel', {
    hyperparameters,
    channels: { train: prep.output('train'), validation: prep.output('validation') },
    cache,
    retry,
  });
  // Listed before EvaluateModel so that it takes the free slot first: it starts the longer chain to RegisterModel.
  const scored = b.processing('ScoreBaseline', {
    processor: 'score-baseline',
    arguments: ['--model', '/opt/ml/processing/model', '--dataset', '/opt/ml/processing/baseline', '--out', '/opt/ml/processing/output/baseline'],
    inputs: [
      { name: 'model', source: train.property('ModelArtifacts.S3ModelArtifacts'), localPath: '/opt/ml/processing/model' },
      { name: 'baseline', source: prep.output('baseline'), localPath: '/opt/ml/processing/baseline' },
    ],
    outputs: [{ name: 'baseline' }],
    cache,
    retry,
  });
  const predictionBaseline = b.qualityCheck('PredictionBaselineJob', {
    dataset: scored.output('baseline'),
    header: true,
    modelPackageGroupName: group.ref,
    skipCheck: true,
    registerNewBaseline: true,
    cache,
    retry,
  });
  const evaluate = b.processing('EvaluateModel', {
    processor: 'evaluate',
    arguments: [
      '--model',
      '/opt/ml/processing/model',
      '--test',
      '/opt/ml/processing/test',
      '--out',
      '/opt/ml/processing/evaluation',
      '--validation',
      '/opt/ml/processing/validation',
      '--model-quality-out',
      '/opt/ml/processing/model_quality',
    ],
    inputs: [
      { name: 'model', source: train.property('ModelArtifacts.S3ModelArtifacts'), localPath: '/opt/ml/processing/model' },
      { name: 'test', source: prep.output('test'), localPath: '/opt/ml/processing/test' },
      { name: 'validation', source: prep.output('validation'), localPath: '/opt/ml/processing/validation' },
    ],
    outputs: [
      { name: 'evaluation', localPath: '/opt/ml/processing/evaluation' },
      { name: 'model_quality', localPath: '/opt/ml/processing/model_quality' },
    ],
    propertyFiles: [{ name: 'EvaluationReport', output: 'evaluation', path: 'evaluation.json' }],
    cache,
    retry,
  });
  const register = b.registerModel('RegisterModel', {
    group: group.ref,
    approvalStatus: approval.ref,
    modelDataUrl: train.property('ModelArtifacts.S3ModelArtifacts'),
    modelQualityStatistics: join('/', [evaluate.output('model_quality'), 'statistics.json']),
    modelQualityConstraints: join('/', [evaluate.output('model_quality'), 'constraints.json']),
    dataQualityStatistics: predictionBaseline.property('BaselineUsedForDriftCheckStatistics'),
    dataQualityConstraints: predictionBaseline.property('BaselineUsedForDriftCheckConstraints'),
    customerMetadata: { InputSource: { Get: 'Parameters.InputSource' } },
    dependsOn: [trainingDataBaseline],
  });
  b.condition('CheckEvaluation', {
    conditions: [conditions.lessThanOrEqualTo(jsonGet(evaluate.propertyFile('EvaluationReport'), 'regression_metrics.rmse.value'), threshold.ref)],
    ifSteps: [register],
    elseSteps: [],
  });
  return b.build({ description: 'NYC taxi fare model build pipeline (SageMaker drift detection sample)' });
}
