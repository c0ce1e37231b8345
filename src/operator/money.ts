import { Knex } from 'knex';
import { ApiError } from '../http';
import { accountStatement, formatAmount, requestHash, runIdempotent, systemAccount, transfer } from '../ledger';
import { exponentOf, findPlayer, operatorAmount, refuseUnverified } from './players';
import { admitTopUp, PlayerProtection } from './protection';
import { fileApproval } from './approvals';
import { FourEyes, holdReason } from './four-eyes';
import { creditTopUp, moveAdjustment } from './moves';

/** Top-ups and adjustments share one idempotency space: a transactionId is used once across both. */
const SCOPE = 'operator-money';

/** A top-up or adjustment that waits for a second person is answered 202 with its approval request. */
const held = (approval: unknown) => ({ status: 202, body: approval });

/**
 * Credits a player from operator funding. When the four-eyes rule holds it (docs/operator-api.md "Four eyes"), it
 * waits for a second person instead, with nothing moved, answered 202 with the approval request.
 */
export async function topUp(db: Knex, protection: PlayerProtection, externalId: string, amountText: string, transactionId: string, fourEyes: FourEyes) {
  const player = await findPlayer(db, externalId);
  const amount = operatorAmount(amountText, player.currency, 'amount');
  if (amount <= 0n) throw new ApiError(400, 'VALIDATION_ERROR', 'amount must be greater than zero', 'amount');
  const hash = requestHash(['topup', externalId, amount.toString()]);
  return runIdempotent<unknown>(db, SCOPE, transactionId, hash, async (trx) => {
    // the player's state is asked only of a new top-up: a retry of one that went through gets its answer
    const current = await findPlayer(trx, externalId);
    refuseUnverified(current, 'a top-up');
    admitTopUp(protection, current);
    const because = await holdReason(trx, fourEyes, 'topup', player, amount, transactionId);
    if (because) {
      return held(await fileApproval(trx, { kind: 'topup', player, amount, reason: 'top-up', transactionId, heldBecause: because }, fourEyes.requester, fourEyes.traceId));
    }
    return { status: 200, body: await creditTopUp(trx, player, amount, transactionId, fourEyes.traceId) };
  });
}

/**
 * A signed manual correction: positive credits the player, negative debits (never below zero). When the four-eyes
 * rule holds it, it waits for a second person instead (202); a debit's amount is held meanwhile, so the player
 * cannot spend it twice.
 */
export async function adjust(db: Knex, externalId: string, amountText: string, reason: string, transactionId: string, fourEyes: FourEyes) {
  const player = await findPlayer(db, externalId);
  const amount = operatorAmount(amountText, player.currency, 'amount', { allowNegative: true });
  if (amount === 0n) throw new ApiError(400, 'VALIDATION_ERROR', 'amount must not be zero', 'amount');
  const hash = requestHash(['adjustment', externalId, amount.toString(), reason]);
  return runIdempotent<unknown>(db, SCOPE, transactionId, hash, async (trx) => {
    const because = await holdReason(trx, fourEyes, 'adjustment', player, amount < 0n ? -amount : amount, transactionId);
    if (!because) return { status: 200, body: await moveAdjustment(trx, player, amount, reason, transactionId, fourEyes.traceId) };
    const approval = await fileApproval(trx, { kind: 'adjustment', player, amount, reason, transactionId, heldBecause: because }, fourEyes.requester, fourEyes.traceId);
    if (amount < 0n) {
      await transfer(trx, { key: `approval:${approval.approvalId}:hold`, kind: 'approval_hold', debitAccountId: player.account_id,
        creditAccountId: await systemAccount(trx, 'approval_hold', player.currency), amount: -amount, reference: approval.approvalId });
    }
    return held(approval);
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
