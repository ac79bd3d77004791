import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ERROR_CODES, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../core/errors.js';
import { HTTP_STATUS, toHttpError } from './http-errors.js';

it('maps every domain error code to an HTTP status, and hides unexpected errors', () => {
  assert.deepEqual(Object.keys(HTTP_STATUS).sort(), [...ERROR_CODES].sort());
  assert.deepEqual(toHttpError(new NotFoundError('dataset', 'ds_1')), {
    status: 404,
    body: { error: { code: 'not_found', message: "dataset 'ds_1' not found", details: { entity: 'dataset', key: 'ds_1' } } },
  });
  assert.equal(toHttpError(new InvalidArgumentError('bad')).status, 400);
  assert.equal(toHttpError(new FailedPreconditionError('later')).status, 412);
  assert.deepEqual(toHttpError(new TypeError('secret internals')), { status: 500, body: { error: { code: 'internal', message: 'internal error' } } });
});
