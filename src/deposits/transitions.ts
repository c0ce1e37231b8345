import { Knex } from 'knex';
import { transfer } from '../ledger';
import { clearingAccount, heldAccount } from './accounts';
import { canMove, DepositLeg, DepositStatus, legOf } from './states';

export interface DepositRow {
  id: string;
  transaction_id: string;
  request_hash: string;
  player_id: string;
  currency: string;
  amount: string;
  provider: string;
  status: DepositStatus;
  provider_reference: string | null;
  provider_status: string | null;
  qr_code: string | null;
  copy_paste: string | null;
  expires_at: Date | null;
  paid_amount: string | null;
  payer_document: string | null;
  payer_shown_by: string | null;
  held_reason: string | null;
  return_requested: boolean;
  create_started_at: Date | null;
  create_attempts: number;
  check_count: number;
  last_checked_at: Date | null;
  created_at: Date;
  updated_at: Date;
  finalized_at: Date | null;
}

export interface DepositMove {
  to: DepositStatus;
  /** Who says so: operator, create, poll, webhook. */
  source: string;
  providerStatus?: string;
  /** Columns the move sets beside the state (the charge's reference and code, what was paid, why it is held). */
  set?: Partial<Pick<DepositRow, 'provider_reference' | 'qr_code' | 'copy_paste' | 'expires_at' | 'paid_amount' | 'payer_document' | 'payer_shown_by' | 'held_reason'>>;
  detail?: Record<string, unknown>;
}

const FINAL: ReadonlySet<DepositStatus> = new Set(['credited', 'expired', 'failed', 'returned']);

async function playerCashAccount(trx: Knex.Transaction, playerId: string): Promise<string> {
  return (await trx('accounts').where({ player_id: playerId, kind: 'player_cash' }).first('id')).id;
}

/** The ledger leg of a move, keyed so that it can never happen twice for one deposit; of the amount that arrived. */
async function applyLeg(trx: Knex.Transaction, deposit: DepositRow, leg: DepositLeg): Promise<void> {
  const clearing = await clearingAccount(trx, deposit.provider, deposit.currency);
  const held = await heldAccount(trx, deposit.currency);
  const legs: Record<DepositLeg, () => Promise<[string, string]>> = {
    credit: async () => [clearing, await playerCashAccount(trx, deposit.player_id)],
    hold: async () => [clearing, held],
    return: async () => [held, clearing],
  };
  const [debitAccountId, creditAccountId] = await legs[leg]();
  await transfer(trx, { key: `deposit:${deposit.id}:${leg}`, kind: `deposit_${leg}`, debitAccountId, creditAccountId, amount: BigInt(deposit.paid_amount!), reference: deposit.id });
}

/** The deposit, locked for a move in the caller's transaction. */
export async function lockDeposit(trx: Knex.Transaction, depositId: string): Promise<DepositRow> {
  const deposit: DepositRow | undefined = await trx('deposits').where({ id: depositId }).forUpdate().first();
  if (!deposit) throw new Error(`deposit ${depositId} does not exist`);
  return deposit;
}

/**
 * Moves a locked deposit to a new state in the caller's transaction: checks the move is allowed, makes its ledger
 * leg, keeps it in the history. Undefined when the move is not allowed (a late or repeated report changes nothing).
 */
export async function moveLocked(trx: Knex.Transaction, deposit: DepositRow, move: DepositMove): Promise<DepositRow | undefined> {
  if (!canMove(deposit.status, move.to)) return undefined;
  const [updated]: DepositRow[] = await trx('deposits')
    .where({ id: deposit.id })
    .update({
      ...move.set,
      status: move.to,
      provider_status: move.providerStatus ?? deposit.provider_status,
      finalized_at: FINAL.has(move.to) ? trx.fn.now() : null,
      updated_at: trx.fn.now(),
    })
    .returning('*');
  const leg = legOf(move.to);
  if (leg) await applyLeg(trx, updated, leg);
  await trx('deposit_events').insert({
    deposit_id: deposit.id,
    from_status: deposit.status,
    to_status: move.to,
    source: move.source,
    provider_status: move.providerStatus ?? null,
    detail: move.detail ? JSON.stringify(move.detail) : null,
  });
  return updated;
}

/** One move in its own transaction. */
export function moveDeposit(db: Knex, depositId: string, move: DepositMove): Promise<DepositRow | undefined> {
  return db.transaction(async (trx) => moveLocked(trx, await lockDeposit(trx, depositId), move));
}
