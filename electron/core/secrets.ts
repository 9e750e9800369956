import type { SecretSource } from '../shared/domain.ts';
import { StackmeterError } from '../shared/result.ts';

/**
 * Client secrets never reach the cache: a connection stores only where its secret comes from (`env:NAME` or
 * `session`), and the secret is looked up when a sync needs it.
 */
export class SecretStore {
  readonly #env: Record<string, string | undefined>;
  readonly #session = new Map<string, string>();

  constructor(env: Record<string, string | undefined>) {
    this.#env = env;
  }

  /** The description stored with the connection. */
  describe(source: SecretSource): string {
    return source.kind === 'env' ? `env:${source.variable}` : 'session';
  }

  /** The secret for a source given now (adding a connection), remembering session secrets for later syncs. */
  accept(connection: string, source: SecretSource): string {
    if (source.kind === 'session') {
      this.#session.set(connection.toLowerCase(), source.value);
      return source.value;
    }
    return this.resolve(connection, `env:${source.variable}`);
  }

  /** The secret for a stored description, or an AUTH error saying how to provide it. */
  resolve(connection: string, description: string): string {
    if (description.startsWith('env:')) {
      const variable = description.slice(4);
      const value = this.#env[variable];
      if (!value) {
        throw new StackmeterError(
          'AUTH',
          `The client secret of "${connection}" is read from the environment variable ${variable}, which is not set in ` +
            `this process. Set it before running Stackmeter.`,
        );
      }
      return value;
    }
    const value = this.#session.get(connection.toLowerCase());
    if (!value) {
      throw new StackmeterError(
        'AUTH',
        `The client secret of "${connection}" was kept only in the memory of the session that added it. Remove the ` +
          `stamp and add it again, or use a secret from an environment variable.`,
      );
    }
    return value;
  }

  forget(connection: string): void {
    this.#session.delete(connection.toLowerCase());
  }
}
