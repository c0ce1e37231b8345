import { Knex } from 'knex';
import { Actor, recordAudit } from '../audit';
import { ApiError } from '../http';
import { accountStatement, formatAmount, requestHash, runIdempotent, systemAccount, transfer } from '../ledger';
import { exponentOf, findPlayer, operatorAmount } from './players';
import { PlayerProtection, refuseImpededDeposit } from './protection';
import { approvalThreshold, needsApproval, requestAdjustmentApproval } from './approvals';

/** Top-ups and adjustments share one idempotency space: a transactionId is used once across both. */
const SCOPE = 'operator-money';

export interface MoneyAnswer {
  playerId: string;
  transactionId: string;
  balance: string;
  currency: string;
}

export async function topUp(db: Knex, protection: PlayerProtection, externalId: string, amountText: string, transactionId: string, traceId: string) {
  const player = await findPlayer(db, externalId);
  const amount = operatorAmount(amountText, player.currency, 'amount');
  if (amount <= 0n) throw new ApiError(400, 'VALIDATION_ERROR', 'amount must be greater than zero', 'amount');
  const hash = requestHash(['topup', externalId, amount.toString()]);
  return runIdempotent<MoneyAnswer>(db, SCOPE, transactionId, hash, async (trx) => {
    // the player's state is asked only of a new top-up: a retry of one that went through gets its answer
    const current = await findPlayer(trx, externalId);
    refuseImpededDeposit(current);
    protection.admitDeposit(current);
    const funding = await systemAccount(trx, 'operator_funding', player.currency);
    const moved = await transfer(trx, {
      key: `topup:${transactionId}`,
      kind: 'topup',
      debitAccountId: funding,
      creditAccountId: player.account_id,
      amount,
      reference: transactionId,
    });
    await recordAudit(trx, { action: 'player.topup', playerId: player.id, details: { transactionId, amount: amount.toString() }, traceId });
    const body = {
      playerId: externalId,
      transactionId,
      balance: formatAmount(moved.creditBalanceAfter, exponentOf(player.currency)),
      currency: player.currency,
    };
    return { status: 200, body };
  });
}

/**
 * A signed manual correction: positive credits the player, negative debits (never below zero). Above the
 * currency's approval threshold it waits for a second person instead (answered 202 with the approval request).
 */
export async function adjust(
  db: Knex,
  externalId: string,
  amountText: string,
  reason: string,
  transactionId: string,
  traceId: string,
  approval: { thresholds: Record<string, string>; requester: Actor },
) {
  const player = await findPlayer(db, externalId);
  const amount = operatorAmount(amountText, player.currency, 'amount', { allowNegative: true });
  if (amount === 0n) throw new ApiError(400, 'VALIDATION_ERROR', 'amount must not be zero', 'amount');
  const hash = requestHash(['adjustment', externalId, amount.toString(), reason]);
  if (needsApproval(amount, approvalThreshold(approval.thresholds, player.currency))) {
    return runIdempotent<unknown>(db, SCOPE, transactionId, hash, async (trx) => ({
      status: 202,
      body: await requestAdjustmentApproval(trx, player, amount, reason, transactionId, approval.requester, traceId),
    }));
  }
  return runIdempotent<MoneyAnswer>(db, SCOPE, transactionId, hash, async (trx) => {
    const corrections = await systemAccount(trx, 'corrections', player.currency);
    const credit = amount > 0n;
    const moved = await transfer(trx, {
      key: `adjustment:${transactionId}`,
      kind: 'adjustment',
      debitAccountId: credit ? corrections : player.account_id,
      creditAccountId: credit ? player.account_id : corrections,
      amount: credit ? amount : -amount,
      reference: reason,
    });
    await recordAudit(trx, { action: 'player.adjustment', playerId: player.id, details: { transactionId, amount: amount.toString(), reason }, traceId });
    const balance = credit ? moved.creditBalanceAfter : moved.debitBalanceAfter;
    const body = {
      playerId: externalId,
      transactionId,
      balance: formatAmount(balance, exponentOf(player.currency)),
      currency: player.currency,
    };
    return { status: 200, body };
  });
}

/** The player's statement, newest first; `cursor` is the last transferId of the previous page. */
export async function statement(db: Knex, externalId: string, limit: number, cursor: string | undefined) {
  const player = await findPlayer(db, externalId);
  const exponent = exponentOf(player.currency);
  const lines = await accountStatement(db, player.account_id, limit, cursor);
  return {
    playerId: externalId,
    currency: player.currency,
    balance: formatAmount(player.balance, exponent),
    transactions: lines.map((line) => ({
      id: line.transferId,
      kind: line.kind,
      amount: formatAmount(line.amount, exponent),
      balanceAfter: formatAmount(line.balanceAfter, exponent),
      reference: line.reference,
      createdAt: line.createdAt.toISOString(),
    })),
    nextCursor: lines.length === limit ? lines[lines.length - 1].transferId : null,
  };
}
