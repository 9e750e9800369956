import { StackmeterError } from '../../shared/result.ts';

/**
 * Decodes a file PowerShell wrote. Windows PowerShell 5.1's `>` and Out-File write UTF-16LE with a byte order mark,
 * `-Encoding UTF8` writes UTF-8 with one, PowerShell 7 writes UTF-8 without; BigEndianUnicode is rare but possible. A
 * file without a mark whose second byte is NUL is UTF-16LE text (its first character is ASCII: `[`, `{` or `"`).
 * Invalid UTF-8 is refused rather than read with replacement characters, which would change tags and names silently.
 */
export function decodePowerShellText(content: Uint8Array, fileName: string): string {
  const b = content;
  try {
    if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true }).decode(b.subarray(2));
    if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true }).decode(b.subarray(2));
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      return new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(3));
    }
    if (b.length >= 2 && b[0] !== 0 && b[1] === 0) return new TextDecoder('utf-16le', { fatal: true }).decode(b);
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    throw new StackmeterError('BAD_INPUT', `${fileName}: not UTF-8 or UTF-16 text`);
  }
}
