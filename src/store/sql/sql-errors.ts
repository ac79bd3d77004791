import { AlreadyExistsError, UnavailableError } from '../../core/errors.js';

/** True when a driver error is a unique or primary-key violation (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === '23505';
}

/** Translates a driver error into a domain error, keeping the cause. */
export function translateSqlError(err: unknown, operation: string, entity?: { name: string; key: string }): Error {
  if (entity && isUniqueViolation(err)) return new AlreadyExistsError(entity.name, entity.key, { cause: err });
  return new UnavailableError(`metadata store: ${operation} failed: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
  });
}
