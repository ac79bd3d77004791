export * from './types.js';
export type { DatasetStore } from './dataset-store.js';
