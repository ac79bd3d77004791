import assert from 'node:assert/strict';
import { it } from 'node:test';
import { geoDistanceKm } from './geo-distance.js';

it('measures Central Park to JFK as about 21 km and a point to itself as 0', () => {
  const d = geoDistanceKm(40.7825, -73.9656, 40.647, -73.7865);
  assert.ok(d > 20.5 && d < 21.5, `d=${d}`);
  assert.equal(geoDistanceKm(40.7, -73.9, 40.7, -73.9), 0);
});
