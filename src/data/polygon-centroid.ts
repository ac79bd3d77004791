/** A ring of [x, y] points, closed or not. */
export type Ring = readonly (readonly number[])[];

/**
 * The area-weighted centroid of a polygon or multipolygon (GeoJSON nesting: polygons → rings → points),
 * computed in the coordinates given (use a projected CRS). The first ring of each polygon is its shell;
 * the others are holes and are subtracted, as shapely/GEOS do.
 */
export function polygonCentroid(polygons: readonly (readonly Ring[])[]): [number, number] {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const rings of polygons) {
    rings.forEach((ring, index) => {
      const { a, x, y } = ringMoments(ring);
      if (a === 0) return;
      // Shell counts positive, holes negative, whatever their winding.
      const sign = (index === 0 ? 1 : -1) * Math.sign(a);
      area += sign * a;
      cx += sign * x;
      cy += sign * y;
    });
  }
  if (area === 0) throw new RangeError('polygon has no area');
  return [cx / (3 * area), cy / (3 * area)];
}

/** Twice the signed area and the first moments of one ring (shoelace formula), relative to its first point for accuracy. */
function ringMoments(ring: Ring): { a: number; x: number; y: number } {
  const n = ring.length;
  if (n < 3) return { a: 0, x: 0, y: 0 };
  const ox = ring[0]![0]!;
  const oy = ring[0]![1]!;
  let a = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    const p = ring[i]!;
    const q = ring[(i + 1) % n]!;
    const x0 = p[0]! - ox;
    const y0 = p[1]! - oy;
    const x1 = q[0]! - ox;
    const y1 = q[1]! - oy;
    const cross = x0 * y1 - x1 * y0;
    a += cross;
    x += (x0 + x1) * cross;
    y += (y0 + y1) * cross;
  }
  // Moments are about the ring's first point: shift them back to the origin.
  return { a: a / 2, x: x / 2 + ox * a * 1.5, y: y / 2 + oy * a * 1.5 };
}
