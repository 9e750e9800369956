import type { Logger } from '../core/types.ts';

/** The main process's log: one line per entry on stderr, where `npm start` and the OS's crash collectors look. */
export const consoleLogger: Logger = {
  info: (message, fields) => console.error(format('info', message, fields)),
  warn: (message, fields) => console.error(format('warn', message, fields)),
  error: (message, fields) => console.error(format('error', message, fields)),
};

function format(level: string, message: string, fields?: Record<string, unknown>): string {
  const extra = fields ? ` ${JSON.stringify(fields)}` : '';
  return `${new Date().toISOString()} ${level} ${message}${extra}`;
}
