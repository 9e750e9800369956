import { basename, dirname, resolve } from 'node:path';
import { bundleProgress, type BundleImportResult, type TrustedKey } from '../../shared/bundles.ts';
import { StackmeterError } from '../../shared/result.ts';
import { normaliseFingerprint, PASSPHRASE_VARIABLE } from '../../core/bundles/key-store.ts';
import { shortFingerprint } from '../../core/bundles/keys.ts';
import { verifyBundleFile } from '../../core/bundles/verify.ts';
import type { Core } from '../../core/types.ts';
import { call } from '../call.ts';
import { EXIT, type CliContext, type Command } from '../command.ts';
import { printList, textTable } from '../format.ts';
import { listOption, moveExport, requiredOption, textOption } from '../options.ts';
import { createBundleProgressPrinter } from '../progress.ts';
import { readHidden } from '../prompt.ts';
import { periodOption } from './chargeback.ts';

const FILE = [{ name: 'file', description: 'The bundle (.smb)', required: true }];

/** Runs a bundle call while its `bundles:progress` events draw a bar on stderr. */
async function withProgress<T>(ctx: CliContext, core: Core, work: () => Promise<T>): Promise<T> {
  const printer = createBundleProgressPrinter(ctx.err, ctx.isTTY);
  const off = core.on('bundles:progress', (p) => printer.update(p));
  try {
    return await work();
  } finally {
    off();
    printer.finish();
  }
}

/**
 * Outside the desktop app the signing key is encrypted with a passphrase. When the environment does not give it and
 * the command runs on a terminal, it is asked for (twice when the key is about to be made), without echo, and kept in
 * this process's memory only.
 */
async function askPassphraseIfNeeded(ctx: CliContext): Promise<void> {
  if (process.env[PASSPHRASE_VARIABLE] || !process.stdin.isTTY) return;
  const key = await call(ctx.openCore(), 'bundles:key');
  if (key !== null && key.protection !== 'passphrase') return;
  const passphrase = await readHidden(key === null
    ? 'Passphrase to encrypt this installation\'s new bundle signing key (12 characters or more): '
    : 'Passphrase of this installation\'s bundle signing key: ');
  if (key === null && (await readHidden('The same passphrase again: ')) !== passphrase) {
    throw new StackmeterError('INVALID_ARGUMENT', 'The two passphrases differ; nothing was exported.');
  }
  process.env[PASSPHRASE_VARIABLE] = passphrase;
}

export const bundleExportCommand: Command = {
  name: 'bundle export',
  summary: 'Write a signed offline bundle (.smb) of a period: usage, stamps, rate cards, statements, audit log',
  details: 'One file to carry to a machine on another network: the period\'s usage records (exact quantities, every\n'
    + 'natural key), the stamps and their subscriptions, the meter catalog and local meter names, every published\n'
    + 'rate card version (drafts are not exported), the finalized statements of the period and the whole audit log,\n'
    + 'with a manifest of SHA-256 hashes signed with this installation\'s Ed25519 key. The key is made on the first\n'
    + `export and stored encrypted: set ${PASSPHRASE_VARIABLE} (at least 12 characters, the same every time),\n`
    + 'or type it when asked on a terminal; the desktop app uses the operating system\'s keyring instead. The\n'
    + 'export is audited.',
  positionals: [],
  options: {
    period: { type: 'string', placeholder: '<YYYY-MM>', description: 'The calendar month (UTC)' },
    from: { type: 'string', placeholder: '<YYYY-MM-DD>', description: 'Or: first day of a custom period (UTC)' },
    to: { type: 'string', placeholder: '<YYYY-MM-DD>', description: 'Day after the custom period\'s last day' },
    stamp: { type: 'string', placeholder: '<name>', multiple: true, description: 'Only these stamps (default: all)' },
    out: { type: 'string', placeholder: '<file.smb>', description: 'Where to write it (default: the exports folder)' },
  },
  async run(ctx, options) {
    const period = periodOption(options);
    const out = textOption(options, 'out');
    const target = out === undefined ? undefined : resolve(out);
    const core = ctx.openCore(target === undefined ? undefined : { exportDir: dirname(target) });
    await askPassphraseIfNeeded(ctx);
    const stamps = listOption(options, 'stamp');
    const written = await withProgress(ctx, core,
      () => call(core, 'bundles:export', { period, ...(stamps === undefined ? {} : { stamps }) }));
    const file = target === undefined ? written : { ...written, ...(await moveExport(written, target)) };
    if (ctx.json) {
      ctx.out(JSON.stringify(file, null, 2));
      return EXIT.ok;
    }
    const c = file.counts;
    ctx.out(`Wrote ${file.path} (${file.bytes} bytes): ${c.usage} usage records, ${c.stamps} stamp(s), `
      + `${c.subscriptions} subscriptions, ${c.rateCardVersions} rate card version(s), ${c.adjustments} adjustment(s), `
      + `${c.statements} statement(s), ${c.auditEntries} audit entries.`);
    ctx.out(`Signed by this installation's key ${file.shortFingerprint}`);
    ctx.out(`  (${file.fingerprint}): read it out to whoever imports the bundle.`);
    return EXIT.ok;
  },
};

