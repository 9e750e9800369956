import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BundleImportResult } from '../../shared/bundles.ts';
import { StackmeterError } from '../../shared/result.ts';
import { importBundleFile, refusal } from '../bundles/import.ts';
import { normaliseFingerprint } from '../bundles/key-store.ts';
import { shortFingerprint } from '../bundles/keys.ts';
import { verifyBundleFile } from '../bundles/verify.ts';
import { openCache } from '../cache/open.ts';
import { createCore } from '../index.ts';
import { osUserName } from '../os-user.ts';
import type { Core, CoreOptions } from '../types.ts';

/**
 * A bundle opened in auditor mode. A bundle is a signed container, not a database, so it is read into a temporary
 * cache (bundle import: all or nothing, every check first) in a private temporary folder, and that cache is opened
 * read-only like any other. The bundle file itself is only read. `dispose` closes the core and deletes the folder.
 */
export interface OpenedBundle {
  core: Core;
  imported: BundleImportResult;
  dispose(): Promise<void>;
}

export interface OpenBundleOptions extends Omit<CoreOptions, 'dbPath' | 'readOnly'> {
  /**
   * The signer's key fingerprint, as its sender gave it: the bundle is opened only when its key is this one. Without
   * it the bundle is refused, naming the key, since a bundle anyone could have signed proves nothing.
   */
  trustFingerprint?: string;
}

export async function openBundleReadOnly(path: string, options: OpenBundleOptions = {}): Promise<OpenedBundle> {
  const { trustFingerprint, ...coreOptions } = options;
  const fileName = basename(path);
  // Every check but trust first, so that a damaged bundle is refused for what is wrong with it, whoever signed it.
  // The file is read by position, one entry at a time, here and by the import: a bundle of any size opens.
  const report = verifyBundleFile(path, fileName);
  const refused = refusal(report);
  if (refused !== null) throw refused;
  const signer = report.manifest!.keyFingerprint;
  if (trustFingerprint === undefined) {
    throw new StackmeterError('BAD_INPUT', `The bundle ${fileName} passed every check and is signed by key `
      + `${shortFingerprint(signer)} (${signer}). Compare this fingerprint with the one its sender reads out to you, `
      + 'then open it again with --trust <fingerprint>.');
  }
  if (normaliseFingerprint(trustFingerprint) !== signer) {
    throw new StackmeterError('BAD_INPUT', `The bundle ${fileName} is refused: it is signed by key `
      + `${shortFingerprint(signer)} (${signer}), not by the key you gave with --trust.`);
  }

  const folder = mkdtempSync(join(tmpdir(), 'stackmeter-auditor-'));
  const dispose = (): void => rmSync(folder, { recursive: true, force: true });
  try {
    const dbPath = join(folder, 'bundle.sqlite');
    const db = openCache(dbPath);
    let imported: BundleImportResult;
    try {
      const at = (coreOptions.clock ?? { now: () => new Date() }).now();
      imported = importBundleFile(db, path, { fileName, actor: { user: osUserName(coreOptions.env ?? process.env), at },
        trustFingerprint: signer });
    } finally {
      db.close();
    }
    const core = createCore({
      ...coreOptions, dbPath,
      readOnly: {
        source: 'bundle', path, fingerprint: signer,
        bundle: { manifestSha256: imported.manifestSha256, period: imported.period, stamps: imported.stamps },
      },
    });
    return {
      core,
      imported,
      async dispose() {
        await core.close();
        dispose();
      },
    };
  } catch (err) {
    dispose();
    throw err;
  }
}
