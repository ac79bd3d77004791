import type { LogFields, Logger } from '../../src/core/logger.js';

/** A logged line, as `recordingLogger` keeps it. */
export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: LogFields;
}

/** A logger that keeps every line in `lines` (children included, their bindings merged in). */
export function recordingLogger(lines: LoggedLine[], bindings: LogFields = {}): Logger {
  const at =
    (level: LoggedLine['level']) =>
    (msg: string, fields: LogFields = {}) =>
      void lines.push({ level, msg, fields: { ...bindings, ...fields } });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => recordingLogger(lines, { ...bindings, ...more }) };
}
