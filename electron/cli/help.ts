import type { Command } from './command.ts';

/** Global flags, accepted by every command. */
export const GLOBAL_OPTIONS = {
  db: { type: 'string', placeholder: '<file>', description: 'SQLite cache to use (default: the per-user data folder)' },
  json: { type: 'boolean', description: 'Print machine-readable JSON on stdout' },
  'read-only': {
    type: 'boolean',
    description: 'Auditor mode: open the cache read-only; nothing is written to it, changes are refused',
  },
  help: { type: 'boolean', description: 'Show help for the command' },
} as const;

function flag(name: string, placeholder?: string): string {
  return placeholder ? `--${name} ${placeholder}` : `--${name}`;
}

export function usageLine(cmd: Command): string {
  const pos = cmd.positionals.map((p) => {
    const core = `<${p.name}>${p.variadic ? '...' : ''}`;
    return p.required ? core : `[${core}]`;
  });
  return ['stackmeter', cmd.name, ...pos, ...(Object.keys(cmd.options).length ? ['[options]'] : [])].join(' ');
}

function table(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`);
}

/** `stackmeter <cmd> --help`; the README's CLI section is this text, command by command. */
export function commandHelp(cmd: Command): string {
  const lines = [`${usageLine(cmd)}`, '', cmd.summary];
  if (cmd.details) lines.push('', cmd.details);
  if (cmd.positionals.length) {
    lines.push('', 'Arguments:', ...table(cmd.positionals.map((p) => [`<${p.name}>`, p.description])));
  }
  const opts = Object.entries(cmd.options).map(([n, o]): [string, string] => [flag(n, o.placeholder), o.description]);
  if (opts.length) lines.push('', 'Options:', ...table(opts));
  lines.push('', 'The global options --db <file>, --read-only, --json and --help apply too.');
  return lines.join('\n');
}

/** `stackmeter --help`. */
export function generalHelp(commands: Command[]): string {
  return [
    'stackmeter — Azure Stack Hub usage and chargeback, offline',
    '',
    'Usage: stackmeter <command> [arguments] [options]',
    '',
    'Commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'Global options:',
    ...table(Object.entries(GLOBAL_OPTIONS).map(([n, o]): [string, string] => [
      flag(n, 'placeholder' in o ? o.placeholder : undefined),
      o.description,
    ])),
    '',
    'Run "stackmeter <command> --help" for the arguments and options of a command.',
  ].join('\n');
}
