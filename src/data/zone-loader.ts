import type { ZoneCentroid } from './types.js';

/**
 * Loads taxi-zone centroids (WGS84) from TLC's `taxi_zones.zip` shapefile or from a centroid CSV
 * (`LocationID,latitude,longitude`, extra columns allowed). Adapter: `ZoneFileLoader`.
 * A missing file throws `NotFoundError`; a zip without its .shp, a CSV without those columns or an
 * unreadable file throws `InvalidArgumentError`.
 */
export interface ZoneLoader {
  load(file: string): Promise<{ source: 'shapefile' | 'csv'; zones: ZoneCentroid[] }>;
}
