import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createJsonLogger } from './json-logger.js';

it('writes one JSON object per line at or above the level, with bound fields', () => {
  const lines: string[] = [];
  const logger = createJsonLogger({ write: (l) => lines.push(l) }, 'info', () => 0).child({ component: 'data' });
  logger.debug('hidden');
  logger.info('dataset prepared', { rows: 3 });
  logger.error('failed', { err: new Error('boom') });
  assert.equal(lines.length, 2);
  assert.deepEqual(JSON.parse(lines[0]!), { time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'dataset prepared', component: 'data', rows: 3 });
  const second = JSON.parse(lines[1]!);
  assert.equal(second.err.message, 'boom');
  assert.ok(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n')));
});
