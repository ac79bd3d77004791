import assert from 'node:assert/strict';
import { it } from 'node:test';
import { jsonPieces, writeJson } from './json-text.js';

it('writes readable JSON with number arrays on one line, parseable back to the same value', async () => {
  const value = { version: 0, features: [{ name: 'x', data: [[1, 2.5], [3]], empty: [], nested: {} }], skip: undefined };
  const text = [...jsonPieces(value)].join('');
  assert.deepEqual(JSON.parse(text), { version: 0, features: [{ name: 'x', data: [[1, 2.5], [3]], empty: [], nested: {} }] });
  assert.match(text, /"data": \[\n\s+\[1,2\.5\],\n\s+\[3\]\n/);
  let written = '';
  await writeJson({ write: async (t) => void (written += t) }, value);
  assert.equal(written, `${text}\n`);
});
