import { AppError, isAppError, oneLine, type ErrorCode } from '../core/errors.js';

/** The error types SageMaker's runtime API answers with (the `x-amzn-ErrorType` the AWS SDK decodes). */
export type InvocationErrorType = 'ValidationError' | 'ModelError' | 'ServiceUnavailable' | 'InternalFailure';

const CODES: Readonly<Record<InvocationErrorType, ErrorCode>> = {
  ValidationError: 'invalid_argument',
  ModelError: 'failed_precondition',
  ServiceUnavailable: 'unavailable',
  InternalFailure: 'internal',
};

/** An invocation that failed, with the runtime API's error type. */
export class InvocationError extends AppError {
  readonly errorType: InvocationErrorType;

  constructor(errorType: InvocationErrorType, message: string, options: { cause?: unknown } = {}) {
    super(CODES[errorType], message, { details: { errorType }, ...options });
    this.name = 'InvocationError';
    this.errorType = errorType;
  }
}

/** The runtime API's error type of any thrown value. */
export function invocationErrorOf(err: unknown): InvocationError {
  if (err instanceof InvocationError) return err;
  if (isAppError(err)) {
    const type: InvocationErrorType =
      err.code === 'invalid_argument' || err.code === 'not_found' ? 'ValidationError' : err.code === 'unavailable' ? 'ServiceUnavailable' : 'InternalFailure';
    return new InvocationError(type, oneLine(err.message), { cause: err });
  }
  return new InvocationError('InternalFailure', 'An internal error occurred.', { cause: err });
}
