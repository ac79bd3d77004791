import { AppError, isAppError, oneLine, type ErrorCode } from '../core/errors.js';

/** The error types SageMaker's runtime API answers with (the `x-amzn-ErrorType` the AWS SDK decodes). */
export type InvocationErrorType = 'ValidationError' | 'ModelError' | 'ServiceUnavailable' | 'InternalFailure';

const CODES: Readonly<Record<InvocationErrorType, ErrorCode>> = {
  ValidationError: 'invalid_argument',
  ModelError: 'failed_precondition',
  ServiceUnavailable: 'unavailable',
  InternalFailure: 'internal',
};

/** What the model container answered, for a ModelError (SageMaker's OriginalStatusCode and OriginalMessage). */
export interface ContainerError {
  readonly status: number;
  readonly message: string;
}

/** An invocation that failed, with the runtime API's error type. */
export class InvocationError extends AppError {
  readonly errorType: InvocationErrorType;
  /** ModelError: the container's own status and message. */
  readonly original?: ContainerError;

  constructor(errorType: InvocationErrorType, message: string, options: { cause?: unknown; original?: ContainerError } = {}) {
    super(CODES[errorType], message, { details: { errorType }, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.name = 'InvocationError';
    this.errorType = errorType;
    if (options.original) this.original = options.original;
  }
}

/**
 * A container's refusal as SageMaker reports it (InvokeEndpoint's ModelError, HTTP 424): the
 * container's status and message kept as OriginalStatusCode / OriginalMessage, and the service's
 * sentence around them. The XGBoost container answers 415 to a content type it does not read and
 * 400 to a payload it cannot parse.
 */
export function modelError(status: number, message: string): InvocationError {
  const kind = status >= 500 ? 'server' : 'client';
  return new InvocationError('ModelError', `Received ${kind} error (${status}) from primary with message "${oneLine(message)}".`, {
    original: { status, message: oneLine(message) },
  });
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
