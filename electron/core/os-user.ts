import { userInfo } from 'node:os';

/**
 * The name of the operating system user running Stackmeter, recorded in the audit log as who made a change. Falls
 * back to USER / USERNAME where the system cannot say (a container without a password database entry).
 */
export function osUserName(env: Record<string, string | undefined> = process.env): string {
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // no entry for this uid: use the environment
  }
  return env.USER || env.USERNAME || 'unknown';
}
