import { userLocale } from '../../format/numbers.ts';

/**
 * Currency codes for the new-card form: the ISO 4217 codes the browser knows, to suggest as the user types and to say
 * at once that 'USS' or 'EURO' is not a currency. The core has the last word (it also refuses codes that ISO has
 * withdrawn, which browsers still list) and its refusal is shown in the form.
 */
export interface CurrencyOption {
  code: string;
  name: string;
}

export function knownCurrencies(locale = userLocale()): CurrencyOption[] {
  const codes = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : [];
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames(locale, { type: 'currency' });
  } catch {
    names = null;
  }
  return codes.map((code) => ({ code, name: names?.of(code) ?? code }));
}

/** Why a typed code cannot be the card's currency, or null. With no list to check against, only the shape is checked. */
export function currencyProblem(text: string, known: readonly CurrencyOption[]): string | null {
  const code = text.trim().toUpperCase();
  if (code === '') return 'Enter the billing currency, such as USD or EUR.';
  if (!/^[A-Z]{3}$/.test(code)) return `"${text.trim()}" is not a currency code: ISO 4217 codes are three letters.`;
  if (known.length > 0 && !known.some((c) => c.code === code)) {
    return `${code} is not an ISO 4217 currency.`;
  }
  return null;
}
