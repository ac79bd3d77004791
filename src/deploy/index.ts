export * from './types.js';
export type { DeploymentStore, DeploymentQuery } from './deployment-store.js';
