import { Knex } from 'knex';
import { recordAudit } from '../audit';
import { formatInCurrency, systemAccount, transfer } from '../ledger';
import { PlayerRow } from './players';

/** An amount as the API and the audit trail show it: decimal text in its currency. */
export const auditedAmount = (minor: bigint | string, currency: string) => ({ amount: formatInCurrency(minor, currency), currency });

export interface Moved {
  playerId: string;
  transactionId: string;
  balance: string;
  currency: string;
}

const answer = (player: PlayerRow, transactionId: string, balance: bigint): Moved =>
  ({ playerId: player.external_id, transactionId, balance: formatInCurrency(balance, player.currency), currency: player.currency });

/** A top-up's money: operator funding → the player, audited, in the caller's transaction. */
export async function creditTopUp(trx: Knex.Transaction, player: PlayerRow, amount: bigint, transactionId: string, traceId: string): Promise<Moved> {
  const moved = await transfer(trx, {
    key: `topup:${transactionId}`,
    kind: 'topup',
    debitAccountId: await systemAccount(trx, 'operator_funding', player.currency),
    creditAccountId: player.account_id,
    amount,
    reference: transactionId,
  });
  await recordAudit(trx, { action: 'player.topup', playerId: player.id, details: { transactionId, ...auditedAmount(amount, player.currency) }, traceId });
  return answer(player, transactionId, moved.creditBalanceAfter);
}

/**
 * An adjustment's money, audited, in the caller's transaction: a credit from corrections to the player, a debit
 * from the player (or, once approved, from the approval hold that kept it) to corrections.
 */
export async function moveAdjustment(trx: Knex.Transaction, player: PlayerRow, amount: bigint, reason: string, transactionId: string, traceId: string,
  from: 'player' | 'hold' = 'player'): Promise<Moved> {
  const corrections = await systemAccount(trx, 'corrections', player.currency);
  const credit = amount > 0n;
  const debited = from === 'hold' ? await systemAccount(trx, 'approval_hold', player.currency) : player.account_id;
  const moved = await transfer(trx, {
    key: `adjustment:${transactionId}`,
    kind: 'adjustment',
    debitAccountId: credit ? corrections : debited,
    creditAccountId: credit ? player.account_id : corrections,
    amount: credit ? amount : -amount,
    reference: reason,
  });
  await recordAudit(trx, { action: 'player.adjustment', playerId: player.id, details: { transactionId, ...auditedAmount(amount, player.currency), reason }, traceId });
  // a debit from the hold leaves the player's balance as the hold left it
  return answer(player, transactionId, credit ? moved.creditBalanceAfter : from === 'hold' ? BigInt(player.balance) : moved.debitBalanceAfter);
}
