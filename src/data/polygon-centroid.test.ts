import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { polygonCentroid } from './polygon-centroid.js';

describe('polygonCentroid', () => {
  it('finds the centre of a square whatever its winding', () => {
    const cw = [
      [0, 0],
      [0, 2],
      [2, 2],
      [2, 0],
      [0, 0],
    ];
    const ccw = [...cw].reverse();
    assert.deepEqual(polygonCentroid([[cw]]), [1, 1]);
    assert.deepEqual(polygonCentroid([[ccw]]), [1, 1]);
  });

  it('weights parts of a multipolygon by area', () => {
    const big = [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
    ]; // area 16, centre (2,2)
    const small = [
      [10, 0],
      [12, 0],
      [12, 2],
      [10, 2],
    ]; // area 4, centre (11,1)
    const [x, y] = polygonCentroid([[big], [small]]);
    assert.ok(Math.abs(x - (16 * 2 + 4 * 11) / 20) < 1e-9);
    assert.ok(Math.abs(y - (16 * 2 + 4 * 1) / 20) < 1e-9);
  });

  it('subtracts holes', () => {
    const shell = [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
    ]; // area 16, centre (2,2)
    const hole = [
      [2, 0],
      [4, 0],
      [4, 4],
      [2, 4],
    ].reverse(); // right half, area 8, centre (3,2)
    const [x, y] = polygonCentroid([[shell, hole]]);
    assert.ok(Math.abs(x - 1) < 1e-9, `x=${x}`);
    assert.ok(Math.abs(y - 2) < 1e-9);
  });

  it('is accurate far from the origin (state-plane feet)', () => {
    const ox = 1_000_000;
    const oy = 200_000;
    const sq = [
      [ox, oy],
      [ox + 10, oy],
      [ox + 10, oy + 10],
      [ox, oy + 10],
    ];
    const [x, y] = polygonCentroid([[sq]]);
    assert.ok(Math.abs(x - (ox + 5)) < 1e-6);
    assert.ok(Math.abs(y - (oy + 5)) < 1e-6);
  });

  it('refuses a polygon with no area', () => {
    assert.throws(
      () =>
        polygonCentroid([
          [
            [
              [0, 0],
              [1, 1],
              [2, 2],
            ],
          ],
        ]),
      RangeError,
    );
  });
});
