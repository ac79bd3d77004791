/** driftline's version: printed by --version and part of every built-in pipeline step's cache key. */
export const VERSION = '0.1.0';
