import { readFile } from 'node:fs/promises';
import type proj4 from 'proj4';
import { InvalidArgumentError, NotFoundError, oneLine } from '../../core/errors.js';
import { polygonCentroid, type Ring } from '../polygon-centroid.js';
import type { ZoneCentroid } from '../types.js';
import type { ZoneLoader } from '../zone-loader.js';

/** TLC's CRS (NAD83 / New York Long Island, US survey feet), used when a zip carries no .prj. */
const EPSG_2263 =
  '+proj=lcc +lat_0=40.1666666666667 +lon_0=-74 +lat_1=41.0333333333333 +lat_2=40.6666666666667 +x_0=300000 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=us-ft +no_defs';

/**
 * Loads zone centroids from TLC's `taxi_zones.zip` (polygon centroids computed in the shapefile's
 * projected CRS, then reprojected to WGS84 with proj4 from the .prj) or from a centroid CSV.
 * Polygons are matched to zones by `OBJECTID` (the shapefile's own `LocationID` is wrong for a few).
 */
export class ZoneFileLoader implements ZoneLoader {
  async load(file: string): Promise<{ source: 'shapefile' | 'csv'; zones: ZoneCentroid[] }> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new NotFoundError('zones file', file, { cause: err });
    }
    const lower = file.toLowerCase();
    if (lower.endsWith('.zip')) return { source: 'shapefile', zones: await fromShapefileZip(file, bytes) };
    if (lower.endsWith('.csv')) return { source: 'csv', zones: fromCentroidCsv(file, bytes.toString('utf8')) };
    throw new InvalidArgumentError(`${file}: unsupported zones file (expected taxi_zones.zip or a centroid .csv)`);
  }
}

async function fromShapefileZip(file: string, bytes: Uint8Array): Promise<ZoneCentroid[]> {
  // Loaded on first use: most commands never read a shapefile.
  const [{ unzipSync }, { default: proj4 }, { default: shp }] = await Promise.all([import('fflate'), import('proj4'), import('shpjs')]);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw new InvalidArgumentError(`${file}: not a readable zip archive: ${oneLine(err)}`, { cause: err });
  }
  const names = Object.keys(entries).filter((n) => !n.includes('__MACOSX'));
  const shpName = names.find((n) => n.toLowerCase().endsWith('.shp'));
  if (!shpName) throw new InvalidArgumentError(`${file}: the zip holds no .shp file (found: ${names.join(', ') || 'nothing'})`);
  const base = shpName.slice(0, -4);
  const sibling = (ext: string) => names.find((n) => n.toLowerCase() === `${base}.${ext}`.toLowerCase());
  const dbfName = sibling('dbf');
  if (!dbfName) throw new InvalidArgumentError(`${file}: the zip holds ${shpName} but no ${base}.dbf with the zone ids`);
  const prjName = sibling('prj');
  const crs = prjName ? new TextDecoder().decode(entries[prjName]) : EPSG_2263;

  let toWgs84: proj4.Converter;
  try {
    toWgs84 = proj4(crs, 'EPSG:4326');
  } catch (err) {
    throw new InvalidArgumentError(`${file}: cannot understand the projection in ${prjName}: ${oneLine(err)}`, { cause: err });
  }
  let collection: { features: { geometry: { type: string; coordinates: unknown } | null; properties: Record<string, unknown> }[] };
  try {
    collection = (await shp({ shp: entries[shpName]!, dbf: entries[dbfName]! })) as unknown as typeof collection;
  } catch (err) {
    throw new InvalidArgumentError(`${file}: cannot read the shapefile: ${oneLine(err)}`, { cause: err });
  }
  const zones: ZoneCentroid[] = [];
  for (const feature of collection.features) {
    const id = Number(feature.properties['OBJECTID'] ?? feature.properties['LocationID']);
    const geometry = feature.geometry;
    if (!Number.isInteger(id) || !geometry) continue;
    const polygons =
      geometry.type === 'Polygon' ? [geometry.coordinates as Ring[]] : geometry.type === 'MultiPolygon' ? (geometry.coordinates as Ring[][]) : undefined;
    if (!polygons) continue;
    const [x, y] = polygonCentroid(polygons);
    const [longitude, latitude] = toWgs84.forward([x, y]) as [number, number];
    zones.push({ locationId: id, latitude, longitude });
  }
  if (zones.length === 0) throw new InvalidArgumentError(`${file}: the shapefile holds no zone polygons`);
  return zones.sort((a, b) => a.locationId - b.locationId);
}

function fromCentroidCsv(file: string, text: string): ZoneCentroid[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const idCol = header.indexOf('locationid');
  const latCol = header.indexOf('latitude');
  const lonCol = header.indexOf('longitude');
  if (idCol < 0 || latCol < 0 || lonCol < 0) {
    throw new InvalidArgumentError(`${file}: a centroid CSV needs the columns LocationID, latitude, longitude`);
  }
  const zones: ZoneCentroid[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    const locationId = Number(cells[idCol]);
    const latitude = Number(cells[latCol]);
    const longitude = Number(cells[lonCol]);
    if (!Number.isInteger(locationId) || !Number.isFinite(latitude) || !Number.isFinite(longitude)) {
      throw new InvalidArgumentError(`${file}: line ${i + 1} is not 'LocationID,latitude,longitude' numbers`);
    }
    if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      throw new InvalidArgumentError(`${file}: line ${i + 1} has a latitude or longitude out of range`);
    }
    zones.push({ locationId, latitude, longitude });
  }
  if (zones.length === 0) throw new InvalidArgumentError(`${file}: no zones in the file`);
  return zones;
}
