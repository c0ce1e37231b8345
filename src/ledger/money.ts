import currencyCodes from 'currency-codes';

/** ISO 4217 codes that are not money a player can hold (metals, fund units, test and "no currency" codes). */
const NOT_WALLET_CURRENCIES = new Set(['XAU', 'XAG', 'XPT', 'XPD', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA',
  'XTS', 'XXX', 'BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW']);

/** Largest amount accepted anywhere, in minor units: far above any real stake, far below bigint overflow on sums. */
export const MAX_AMOUNT_MINOR = 10n ** 15n;

const EXPONENTS = new Map<string, number>();

/** Number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, BHD 3), or undefined if unknown. */
export function currencyExponent(code: string): number | undefined {
  if (EXPONENTS.has(code)) return EXPONENTS.get(code);
  if (!/^[A-Z]{3}$/.test(code) || NOT_WALLET_CURRENCIES.has(code)) return undefined;
  // currency-codes searches its whole list on every lookup; reports ask millions of times
  const digits = currencyCodes.code(code)?.digits;
  if (digits !== undefined) EXPONENTS.set(code, digits);
  return digits;
}

export class AmountError extends Error {}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,4}))?$/;

/**
 * Converts the exact decimal text of an amount ("12.5", "1.00", "1e2") into integer minor units.
 * Never goes through a float. Trailing zeros beyond the currency's exponent are accepted ("1.000" EUR);
 * any non-zero digit beyond it is refused, as is anything above MAX_AMOUNT_MINOR.
 */
export function parseAmount(text: string, exponent: number, options: { allowNegative?: boolean } = {}): bigint {
  const match = DECIMAL.exec(text); // no trimming: " 5 " is not an amount
  if (!match) throw new AmountError('is not a decimal number');
  const [, sign, whole, fraction = '', exp = '0'] = match;
  const digits = BigInt(whole + fraction);
  const shift = exponent - fraction.length + Number(exp);
  let minor: bigint;
  if (shift >= 0) {
    if (digits !== 0n && shift > 30) throw new AmountError('is too large');
    minor = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (digits % divisor !== 0n) throw new AmountError(`has more than ${exponent} decimal places`);
    minor = digits / divisor;
  }
  if (minor > MAX_AMOUNT_MINOR) throw new AmountError('is too large');
  if (sign && minor !== 0n) {
    if (!options.allowNegative) throw new AmountError('must not be negative');
    return -minor;
  }
  return minor;
}

/** Minor units as a fixed-point decimal string with exactly the currency's decimals: 1250n, 2 → "12.50". */
export function formatAmount(minor: bigint | string | number, exponent: number): string {
  const value = BigInt(minor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Minor units of a stored (hence known) currency as its decimal string: 1250n, "EUR" → "12.50". */
export function formatInCurrency(minor: bigint | string | number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) throw new Error(`currency ${currency} has no known exponent`);
  return formatAmount(minor, exponent);
}
