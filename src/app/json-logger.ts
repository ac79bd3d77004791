import { LOG_LEVELS, type LogFields, type LogLevel, type Logger } from '../core/logger.js';

/** Where log lines go (stderr in the CLI). */
export interface LineWriter {
  write(line: string): void;
}

/** A logger writing one JSON object per line: time, level, msg, then the bound and given fields. */
export function createJsonLogger(out: LineWriter, level: LogLevel, now: () => number, bindings: LogFields = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(lvl) < threshold) return;
    const record: Record<string, unknown> = { time: new Date(now()).toISOString(), level: lvl, msg, ...bindings, ...fields };
    if (record['err'] instanceof Error) {
      const e = record['err'] as Error & { code?: string };
      record['err'] = { message: e.message, code: e.code, stack: e.stack };
    }
    out.write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (b) => createJsonLogger(out, level, now, { ...bindings, ...b }),
  };
}
