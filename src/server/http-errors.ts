import { isAppError, oneLine, type ErrorCode } from '../core/errors.js';

/** The one table from domain error code to HTTP status. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_argument: 400,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  failed_precondition: 412,
  unavailable: 503,
  internal: 500,
};

/** The JSON error body every HTTP route answers with. */
export interface HttpErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details?: Readonly<Record<string, unknown>> };
}

/** Maps any thrown value to an HTTP status and body; unexpected errors become a 500 without internals. */
export function toHttpError(err: unknown): { status: number; body: HttpErrorBody } {
  if (isAppError(err)) {
    const body: HttpErrorBody = {
      error: { code: err.code, message: oneLine(err.message), ...(err.details ? { details: err.details } : {}) },
    };
    return { status: HTTP_STATUS[err.code], body };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
}
