/** Mean Earth radius in km (IUGG). */
const EARTH_RADIUS_KM = 6371.0088;

/**
 * Great-circle distance in km between two WGS84 points (haversine). The sample measured the distance
 * between zone centroids in EPSG:3310 (California Albers), which stretches New York distances by a
 * few percent; driftline uses the true distance.
 */
export function geoDistanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
