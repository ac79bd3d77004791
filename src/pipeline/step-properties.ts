import type { StepType } from './definition.js';

/** The top-level properties each step type exposes to `{"Get": "Steps.<name>.<Property>…"}`. */
export const STEP_PROPERTY_ROOTS: Readonly<Record<StepType, readonly string[]>> = {
  Processing: [
    'ProcessingJobName',
    'ProcessingJobArn',
    'ProcessingJobStatus',
    'ProcessingOutputConfig',
    'ProcessingInputs',
    'AppSpecification',
    'Environment',
    'ExitMessage',
    'PropertyFiles',
  ],
  Training: [
    'TrainingJobName',
    'TrainingJobArn',
    'TrainingJobStatus',
    'ModelArtifacts',
    'FinalMetricDataList',
    'HyperParameters',
    'OutputDataConfig',
    'BestIteration',
  ],
  QualityCheck: [
    'CalculatedBaselineStatistics',
    'CalculatedBaselineConstraints',
    'BaselineUsedForDriftCheckStatistics',
    'BaselineUsedForDriftCheckConstraints',
    'ViolationReport',
    'ProcessingJobName',
    'ProcessingJobArn',
  ],
  Condition: ['Outcome'],
  RegisterModel: ['ModelPackageArn', 'ModelPackageName', 'ModelPackageVersion', 'ModelApprovalStatus', 'ModelPackageGroupName'],
  Fail: [],
};

/** Built-in processors a Processing step can run with `AppSpecification.ImageUri = "driftline:<name>"`. */
export const BUILTIN_PROCESSORS = ['prepare', 'evaluate', 'score-baseline', 'suggest-baseline'] as const;
export type BuiltinProcessor = (typeof BUILTIN_PROCESSORS)[number];

/** The prefix that marks a built-in image. */
export const BUILTIN_IMAGE_PREFIX = 'driftline:';

/** The SageMaker container root that local job folders stand in for. */
export const PROCESSING_ROOT = '/opt/ml/processing';

/**
 * The environment variable that tells a Processing job where its folders' contents come from and go
 * to: JSON `{"inputs": [{"name", "localPath", "uri"}], "outputs": [...]}`, `localPath` inside the job
 * folder, `uri` the input's source or the artifact location the output folder is stored at when the
 * job completes (so a job can record locations that outlive its folder, e.g. a dataset's files).
 */
export const JOB_FOLDERS_ENV = 'DRIFTLINE_JOB_FOLDERS';

/** The value of JOB_FOLDERS_ENV. */
export interface JobFolders {
  readonly inputs: readonly { readonly name: string; readonly localPath: string; readonly uri: string }[];
  readonly outputs: readonly { readonly name: string; readonly localPath: string; readonly uri: string }[];
}
