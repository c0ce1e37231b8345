import { Knex } from 'knex';
import { systemAccount, transfer } from '../ledger';
import { canMove, FINAL, IN_DOUBT, ledgerEffect, PayoutStatus } from './states';

export interface PayoutRow {
  id: string;
  transaction_id: string;
  player_id: string;
  currency: string;
  amount: string;
  pix_key: string | null;
  pix_key_type: string | null;
  payout_account_id: string | null;
  beneficiary_document: string;
  beneficiary_name: string | null;
  provider: string;
  status: PayoutStatus;
  provider_reference: string | null;
  provider_status: string | null;
  manual_review: boolean;
  review_reason: string | null;
  send_attempts: number;
  requested_at: Date;
  finalized_at: Date | null;
  updated_at: Date;
  send_started_at: Date | null;
  check_count: number;
  last_checked_at: Date | null;
  missed_lookups: number;
  duplicate_refused: boolean;
  resend_due: boolean;
  destination: string | null;
}

export interface Move {
  to: PayoutStatus;
  /** Who says so: operator, send, poll, webhook, worker. */
  source: string;
  providerStatus?: string;
  providerReference?: string;
  detail?: Record<string, unknown>;
  /** Only move from one of these states (checked under the row lock). */
  from?: PayoutStatus[];
  /** A further condition checked under the row lock: a reason not to move, or undefined. */
  guard?: (payout: PayoutRow) => string | undefined;
  /** Flags the payout for manual review with this reason, in the same update. */
  review?: string;
  /** More work in the move's transaction (an audit entry), given the moved payout. */
  then?: (trx: Knex.Transaction, payout: PayoutRow) => Promise<void>;
}

export type MoveResult = { moved: true; payout: PayoutRow } | { moved: false; payout: PayoutRow; reason: string };

async function playerCashAccount(trx: Knex.Transaction, playerId: string): Promise<string> {
  const row = await trx('accounts').where({ player_id: playerId, kind: 'player_cash' }).first('id');
  return row.id;
}

/** The ledger movement of a transition, keyed so that it can never happen twice for one payout. */
async function applyLedgerEffect(trx: Knex.Transaction, payout: PayoutRow, from: PayoutStatus, to: PayoutStatus) {
  const effect = ledgerEffect(from, to);
  if (!effect) return;
  const inFlight = await systemAccount(trx, 'payout_in_flight', payout.currency);
  const settled = await systemAccount(trx, 'payout_settled', payout.currency);
  const player = await playerCashAccount(trx, payout.player_id);
  const legs = {
    release: [inFlight, player],
    settle: [inFlight, settled],
    reverse: [settled, player],
  } as const;
  const [debitAccountId, creditAccountId] = legs[effect];
  await transfer(trx, {
    key: `payout:${payout.id}:${effect}`,
    kind: `payout_${effect}`,
    debitAccountId,
    creditAccountId,
    amount: BigInt(payout.amount),
    reference: payout.id,
  });
}

/**
 * Moves a payout to a new state in one transaction: lock the row, check the move is allowed, make its ledger
 * movement, record it in the history. A report of the state it is already in changes nothing, so a webhook and
 * a poll saying the same thing at once apply it once.
 */
export async function movePayout(db: Knex, payoutId: string, move: Move): Promise<MoveResult> {
  return db.transaction(async (trx) => {
    const payout: PayoutRow = await trx('payouts').where({ id: payoutId }).forUpdate().first();
    if (!payout) throw new Error(`payout ${payoutId} does not exist`);
    const from = payout.status;
    if (from === move.to) return { moved: false, payout, reason: `already ${from}` };
    if (move.from && !move.from.includes(from)) return { moved: false, payout, reason: `is ${from}` };
    const refusal = move.guard?.(payout);
    if (refusal) return { moved: false, payout, reason: refusal };
    if (!canMove(from, move.to)) return { moved: false, payout, reason: `cannot go from ${from} to ${move.to}` };
    await applyLedgerEffect(trx, payout, from, move.to);
    const [updated]: PayoutRow[] = await trx('payouts')
      .where({ id: payoutId })
      .update({
        status: move.to,
        provider_status: move.providerStatus ?? payout.provider_status,
        provider_reference: move.providerReference ?? payout.provider_reference,
        finalized_at: FINAL.has(move.to) ? trx.fn.now() : payout.finalized_at,
        // a send whose outcome is known is no longer in doubt; unknown and review keep the mark until the provider answers
        send_started_at: IN_DOUBT.has(move.to) ? payout.send_started_at : null,
        ...(IN_DOUBT.has(move.to) ? {} : { missed_lookups: 0, resend_due: false }),
        ...(move.review ? { manual_review: true, review_reason: move.review } : {}),
        updated_at: trx.fn.now(),
      })
      .returning('*');
    await trx('payout_events').insert({
      payout_id: payoutId,
      from_status: from,
      to_status: move.to,
      source: move.source,
      provider_status: move.providerStatus ?? null,
      detail: move.detail || move.review ? JSON.stringify({ ...move.detail, ...(move.review ? { manualReview: move.review } : {}) }) : null,
    });
    await move.then?.(trx, updated);
    return { moved: true, payout: updated };
  });
}
