export * from './types.js';
export type { DatasetStore } from './dataset-store.js';
export type { TripReader, TripBatch, TripSchema } from './trip-reader.js';
export type { ZoneLoader } from './zone-loader.js';
export type { LocalFiles, LocalFileInfo, StagedOutput, TextSink } from './local-files.js';
export { PrepareService, PREPARED_FILES, type PrepareDeps, type PrepareRequest, type PrepareResult } from './prepare-service.js';
export { geoDistanceKm } from './geo-distance.js';
