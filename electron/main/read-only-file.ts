// What File › Open read-only… was given is told by core/auditor/file-kind.ts (auditFileKind), as for `audit open`.

/** A bundle's signer as the confirmation shows it. */
export interface Signer {
  fingerprint: string;
  shortFingerprint: string;
}

/**
 * The question before relaunching read-only. For a bundle it is also the trust decision: anyone can sign a bundle, so
 * the operator compares the signer's fingerprint with the one the sender reads out before it is opened.
 */
export function readOnlyQuestion(path: string, signer: Signer | null): { message: string; detail: string; buttons: string[] } {
  const after = 'Nothing can be synced, changed or imported; the title bar says so. Start Stackmeter normally to return '
    + 'to your own cache.';
  if (signer === null) {
    return {
      message: 'Stackmeter will restart in auditor mode on this cache.',
      detail: `${path}\n\n${after}`,
      buttons: ['Reopen read-only', 'Cancel'],
    };
  }
  return {
    message: `This bundle passed every check and is signed by key ${signer.shortFingerprint}.`,
    detail: `${path}\n\nFingerprint: ${signer.fingerprint}\n\nCompare it with the fingerprint its sender reads out to you. `
      + `Only if they match, Stackmeter will restart in auditor mode on the bundle. ${after}`,
    buttons: ['The fingerprints match: open read-only', 'Cancel'],
  };
}
