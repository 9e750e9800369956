import type Database from 'better-sqlite3';
import { bundleProgress, type BundleVerification } from '../../shared/bundles.ts';
import type { Handlers, StackmeterEvents } from '../../shared/contract.ts';
import type { ImportFileResult } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { Actor } from '../chargeback/audit-log.ts';
import type { AuditSink } from '../chargeback/audit-sink.ts';
import { auditExport } from '../exports/export-audit.ts';
import type { FileRefs } from '../file-refs.ts';
import { exportBundle } from './export.ts';
import { importBundleFile } from './import.ts';
import {
  installationKeyInfo, PASSPHRASE_VARIABLE, trustedKeys, trustKey, unlockSigningKey, type KeyUnlock,
} from './key-store.ts';
import { shortFingerprint } from './keys.ts';
import { verifyBundleFile } from './verify.ts';

export type BundleMethods = 'bundles:key' | 'bundles:trusted' | 'bundles:trust' | 'bundles:export' | 'bundles:verify'
  | 'bundles:import' | 'usage:import';

export interface BundleDeps {
  db: Database.Database;
  files: FileRefs;
  exportDir: string;
  audit: AuditSink;
  actor(): Actor;
  env: Record<string, string | undefined>;
  protector: KeyUnlock['protector'];
  /** core.importFiles: usage files by path. */
  importFiles(paths: string[], options?: { connection?: string; dateFormat?: string }): Promise<ImportFileResult[]>;
  /** Pushes `bundles:progress` events (the CLI draws them; the console's calls only see them once they return). */
  emit(event: 'bundles:progress', payload: StackmeterEvents['bundles:progress']): void;
}

/** The contract methods of offline bundles and of usage files picked in the console. */
export function bundleHandlers(deps: BundleDeps): Pick<Handlers, BundleMethods> {
  const { db, files } = deps;
  const onProgress = (p: StackmeterEvents['bundles:progress']): void => deps.emit('bundles:progress', p);
  const unlock = (): KeyUnlock => ({ protector: deps.protector, passphrase: deps.env[PASSPHRASE_VARIABLE] });

  return {
    'bundles:key': () => installationKeyInfo(db),
    'bundles:trusted': () => trustedKeys(db),
    'bundles:trust': (fingerprint, name) => {
      trustKey(db, fingerprint, name, deps.actor());
      return trustedKeys(db);
    },
    'bundles:export': async (input) => {
      const actor = deps.actor();
      const { key, privateKeyPem } = unlockSigningKey(db, unlock(), actor);
      const written = await exportBundle(db, input,
        { dir: deps.exportDir, now: actor.at, privateKeyPem, onProgress });
      await auditExport(deps.audit, {
        subject: 'bundle',
        details: { period: input.period, stamps: written.stamps, fingerprint: key.fingerprint, counts: written.counts },
      }, written.file, actor);
      return {
        ...written.file, fingerprint: key.fingerprint, shortFingerprint: key.shortFingerprint, counts: written.counts,
      };
    },
    'bundles:verify': (fileRef): BundleVerification => {
      const file = files.resolve(fileRef);
      const trusted = trustedKeys(db);
      const report = verifyBundleFile(file.path, file.name, {
        trusted: trusted.map((k) => k.fingerprint),
        onUsageChunk: (done, total) => onProgress(bundleProgress({
          operation: 'verify', fileName: file.name, phase: 'verifying', done, total, unit: 'chunks',
        })),
      });
      const manifest = report.manifest;
      const signer = manifest === null ? null : trusted.find((k) => k.fingerprint === manifest.keyFingerprint);
      return {
        ok: report.ok,
        fileName: report.fileName,
        manifest: manifest === null ? null : {
          createdAt: manifest.createdAt, stamps: manifest.stamps, period: manifest.period, entries: manifest.entries,
        },
        signer: manifest === null ? null : {
          fingerprint: manifest.keyFingerprint, shortFingerprint: shortFingerprint(manifest.keyFingerprint),
          trustedAs: signer?.name ?? null, own: signer?.own ?? false,
        },
        checks: report.checks,
      };
    },
    'bundles:import': (fileRef, trustFingerprint) => {
      const file = files.resolve(fileRef);
      return importBundleFile(db, file.path, {
        fileName: file.name, actor: deps.actor(), onProgress, ...(trustFingerprint === undefined ? {} : { trustFingerprint }),
      });
    },
    'usage:import': async (fileRefs, options) => {
      const picked = fileRefs.map((ref) => files.resolve(ref));
      try {
        const results = await deps.importFiles(picked.map((f) => f.path), options);
        return results.map((r, i) => ({ ...r, file: picked[i]!.name }));
      } catch (err) {
        // Messages name the file by its path; the person knows it by the name they picked or uploaded.
        if (!(err instanceof StackmeterError)) throw err;
        const message = picked.reduce((text, f) => text.replaceAll(f.path, f.name), err.message);
        throw new StackmeterError(err.code, message, { cause: err });
      }
    },
  };
}
