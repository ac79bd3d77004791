export * from './types.js';
export type { DeploymentStore, DeploymentQuery } from './deployment-store.js';
export {
  DeploymentService,
  AUTO_DEPLOY_TAG,
  SAMPLE_VARIANT,
  endpointNameFor,
  type DeployTarget,
  type AlarmRegistrar,
  type ScheduleRegistrar,
  type ModelQualityPorts,
  type DeploymentServiceDeps,
  type StartDeploymentInput,
} from './deployment-service.js';
export { parseStageConfig, SAMPLE_PROD_CONFIG, SAMPLE_STAGING_CONFIG, DEFAULT_APPROVAL_TIMEOUT_MS } from './stage-configs.js';
export {
  ChallengerGate,
  AUTO_PROMOTE_TAG,
  GATE,
  trainedUntilOf,
  type ChallengerGateDeps,
  type ChallengerScorer,
  type GateDecision,
  type GateOutcome,
  type RegressionScores,
} from './challenger-gate.js';
