import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { Knex } from 'knex';
import { PayoutProviderName, PayoutsConfig, providerSwitch } from '../config';
import { Actor, recordAudit } from '../audit';
import { ApiError, uuidShaped } from '../http';
import { formatAmount, requestHash } from '../ledger';
import { ApprovalSubject, auditedAmount, fileApproval, findPlayer, operatorAmount, PlayerProtection, refuseUnverified } from '../operator';
import { isValidCpf } from '../payouts';
import { DepositEngine } from './engine';
import { depositLimitRefusal, playerRefusal } from './rules';
import { DepositRow, lockDeposit, moveLocked } from './transitions';

const EXPONENT = 2; // PIX: BRL only

export interface DepositRequest {
  playerId: string;
  amountText: string;
  provider?: PayoutProviderName;
  transactionId: string;
}

/** A deposit as every endpoint answers it; `playerId` is the operator's id of the player (players.external_id). */
export function depositView(d: DepositRow, playerId: string) {
  return {
    depositId: d.id,
    transactionId: d.transaction_id,
    playerId,
    status: d.status,
    amount: formatAmount(BigInt(d.amount), EXPONENT),
    paidAmount: d.paid_amount === null ? null : formatAmount(BigInt(d.paid_amount), EXPONENT),
    currency: d.currency,
    provider: d.provider,
    providerReference: d.provider_reference,
    providerStatus: d.provider_status,
    qrCode: d.qr_code,
    copyPaste: d.copy_paste,
    expiresAt: d.expires_at?.toISOString() ?? null,
    payerShownBy: d.payer_shown_by,
    heldReason: d.held_reason,
    returnRequested: d.return_requested,
    createdAt: d.created_at.toISOString(),
    finalizedAt: d.finalized_at?.toISOString() ?? null,
  };
}

const refused = (code: string, message: string, status = 403) => new ApiError(status, code, message);

function chooseProvider(config: PayoutsConfig, engine: DepositEngine, requested: PayoutProviderName | undefined): PayoutProviderName {
  const provider = requested ?? config.defaultProvider;
  if (!provider) throw new ApiError(400, 'PROVIDER_NOT_CONFIGURED', 'provider is required: no PAYOUT_DEFAULT_PROVIDER is configured', 'provider');
  if (!config.providers[provider]) throw new ApiError(400, 'PROVIDER_NOT_CONFIGURED', `provider ${provider} is not configured (${providerSwitch(provider)})`, 'provider');
  if (!engine.takesDeposits(provider)) throw new ApiError(400, 'PROVIDER_HAS_NO_PAYIN', `provider ${provider} documents no PIX pay-in (docs/deposits.md)`, 'provider');
  return provider;
}

/** The new deposit row, or the one its transactionId already made (the same request: 409 if the body differs). */
async function depositRow(db: Knex, input: DepositRequest, fields: { playerId: string; amount: bigint; provider: string; hash: string }, traceId: string) {
  return db.transaction(async (trx) => {
    const id = randomUUID();
    const [inserted]: DepositRow[] = await trx('deposits')
      .insert({ id, transaction_id: input.transactionId, request_hash: fields.hash, player_id: fields.playerId, currency: 'BRL', amount: fields.amount.toString(),
        provider: fields.provider, status: 'created' })
      .onConflict('transaction_id').ignore()
      .returning('*');
    if (!inserted) {
      const prior: DepositRow = await trx('deposits').where({ transaction_id: input.transactionId }).first();
      if (prior.request_hash !== fields.hash) throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', `${input.transactionId} was already used with a different request`, 'transactionId');
      return prior;
    }
    await trx('deposit_events').insert({ deposit_id: id, to_status: 'created', source: 'operator' });
    await recordAudit(trx, { action: 'deposit.create', playerId: fields.playerId, details: { depositId: id, transactionId: input.transactionId,
      ...auditedAmount(fields.amount, 'BRL'), provider: fields.provider }, traceId });
    return inserted;
  });
}

/**
 * A PIX charge for the player: checked against the player's state and deposit limits, kept as a deposit, then made
 * at the provider, whose QR code and copia-e-cola are answered. Idempotent by transactionId: a retry after a create
 * whose answer was lost looks the charge up by our id before another is made (docs/deposits.md).
 */
export async function createDeposit(db: Knex, config: PayoutsConfig, engine: DepositEngine, protection: PlayerProtection, input: DepositRequest, traceId: string) {
  const player = await findPlayer(db, input.playerId);
  if (player.currency !== 'BRL') throw new ApiError(400, 'DEPOSIT_CURRENCY', `playerId has a ${player.currency} wallet; PIX deposits are in BRL`, 'playerId');
  if (!isValidCpf(player.document_number?.replace(/\D/g, '') ?? '')) {
    throw new ApiError(400, 'PLAYER_DOCUMENT_MISSING', "playerId has no valid CPF (documentNumber): a deposit comes only from the player's own account", 'playerId');
  }
  const amount = operatorAmount(input.amountText, 'BRL', 'amount');
  const [min, max] = [operatorAmount(config.minAmount, 'BRL', 'min'), operatorAmount(config.maxAmount, 'BRL', 'max')];
  if (amount < min || amount > max) throw new ApiError(400, 'VALIDATION_ERROR', `amount must be from ${config.minAmount} to ${config.maxAmount} BRL`, 'amount');
  const provider = chooseProvider(config, engine, input.provider);
  const hash = requestHash([input.playerId, amount.toString(), provider]);
  const existing: DepositRow | undefined = await db('deposits').where({ transaction_id: input.transactionId }).first();
  if (!existing) {
    // asked of a new deposit only: a retry of one that was taken is answered as it stands
    refuseUnverified(player, 'a deposit');
    const refusal = playerRefusal(protection, player);
    if (refusal) throw refused('DEPOSIT_NOT_ALLOWED', `${refusal}: no deposit is taken`);
    const limit = await depositLimitRefusal(db, player, amount, 'at_charge');
    if (limit) throw refused('DEPOSIT_LIMIT', `${limit}: a deposit of ${input.amountText} would pass it`);
  }
  const deposit = await depositRow(db, input, { playerId: player.id, amount, provider, hash }, traceId);
  const made = deposit.status === 'created' ? await engine.makeCharge(deposit, player) : deposit;
  if (made.status === 'failed' && !made.provider_reference) throw new ApiError(422, 'DEPOSIT_REFUSED', `${provider} refused the charge: ${made.held_reason ?? 'see the deposit history'}`);
  return depositView(made, input.playerId);
}

