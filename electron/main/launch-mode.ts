/**
 * How the app was started. The packaged app has the RunAsNode fuse off, so `ELECTRON_RUN_AS_NODE` cannot turn it into
 * Node; the installed `stackmeter` command (build/bin/stackmeter, stackmeter.cmd) starts the app binary with `--cli`
 * first instead, and everything after that flag is the CLI's command line, exactly as `node bin/stackmeter.js` gets it.
 * Chromium switches the system or a launcher put before `--cli` are not the CLI's business.
 */
export const CLI_FLAG = '--cli';

/**
 * `--read-only <file>` opens the console in auditor mode on a cache or a bundle, `--trust <fingerprint>` naming the key
 * a bundle must be signed by (the operator confirmed it); the File menu's "Open read-only…" relaunches the app with
 * them. Both also take the `--flag=value` spelling.
 */
export const READ_ONLY_FLAG = '--read-only';
export const TRUST_FLAG = '--trust';

export interface ReadOnlyRequest {
  path: string;
  trust: string | null;
}

export type LaunchMode =
  | { kind: 'cli'; argv: string[] }
  | { kind: 'desktop'; readOnly: ReadOnlyRequest | null };

export function launchMode(argv: readonly string[]): LaunchMode {
  const cli = argv.indexOf(CLI_FLAG);
  if (cli !== -1) return { kind: 'cli', argv: argv.slice(cli + 1) };
  const path = flagValue(argv, READ_ONLY_FLAG);
  return { kind: 'desktop', readOnly: path === null ? null : { path, trust: flagValue(argv, TRUST_FLAG) } };
}

function flagValue(argv: readonly string[], flag: string): string | null {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === flag && i + 1 < argv.length) return argv[i + 1]!;
    if (arg.startsWith(`${flag}=`) && arg.length > flag.length + 1) return arg.slice(flag.length + 1);
  }
  return null;
}

/**
 * The command line for relaunching the app on another cache or bundle in auditor mode: the current one (in development
 * it names the app folder) without an earlier --read-only or --trust, plus the new ones.
 */
export function readOnlyRelaunchArgs(argv: readonly string[], request: ReadOnlyRequest): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === READ_ONLY_FLAG || arg === TRUST_FLAG) i += 1;
    else if (!arg.startsWith(`${READ_ONLY_FLAG}=`) && !arg.startsWith(`${TRUST_FLAG}=`)) kept.push(arg);
  }
  return [...kept, READ_ONLY_FLAG, request.path, ...(request.trust === null ? [] : [TRUST_FLAG, request.trust])];
}