export const bundleVerifyCommand: Command = {
  name: 'bundle verify',
  summary: 'Check a bundle on any machine, without a cache or a network: hashes, signature, audit chain',
  details: 'Prints every check with ✓ or ✗: the header, the container\'s records, the manifest, the key and its\n'
    + 'signature, each entry (present, size, SHA-256) and the audit log\'s hash chain; a failure names the file or\n'
    + 'entry and what is wrong. --trust also checks that the signer is one of the given key fingerprints. The exit\n'
    + 'code is 0 only when every check passes.',
  positionals: FILE,
  options: {
    trust: { type: 'string', placeholder: '<fingerprint>', multiple: true,
      description: 'A trusted key fingerprint (64 hex digits); the signer must be one of them' },
  },
  async run(ctx, options, [file]) {
    const trust = listOption(options, 'trust')?.map(normaliseFingerprint);
    const fileName = basename(file!);
    const printer = createBundleProgressPrinter(ctx.err, ctx.isTTY);
    const onUsageChunk = (done: number, total: number): void => printer.update(bundleProgress({
      operation: 'verify', fileName, phase: 'verifying', done, total, unit: 'chunks',
    }));
    let report: ReturnType<typeof verifyBundleFile>;
    try {
      report = verifyBundleFile(file!, fileName, { ...(trust === undefined ? {} : { trusted: trust }), onUsageChunk });
    } finally {
      printer.finish();
    }
    if (ctx.json) {
      ctx.out(JSON.stringify(report, null, 2));
      return report.ok ? EXIT.ok : EXIT.failure;
    }
    for (const c of report.checks) ctx.out(`${c.ok ? '✓' : '✗'} ${c.check} (${c.subject}): ${c.detail}`);
    const m = report.manifest;
    if (m !== null) {
      ctx.out(`Signed by key ${shortFingerprint(m.keyFingerprint)} (${m.keyFingerprint}), created ${m.createdAt}, `
        + `period ${m.period.from} to ${m.period.to}${m.stamps.length > 0 ? `, stamps ${m.stamps.join(', ')}` : ''}.`);
    }
    const failed = report.checks.find((c) => !c.ok);
    ctx.out(failed === undefined
      ? `${basename(file!)} verifies: every check passed.`
      : `${basename(file!)} does NOT verify: ${failed.subject} failed the ${failed.check} check.`);
    return report.ok ? EXIT.ok : EXIT.failure;
  },
};

