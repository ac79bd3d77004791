import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { num } from './output.js';

describe('num', () => {
  it('groups the digits of integers as toLocaleString("en-US") does', () => {
    for (const n of [0, 7, 999, 1000, -1000, 26918, 269180, 1234567, -98765432, Number.MAX_SAFE_INTEGER, 1.5, 1e21, NaN])
      assert.equal(num(n), n.toLocaleString('en-US'), String(n));
  });
});
