import { StackmeterError } from '../../shared/result.ts';

/**
 * How rate card and adjustments files are refused: every problem found is collected first, then one BAD_INPUT names
 * the file and lists the first few, so that a user fixes them in one pass rather than one per import.
 */

/** At most this many problems are listed in an error message. */
const SHOWN_PROBLEMS = 12;

/** BAD_INPUT: `what` cannot be imported; `nothing` says what was not done ('nothing was saved'). */
export function refuseImport(what: string, problems: readonly string[], nothing: string): never {
  const shown = problems.slice(0, SHOWN_PROBLEMS).join('; ');
  const more = problems.length > SHOWN_PROBLEMS ? ` (and ${problems.length - SHOWN_PROBLEMS} more)` : '';
  throw new StackmeterError('BAD_INPUT', `${what} cannot be imported, ${nothing}: ${shown}${more}`);
}

/** A zod issue's path as a JSON path: `card.versions[0].meters[2]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** The JSON value of a file's text, which may start with a byte order mark; refused when it is not JSON. */
export function parseJsonFile(text: string, fileName: string, nothing: string): unknown {
  try {
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as unknown;
  } catch (err) {
    return refuseImport(fileName, [`it is not JSON (${(err as Error).message})`], nothing);
  }
}
