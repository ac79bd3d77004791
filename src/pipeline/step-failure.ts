import type { FailureType } from './definition.js';

/** A step attempt that failed, with the class a retry policy matches on. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly failureType: FailureType | 'Step.CLIENT_ERROR',
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** A step attempt ended because the execution is stopping. */
export class StepStopped extends Error {
  constructor() {
    super('stopped');
    this.name = 'StepStopped';
  }
}
