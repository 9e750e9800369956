// Quantities are exact decimals: an integer mantissa (a safe JS integer) and a count of decimal places. They are turned
// into JSON number text the way a real stamp prints its doubles (.NET "R" format): whole numbers keep a ".0", values
// below 1e-4 use an exponent ("1.52587890625E-05"), everything else is plain decimal text. The text is never parsed as
// a float, so sums over it stay exact.

/** Largest mantissa any stream may produce in one hour, so that a daily sum (24 of them) stays a safe integer. */
export const MAX_HOURLY_MANTISSA = 1e14;

const POW10: number[] = [];
for (let i = 0, p = 1; i <= 20; i++, p *= 10) POW10.push(p);

export function pow10(k: number): number {
  return POW10[k] as number;
}

/** Formats mantissa·10^-scale as JSON number text. The mantissa must be a non-negative safe integer. */
export function formatQuantity(mantissa: number, scale: number): string {
  if (scale === 0) return `${mantissa}.0`;
  const unit = POW10[scale] as number;
  const whole = Math.floor(mantissa / unit);
  const fracValue = mantissa - whole * unit;
  if (fracValue === 0) return `${whole}.0`;
  let frac = String(fracValue);
  if (frac.length < scale) frac = '0'.repeat(scale - frac.length) + frac;
  let end = frac.length;
  while (frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  if (whole === 0 && frac.startsWith('0000')) {
    // Below 1e-4: d.dddE-xx with at least two exponent digits.
    let lead = 0;
    while (frac.charCodeAt(lead) === 48) lead++;
    const digits = frac.slice(lead);
    const exponent = String(lead + 1).padStart(2, '0');
    return digits.length === 1 ? `${digits}E-${exponent}` : `${digits[0]}.${digits.slice(1)}E-${exponent}`;
  }
  return `${whole}.${frac}`;
}