async function externalIdOf(db: Knex | Knex.Transaction, playerId: string): Promise<string> {
  return (await db('players').where({ id: playerId }).first('external_id')).external_id;
}

async function findDeposit(db: Knex | Knex.Transaction, depositId: string): Promise<DepositRow> {
  const deposit = uuidShaped(depositId) ? await db('deposits').where({ id: depositId }).first() : undefined;
  if (!deposit) throw new ApiError(404, 'DEPOSIT_NOT_FOUND', `deposit ${depositId} does not exist`);
  return deposit;
}

/** The QR image of a deposit's BR Code, as SVG: what a page shows for the player to scan. */
export async function depositQrSvg(db: Knex, depositId: string): Promise<string> {
  const deposit = await findDeposit(db, depositId);
  if (!deposit.qr_code) throw new ApiError(409, 'DEPOSIT_HAS_NO_CODE', `deposit ${depositId} is ${deposit.status} and has no charge code`);
  return QRCode.toString(deposit.qr_code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

export async function getDeposit(db: Knex, depositId: string) {
  const deposit = await findDeposit(db, depositId);
  const events = await db('deposit_events').where({ deposit_id: depositId }).orderBy('id');
  return {
    ...depositView(deposit, await externalIdOf(db, deposit.player_id)),
    history: events.map((e) => ({ from: e.from_status, to: e.to_status, source: e.source, providerStatus: e.provider_status, detail: e.detail, at: e.created_at.toISOString() })),
  };
}

export interface DepositFilter {
  status?: string;
  playerId?: string;
  limit: number;
  cursor?: string;
}

/** Newest first; `cursor` is the last depositId of the previous page. */
export async function listDeposits(db: Knex, filter: DepositFilter) {
  const query = db('deposits as d').join('players as p', 'p.id', 'd.player_id').select('d.*', 'p.external_id');
  if (filter.status) query.where('d.status', filter.status);
  if (filter.playerId) query.where('p.external_id', filter.playerId);
  if (filter.cursor) {
    const last = await findDeposit(db, filter.cursor);
    query.whereRaw('(d.created_at, d.id) < (?, ?)', [last.created_at, last.id]);
  }
  const rows: (DepositRow & { external_id: string })[] = await query.orderBy([{ column: 'd.created_at', order: 'desc' }, { column: 'd.id', order: 'desc' }]).limit(filter.limit);
  return { deposits: rows.map((r) => depositView(r, r.external_id)), nextCursor: rows.length === filter.limit ? rows[rows.length - 1].id : null };
}

/**
 * Finance asks to return a held deposit, after returning it through the provider's back office (none of our
 * providers documents a pay-in refund): a second person approves, and only then does the ledger give it back.
 */
export async function requestReturn(db: Knex, depositId: string, note: string, requester: Actor, traceId: string) {
  return db.transaction(async (trx) => {
    const deposit = await lockDeposit(trx, (await findDeposit(trx, depositId)).id);
    if (deposit.status !== 'held') throw new ApiError(409, 'DEPOSIT_NOT_HELD', `deposit ${depositId} is ${deposit.status}; only a held deposit is returned`);
    if (deposit.return_requested) throw new ApiError(409, 'DEPOSIT_RETURN_REQUESTED', `deposit ${depositId} already waits for its return's approval`);
    await trx('deposits').where({ id: deposit.id }).update({ return_requested: true, updated_at: trx.fn.now() });
    const player = await findPlayer(trx, await externalIdOf(trx, deposit.player_id));
    return fileApproval(trx, { kind: 'deposit_return', player, amount: BigInt(deposit.paid_amount!), reason: `return of held deposit ${deposit.id}: ${note}`,
      heldBecause: 'a held deposit goes back only with a second person', transactionId: `deposit-return:${deposit.id}`, depositId: deposit.id }, requester, traceId);
  });
}

/** A return's approval decided: approved, the held money goes back to the provider's clearing account; rejected, it stays held. */
export const depositReturnApproval: ApprovalSubject = {
  async approve(trx, depositId, decider) {
    const moved = await moveLocked(trx, await lockDeposit(trx, depositId), { to: 'returned', source: 'approval', detail: { approvedBy: decider.id } });
    if (!moved) throw new ApiError(409, 'DEPOSIT_NOT_HELD', `deposit ${depositId} is no longer held`);
  },
  async reject(trx, depositId) {
    await trx('deposits').where({ id: depositId }).update({ return_requested: false, updated_at: trx.fn.now() });
  },
};