function printImport(ctx: CliContext, result: BundleImportResult): void {
  if (ctx.json) {
    ctx.out(JSON.stringify(result, null, 2));
    return;
  }
  ctx.out(`Imported ${result.fileName}: period ${result.period.from} to ${result.period.to}, signed by `
    + `${result.signer.name} (${result.signer.shortFingerprint})${result.newlyTrusted ? ', now trusted' : ''}.`);
  ctx.out(textTable(['what', 'added', 'already present', 'other'],
    result.counts.map((c) => [c.what, c.added, c.present, c.otherLabel === '' ? '' : `${c.other} ${c.otherLabel}`])));
}

export const bundleImportCommand: Command = {
  name: 'bundle import',
  summary: 'Import a bundle into the cache, whole or not at all; importing again never duplicates',
  details: 'Every check of "bundle verify" must pass first, the signer included: a bundle signed by a key that is not\n'
    + 'trusted here is refused unless --trust gives that key\'s full fingerprint (compare it with the one the\n'
    + 'sender reads out), which trusts it from then on. Usage lands under the same natural key as a sync, so\n'
    + 'importing twice, overlapping bundles, or syncing the same stamp later never duplicate a record; stamps this\n'
    + 'cache does not know are added without a sign-in. The import is audited with the bundle\'s manifest hash.',
  positionals: FILE,
  options: {
    trust: { type: 'string', placeholder: '<fingerprint>', description: 'Trust the signer: its full key fingerprint' },
  },
  async run(ctx, options, [file]) {
    const core = ctx.openCore();
    const ref = core.acceptFile(resolve(file!), basename(file!));
    const trust = textOption(options, 'trust');
    printImport(ctx, await withProgress(ctx, core,
      () => call(core, 'bundles:import', ref, ...(trust === undefined ? [] : [trust]))));
    return EXIT.ok;
  },
};

export const bundleKeyCommand: Command = {
  name: 'bundle key',
  summary: 'Show this installation\'s bundle signing key fingerprint (long and short)',
  positionals: [],
  options: {},
  async run(ctx) {
    const key = await call(ctx.openCore(), 'bundles:key');
    if (ctx.json) ctx.out(JSON.stringify(key, null, 2));
    else if (key === null) {
      ctx.out('This installation has no signing key yet: the first "stackmeter bundle export" makes it.');
    }
    else {
      ctx.out(`${key.shortFingerprint}`);
      ctx.out(`${key.fingerprint}`);
      ctx.out(`Made ${key.createdAt}; private key encrypted ${key.protection === 'os'
        ? 'by the operating system (desktop app)' : `with the ${PASSPHRASE_VARIABLE} passphrase`}.`);
    }
    return EXIT.ok;
  },
};

export const bundleTrustCommand: Command = {
  name: 'bundle trust',
  summary: 'Trust another installation\'s bundles by its key fingerprint (audited)',
  positionals: [{ name: 'fingerprint', description: 'The full key fingerprint (64 hex digits)', required: true }],
  options: { name: { type: 'string', placeholder: '<label>', description: 'Whose key it is, e.g. "Berlin DC1"' } },
  async run(ctx, options, [fingerprint]) {
    const name = requiredOption(options, 'name', 'stackmeter bundle trust <fingerprint> --name <whose key it is>');
    printTrusted(ctx, await call(ctx.openCore(), 'bundles:trust', fingerprint!, name));
    return EXIT.ok;
  },
};

export const bundleTrustedCommand: Command = {
  name: 'bundle trusted',
  summary: 'List the keys whose bundles this cache imports',
  positionals: [],
  options: {},
  async run(ctx) {
    printTrusted(ctx, await call(ctx.openCore(), 'bundles:trusted'));
    return EXIT.ok;
  },
};

function printTrusted(ctx: CliContext, keys: TrustedKey[]): void {
  printList(ctx, keys, {
    empty: 'No trusted keys yet. This installation\'s own key is made on its first bundle export.',
    headers: ['name', 'key', 'fingerprint', 'added'],
    row: (k) => [k.name, k.shortFingerprint, k.fingerprint, k.own ? '' : `${k.addedAt.slice(0, 10)} ${k.addedBy}`],
  });
}
