import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { StackmeterError } from '../shared/result.ts';
import { createCore } from '../core/index.ts';
import { CACHE_FILE_NAME, defaultDataDir } from '../core/paths.ts';
import type { Core, Logger } from '../core/types.ts';
import { EXIT, type CliContext, type Command, type OptionValues } from './command.ts';
import { commandHelp, generalHelp, GLOBAL_OPTIONS } from './help.ts';
import { COMMANDS } from './commands/index.ts';
import { exitCodeFor } from './errors.ts';

/**
 * The terminal shows warnings and errors in words; routine events are left to the sync history ("stackmeter runs"),
 * which keeps every run's counts and errors.
 */
function cliLogger(err: (text: string) => void): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    err(`${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  return { info: () => {}, warn: line('warning'), error: line('error') };
}

function findCommand(argv: string[]): { cmd: Command; rest: string[] } | null {
  const two = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { cmd: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return one ? { cmd: one, rest: argv.slice(1) } : null;
}

export async function main(argv: string[]): Promise<number> {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const err = (text: string): void => void process.stderr.write(`${text}\n`);

  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out(generalHelp(COMMANDS));
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
    err(group.length
      ? `"stackmeter ${argv[0]}" needs a subcommand: ${group.map((c) => c.name.split(' ')[1]).join(', ')}.`
      : `Unknown command "${argv[0]}". Run "stackmeter --help" for the list of commands.`);
    return EXIT.usage;
  }
  const { cmd, rest } = found;

  let values: OptionValues;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...cmd.options, ...GLOBAL_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
    values = parsed.values as OptionValues;
    positionals = parsed.positionals;
  } catch (e) {
    err(`${(e as Error).message}\nRun "stackmeter ${cmd.name} --help" for its options.`);
    return EXIT.usage;
  }
  if (values.help) {
    out(commandHelp(cmd));
    return EXIT.ok;
  }
  const required = cmd.positionals.filter((p) => p.required).length;
  const variadic = cmd.positionals.some((p) => p.variadic);
  if (positionals.length < required || (!variadic && positionals.length > cmd.positionals.length)) {
    err(`Wrong number of arguments.\n\n${commandHelp(cmd)}`);
    return EXIT.usage;
  }

  let core: Core | null = null;
  let onSigint: (() => void) | null = null;
  const interrupted = new Promise<void>((resolve) => {
    onSigint = () => {
      // First Ctrl-C: let the command cancel cleanly. Second: leave at once (SQLite's journal keeps the cache whole).
      process.off('SIGINT', onSigint!);
      process.once('SIGINT', () => process.exit(EXIT.cancelled));
      err('Cancelling… (press Ctrl-C again to quit at once)');
      resolve();
    };
    process.on('SIGINT', onSigint);
  });
  const dbPath = typeof values.db === 'string' ? values.db : join(defaultDataDir(), cmd.defaultDbFile ?? CACHE_FILE_NAME);
  const log = cliLogger(err);
  const readOnly = values['read-only'] === true;
  const ctx: CliContext = {
    dbPath,
    json: values.json === true,
    openCore: (coreOptions) => (core ??= createCore({
      dbPath, log, ...(readOnly ? { readOnly: { source: 'cache', path: dbPath } } : {}), ...coreOptions,
    })),
    out,
    err,
    log,
    readOnly,
    interrupted,
    isTTY: Boolean(process.stderr.isTTY),
  };
  try {
    return await cmd.run(ctx, values, positionals);
  } catch (e) {
    if (e instanceof StackmeterError) {
      err(`Error: ${e.message}`);
      return exitCodeFor(e.code);
    }
    err(`Unexpected error: ${(e as Error).stack ?? String(e)}`);
    return EXIT.failure;
  } finally {
    if (onSigint) process.off('SIGINT', onSigint);
    await (core as Core | null)?.close();
  }
}
