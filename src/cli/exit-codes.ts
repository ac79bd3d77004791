import type { ErrorCode } from '../core/errors.js';

/** The one table from domain error code to process exit code. 1 is an unexpected failure; 2 a usage error. */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  internal: 1,
  invalid_argument: 2,
  not_found: 3,
  already_exists: 4,
  failed_precondition: 5,
  conflict: 6,
  unavailable: 7,
};

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
