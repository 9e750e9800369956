import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/types.ts';

/** The log file's name in the logs folder, and the one previous generation kept beside it. */
export const LOG_FILE = 'stackmeter.log';
export const PREVIOUS_LOG_FILE = 'stackmeter.1.log';
/** Past this size the log starts over (the previous file is kept): a few weeks of a busy console. */
export const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

/** One line per entry: time, level, message and the fields as JSON (never argument values or secrets: see dispatch). */
export function formatLogLine(level: string, message: string, fields?: Record<string, unknown>, now = new Date()): string {
  const extra = fields ? ` ${JSON.stringify(fields)}` : '';
  return `${now.toISOString()} ${level} ${message}${extra}`;
}

/**
 * The desktop app's log: every entry on stderr (where `npm start` and a terminal show it) and appended to
 * `<logs folder>/stackmeter.log`, because an app started from a menu has no terminal. The file is rotated once it passes
 * LOG_ROTATE_BYTES; a log that cannot be written (a read-only profile) never stops the app.
 */
export function createAppLogger(logsDir: string, writeErr: (line: string) => void = (line) => console.error(line)): Logger {
  const file = join(logsDir, LOG_FILE);
  let usable = true;
  const write = (level: string) => (message: string, fields?: Record<string, unknown>): void => {
    const line = formatLogLine(level, message, fields);
    writeErr(line);
    if (!usable) return;
    try {
      mkdirSync(logsDir, { recursive: true });
      if (statSize(file) > LOG_ROTATE_BYTES) renameSync(file, join(logsDir, PREVIOUS_LOG_FILE));
      appendFileSync(file, `${line}\n`);
    } catch (err) {
      usable = false;
      writeErr(formatLogLine('warn', 'The log file cannot be written; logging to stderr only', { file, error: String(err) }));
    }
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

function statSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
