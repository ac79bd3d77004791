import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../core/arn.js';
import { ManualClock } from '../core/clock.js';
import { makeEvent } from './make-event.js';

describe('makeEvent', () => {
  it("builds EventBridge's envelope with the clock's time to the second and a fresh id", () => {
    const clock = new ManualClock(Date.UTC(2024, 4, 1, 9, 30, 0, 456));
    const resources = ['arn:aws:sagemaker:local:000000000000:model-package/taxi/3'];
    const event = makeEvent('aws.sagemaker', 'SageMaker Model Package State Change', resources, { ModelPackageVersion: 3 }, clock, (p) => `${p}_1`);
    assert.deepEqual(event, {
      version: '0',
      id: 'evt_1',
      'detail-type': 'SageMaker Model Package State Change',
      source: 'aws.sagemaker',
      account: LOCAL_ACCOUNT,
      time: '2024-05-01T09:30:00Z',
      region: LOCAL_REGION,
      resources,
      detail: { ModelPackageVersion: 3 },
    });
    assert.notEqual(event.resources, resources, 'the envelope keeps its own copy of the resources');
  });
});
