export { currencyExponent, parseAmount, formatAmount, formatInCurrency, AmountError, MAX_AMOUNT_MINOR } from './money';
export {
  transfer,
  ensureCurrencyAccounts,
  openPlayerAccount,
  systemAccount,
  accountStatement,
  LedgerError,
} from './service';
export type { AccountKind, Transfer, TransferRequest, StatementLine, LedgerFailure } from './service';
export { requestHash, runIdempotent } from './idempotency';
export type { StoredResponse } from './idempotency';
export { checkLedger, describeLedgerReport, inSnapshot } from './check';
export type { LedgerReport, LedgerProblem } from './check';
