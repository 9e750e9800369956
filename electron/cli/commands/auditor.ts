import { dirname, extname, resolve } from 'node:path';
import { auditFileKind } from '../../core/auditor/file-kind.ts';
import { openBundleReadOnly } from '../../core/auditor/open-bundle.ts';
import { createCore } from '../../core/index.ts';
import type { Core } from '../../core/types.ts';
import { AUDIT_EXPORT_FORMATS, type AuditExportFormat } from '../../shared/auditor.ts';
import type { ReplayResult } from '../../shared/chargeback.ts';
import { StackmeterError } from '../../shared/result.ts';
import { call } from '../call.ts';
import { EXIT, type CliContext, type Command } from '../command.ts';
import { intOption, moveExport, requiredOption, textOption } from '../options.ts';
import { serveUntilInterrupted } from './serve.ts';

// The auditor's commands: open a cache or a bundle read-only in the console, verify every finalized statement by
// replay, and print the audit trail. Each works on a cache opened normally too (then replays and exports are
// audited as always); with the global --read-only nothing is written to the cache.

export const auditOpenCommand: Command = {
  name: 'audit open',
  summary: 'Open a cache file or a bundle read-only (auditor mode) and serve the console for it',
  details: 'For reviewing the numbers on another machine or network. A cache is opened read-only at the SQLite level;\n' +
    'a bundle is verified first (hashes, signature, audit chain; refused naming the failing check), read into a\n' +
    'temporary cache that is deleted when the console stops, and served the same way. The console\'s title bar\n' +
    'says "Auditor mode (read-only)"; nothing is synced, changed or recorded in the audit log, every change is\n' +
    'refused, statements can be verified by replay and the audit trail printed. Exports go to auditor-exports in\n' +
    'the per-user data folder. A bundle needs --trust with its signer\'s fingerprint, as its sender reads it out:\n' +
    'without it the bundle is refused, naming the key.',
  positionals: [{ name: 'file', description: 'A Stackmeter cache (SQLite) or bundle (.smb)', required: true }],
  options: {
    port: { type: 'string', placeholder: '<n>', description: 'Port to listen on (default: any free port)' },
    trust: { type: 'string', placeholder: '<fingerprint>', description: 'A bundle\'s signing key fingerprint' },
  },
  async run(ctx, options, [file]) {
    const path = resolve(file!);
    const port = intOption(options, 'port', 0);
    let core: Core;
    let close: () => Promise<void>;
    if (auditFileKind(path) === 'cache') {
      core = createCore({ dbPath: path, log: ctx.log, readOnly: { source: 'cache', path } });
      close = () => core.close();
    } else {
      const opened = await openBundleReadOnly(path, { log: ctx.log, trustFingerprint: textOption(options, 'trust') });
      const { imported } = opened;
      ({ core } = opened);
      close = opened.dispose;
      ctx.err(`Bundle verified: signed by key ${imported.signer.shortFingerprint}, ${imported.period.from} to `
        + `${imported.period.to}, stamps ${imported.stamps.join(', ') || 'none'}.`);
    }
    try {
      await serveUntilInterrupted(ctx, core, port);
    } finally {
      await close();
    }
    return EXIT.ok;
  },
};

/** A replay in a few lines: identical with its hash, or each difference. */
function printReplay(ctx: CliContext, replay: ReplayResult): void {
  if (replay.identical) {
    ctx.out(`${replay.statementId}: identical (SHA-256 ${replay.hash})`);
    return;
  }
  ctx.out(`${replay.statementId}: DIFFERS in ${replay.differences.length} place(s); stored SHA-256 ${replay.hash}, `
    + `recomputed ${replay.recomputedHash}`);
  for (const d of replay.differences) ctx.out(`    ${d.path}: ${d.expected ?? '(absent)'} -> ${d.actual ?? '(absent)'}`);
  if (replay.corrections.length > 0) ctx.out(`    corrected since by ${replay.corrections.join(', ')}`);
}

export const statementsVerifyCommand: Command = {
  name: 'statements verify',
  summary: 'Replay every finalized statement (or those named) and say for each whether it is identical',
  details: 'Each statement is recomputed from the cache with the rate card versions it was priced with and compared\n' +
    'with the stored document and its hash (see "statements replay"). Exit code 0 when every one is identical, 1\n' +
    'when any differs. Each replay is recorded in the audit log, except with --read-only (auditor mode), which\n' +
    'writes nothing to the cache. With --json: one replay result per statement.',
  positionals: [{ name: 'id', description: 'Statement IDs (default: every finalized one)', required: false,
    variadic: true }],
  options: {},
  async run(ctx, _options, ids) {
    const core = ctx.openCore();
    const targets = ids.length > 0 ? ids.map((id) => id.trim())
      : (await call(core, 'statements:list')).filter((s) => s.status === 'finalized').map((s) => s.id).reverse();
    const replays: ReplayResult[] = [];
    for (const id of targets) replays.push(await call(core, 'statements:replay', id));
    const differing = replays.filter((r) => !r.identical).length;
    if (ctx.json) ctx.out(JSON.stringify(replays, null, 2));
    else if (replays.length === 0) ctx.out('There are no finalized statements to verify.');
    else {
      for (const replay of replays) printReplay(ctx, replay);
      ctx.out(differing === 0 ? `All ${replays.length} statement(s) are identical when recomputed.`
        : `${differing} of ${replays.length} statement(s) differ when recomputed.`);
    }
    return differing === 0 ? EXIT.ok : EXIT.failure;
  },
};

/** --format, or the --out file's extension. */
function auditFormat(format: string | undefined, out: string): AuditExportFormat {
  const chosen = format ?? extname(out).slice(1).toLowerCase();
  if (!(AUDIT_EXPORT_FORMATS as readonly string[]).includes(chosen)) {
    throw new StackmeterError('INVALID_ARGUMENT', format === undefined
      ? `Give --format pdf or csv (the file name ${out} does not say which).`
      : `--format must be pdf or csv, not "${format}".`);
  }
  return chosen as AuditExportFormat;
}

export const auditExportCommand: Command = {
  name: 'audit export',
  summary: 'Write the whole audit trail to a PDF to print, or a CSV',
  details: 'PDF (A4 landscape): what was opened (cache or bundle, its signer), the chain verification verdict and\n' +
    'the last hash on the first page, then every entry oldest first with time, user, action, subject, details,\n' +
    'reason and hashes. CSV: every entry with its details as JSON and both hashes. The export is recorded in the\n' +
    'audit log, except with --read-only. With --json, the file written.',
  positionals: [],
  options: {
    format: { type: 'string', placeholder: '<format>', description: 'pdf or csv (default: from --out)' },
    out: { type: 'string', placeholder: '<file>', description: 'The file to write (required)' },
  },
  async run(ctx, options) {
    const out = requiredOption(options, 'out', 'stackmeter audit export --out <file.pdf|file.csv>');
    const format = auditFormat(textOption(options, 'format'), out);
    const target = resolve(out);
    // Written in the target's folder, so that the final rename stays on one file system.
    const core = ctx.openCore({ exportDir: dirname(target) });
    const written = await moveExport(await call(core, 'audit:export', format), target);
    const verdict = await call(core, 'audit:verify');
    ctx.out(ctx.json ? JSON.stringify(written)
      : `Wrote the audit trail (${written.rows} entries, chain ${verdict.intact ? 'intact' : 'BROKEN'}) to ${target}.`);
    return EXIT.ok;
  },
};
