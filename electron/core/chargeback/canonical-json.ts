import { StackmeterError } from '../../shared/result.ts';

/**
 * One JSON text per value, whatever order its keys were built in: object keys sorted (by UTF-16 code units, as
 * Array.prototype.sort does), no whitespace, members whose value is undefined left out as JSON.stringify does. What
 * gets hashed (audit entries, statements) and what is stored (meter rates, adjustments) is written this way, so that
 * the same data always gives the same bytes and the same SHA-256.
 *
 * Only plain JSON data is accepted: a non-finite number, a bigint, a function, a Date or any other class instance is
 * an error rather than a silent conversion, because its text would not read back as the same value. Money is never a
 * number here: amounts are decimal strings.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw notJson(path, String(value));
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => (item === undefined ? 'null' : write(item, `${path}[${i}]`))).join(',')}]`;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        throw notJson(path, `a ${value.constructor?.name ?? 'class'} object`);
      }
      return `{${Object.keys(value).sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => `${JSON.stringify(key)}:${write((value as Record<string, unknown>)[key], `${path}.${key}`)}`)
        .join(',')}}`;
    default:
      throw notJson(path, `a ${typeof value}`);
  }
}

function notJson(path: string, what: string): StackmeterError {
  return new StackmeterError('INTERNAL', `${path} is ${what}, which canonical JSON cannot hold.`);
}
