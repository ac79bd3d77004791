export {
  ProjectService,
  DEFAULT_RETRAIN_SCHEDULE,
  DEFINITION_FILE,
  PROJECT_DEPLOY_TAG,
  driftPattern,
  shellQuote,
  validateProjectName,
} from './project-service.js';
export type { ProjectPlatform, ProjectServiceDeps, CreateProjectInput } from './project-service.js';
export type { GitPort, ProjectFiles, CommitInfo } from './ports.js';
export type { ProjectRecord, ProjectStatus, CliCommand } from './types.js';
