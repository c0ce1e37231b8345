import { WalletOutcome } from '../../service';

/**
 * The wallet's outcomes in Hub88's statuses. The routines answer in the first contract's codes; where one code
 * covers several Hub88 statuses, the routine's reason (a fixed text of routines.sql, listed here and checked
 * against that file by a test) tells them apart.
 */
const BY_CODE: Record<string, string> = {
  ERROR_INVALID_SIGNATURE: 'RS_ERROR_INVALID_SIGNATURE',
  ERROR_INVALID_SESSION: 'RS_ERROR_INVALID_TOKEN',
  ERROR_SESSION_EXPIRED: 'RS_ERROR_TOKEN_EXPIRED',
  ERROR_BAD_REQUEST_PLAYER_BLOCKED: 'RS_ERROR_USER_DISABLED',
  ERROR_TRANSACTION_REALITY_CHECK: 'RS_ERROR_USER_DISABLED',
  ERROR_GAME_NOT_ACTIVE: 'RS_ERROR_INVALID_GAME',
  ERROR_TRANSACTION_DUPLICATE: 'RS_ERROR_DUPLICATE_TRANSACTION',
  ERROR_TRANSACTION_INSUFFICIENT_FUNDS: 'RS_ERROR_NOT_ENOUGH_MONEY',
  ERROR_TRANSACTION_LIMIT_EXCEEDED: 'RS_ERROR_LIMIT_REACHED',
  ERROR_TRANSACTION_WITHDRAW_NOT_FOUND: 'RS_ERROR_TRANSACTION_DOES_NOT_EXIST',
};

/** ERROR_BAD_REQUEST's reasons, by how they begin. */
export const BY_REASON: [string, string][] = [
  ['unknown player', 'RS_ERROR_INVALID_TOKEN'],
  ['currency ', 'RS_ERROR_WRONG_CURRENCY'],
  ['this withdraw was already rolled back', 'RS_ERROR_TRANSACTION_ROLLED_BACK'],
  ['the withdraw was rolled back', 'RS_ERROR_TRANSACTION_DOES_NOT_EXIST'],
  ['a rollback cannot name its own transactionId', 'RS_ERROR_WRONG_SYNTAX'],
];

export function statusOf(kind: string, outcome: WalletOutcome): string {
  if (outcome.status === 200) return 'RS_OK';
  // Hub88 asks only for the balance: a token that expired still shows it (the user is named)
  if (kind === 'balance' && outcome.code === 'ERROR_SESSION_EXPIRED') return 'RS_OK';
  const code = outcome.code ?? '';
  if (BY_CODE[code]) return BY_CODE[code];
  const reason = outcome.reason ?? '';
  return BY_REASON.find(([start]) => reason.startsWith(start))?.[1] ?? 'RS_ERROR_UNKNOWN';
}
