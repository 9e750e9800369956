import { StackmeterError } from '../../shared/result.ts';
import type { BundleEntry, Manifest } from './format.ts';
import { inspectBundle, type VerifyOptions } from './verify.ts';

export interface ReadBundle {
  manifest: Manifest;
  /** The uncompressed entries, in manifest order. */
  entries: BundleEntry[];
}

/**
 * A bundle's manifest and entries, only when every check of verifyBundle passes. Otherwise a BAD_INPUT error names
 * the file, the first entry (or part) that failed and the check, so that an import can refuse the whole bundle
 * before touching the cache.
 */
export function readBundle(file: Buffer, fileName: string, options: VerifyOptions = {}): ReadBundle {
  const { report, entries } = inspectBundle(file, fileName, options);
  const failed = report.checks.find((c) => !c.ok);
  if (failed !== undefined || report.manifest === null) {
    const where = failed === undefined ? '' : ` ${failed.subject} failed the ${failed.check} check: ${failed.detail}`;
    throw new StackmeterError('BAD_INPUT', `The bundle ${fileName} is refused.${where}`);
  }
  return { manifest: report.manifest, entries };
}
