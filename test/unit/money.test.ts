import { AmountError, formatAmount, parseAmount } from '../../src/ledger';

describe('exact decimal amounts', () => {
  it.each([
    ['12.5', 2, 1250n],
    ['1.00', 2, 100n],
    ['1', 2, 100n],
    ['1.000', 2, 100n],
    ['0.07', 2, 7n],
    ['1e2', 2, 10000n],
    ['1.5E-1', 2, 15n],
    ['100', 0, 100n],
    ['1.234', 3, 1234n],
    ['-0', 2, 0n],
    ['0.1', 2, 10n],
    ['999999999.99', 2, 99999999999n],
  ])('%s with %i decimals is %p minor units', (text, exponent, minor) => {
    expect(parseAmount(text, exponent)).toBe(minor);
  });

  it.each([
    ['1.001', 2, /more than 2 decimal places/],
    ['0.5', 0, /more than 0 decimal places/],
    ['-1', 2, /negative/],
    ['1e400', 2, /too large/],
    ['10000000000000.01', 2, /too large/],
    ['abc', 2, /not a decimal/],
    ['1.', 2, /not a decimal/],
    ['.5', 2, /not a decimal/],
    ['0x10', 2, /not a decimal/],
  ])('%s with %i decimals is refused', (text, exponent, message) => {
    expect(() => parseAmount(text, exponent)).toThrow(AmountError);
    expect(() => parseAmount(text, exponent)).toThrow(message);
  });

  it('allows a negative amount only when asked', () => {
    expect(parseAmount('-2.50', 2, { allowNegative: true })).toBe(-250n);
  });

  it.each([
    [1250n, 2, '12.50'],
    [7n, 2, '0.07'],
    [-7n, 2, '-0.07'],
    [100n, 0, '100'],
    [1234n, 3, '1.234'],
    ['0', 2, '0.00'],
  ])('%p minor units with %i decimals read %s', (minor, exponent, text) => {
    expect(formatAmount(minor, exponent)).toBe(text);
  });
});

describe('amount text with spaces', () => {
  it.each([' 5', '5 ', '  5 ', '5\n'])('%j is not an amount: refused, never trimmed', (text) => {
    expect(() => parseAmount(text, 2)).toThrow(AmountError);
  });
});
