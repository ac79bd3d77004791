/** Domain error codes. Mapped to exit codes (cli/exit-codes.ts) and HTTP statuses (server/http-errors.ts) only at the edges. */
export const ERROR_CODES = ['invalid_argument', 'not_found', 'already_exists', 'failed_precondition', 'conflict', 'unavailable', 'internal'] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base class of every error the domain throws on purpose. Its message is one line, safe to show to users. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }
}

/** A caller supplied something malformed: a bad flag, a file with the wrong columns, a corrupt input. */
export class InvalidArgumentError extends AppError {
  constructor(message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('invalid_argument', message, options);
    this.name = 'InvalidArgumentError';
  }
}

/** The named entity does not exist. */
export class NotFoundError extends AppError {
  constructor(entity: string, key: string, options: { cause?: unknown } = {}) {
    super('not_found', `${entity} '${key}' not found`, { details: { entity, key }, ...options });
    this.name = 'NotFoundError';
  }
}

/** The named entity exists already. */
export class AlreadyExistsError extends AppError {
  constructor(entity: string, key: string, options: { cause?: unknown } = {}) {
    super('already_exists', `${entity} '${key}' already exists`, { details: { entity, key }, ...options });
    this.name = 'AlreadyExistsError';
  }
}

/** The request is well formed but the system is not in a state that allows it. */
export class FailedPreconditionError extends AppError {
  constructor(message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('failed_precondition', message, options);
    this.name = 'FailedPreconditionError';
  }
}

/** A dependency (network, database, disk) could not be reached or failed; trying again may work. */
export class UnavailableError extends AppError {
  constructor(message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('unavailable', message, options);
    this.name = 'UnavailableError';
  }
}

/** The request lost a race: another writer changed the entity first (e.g. another process took over a pipeline execution). */
export class ConflictError extends AppError {
  constructor(message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('conflict', message, options);
    this.name = 'ConflictError';
  }
}

/** Returns true when `err` is an AppError (also across module copies, by shape). */
export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Renders any thrown value as one line: the message of the first line, without a stack. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const first = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return first.trim();
}
