import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { PayoutProviderName, PayoutsConfig, providerSwitch } from '../config';
import { recordAudit } from '../audit';
import { ApiError, uuidShaped } from '../http';
import { formatAmount, requestHash, runIdempotent, systemAccount, transfer } from '../ledger';
import { ApprovalSubject, auditedAmount, fileApproval, findPlayer, FourEyes, holdReason, operatorAmount, refuseUnverified } from '../operator';
import { activePayoutAccount, PAYS_REGISTERED_ACCOUNT } from './accounts';
import { invalid, ownPixKey, playerCpf } from './ownership';
import { PixKey, PixKeyType } from './pix';
import { enqueue, TASKS } from './queue';
import { FINAL } from './states';
import { movePayout, PayoutRow } from './transitions';
import { decideDestination, destinationHold, destinationName, noteWaitingDestination, refuseSharedDestination } from './destinations';
import { PayoutEngine } from './engine';

/** Portaria SPA/MF 615/2024: a prize is paid within 120 minutes; a payout still open after that is overdue. */
export const PAYOUT_DEADLINE_MS = 120 * 60 * 1000;
const EXPONENT = 2; // payouts are PIX: BRL only

export interface PayoutRequest {
  playerId: string;
  amountText: string;
  /** Required, except for a provider that pays the player's registered account. */
  pixKey?: string;
  pixKeyType?: PixKeyType;
  provider?: PayoutProviderName;
  transactionId: string;
}

/** A payout as every endpoint answers it; `playerId` is the operator's id of the player (players.external_id). */
export function payoutView(p: PayoutRow, playerId: string) {
  const open = !FINAL.has(p.status);
  return {
    payoutId: p.id,
    transactionId: p.transaction_id,
    playerId,
    status: p.status,
    amount: formatAmount(p.amount, EXPONENT),
    currency: p.currency,
    provider: p.provider,
    providerReference: p.provider_reference,
    providerStatus: p.provider_status,
    pixKey: p.pix_key,
    pixKeyType: p.pix_key_type,
    beneficiaryDocument: p.beneficiary_document,
    payoutAccountId: p.payout_account_id,
    overdue: open && Date.now() - p.requested_at.getTime() > PAYOUT_DEADLINE_MS,
    manualReview: p.manual_review,
    reviewReason: p.review_reason,
    requestedAt: p.requested_at.toISOString(),
    finalizedAt: p.finalized_at?.toISOString() ?? null,
  };
}

function chooseProvider(config: PayoutsConfig, requested: PayoutProviderName | undefined): PayoutProviderName {
  const provider = requested ?? config.defaultProvider;
  if (!provider) throw invalid('provider', 'is required: no PAYOUT_DEFAULT_PROVIDER is configured', 'PROVIDER_NOT_CONFIGURED');
  if (!config.providers[provider]) throw invalid('provider', `${provider} is not configured (${providerSwitch(provider)})`, 'PROVIDER_NOT_CONFIGURED');
  return provider;
}

/**
 * Where a payout goes. A provider that pays a registered account pays the player's own active one (a PIX key in
 * the request, if any, must be that account's); any other provider pays the PIX key of the request.
 */
async function destination(db: Knex, provider: PayoutProviderName, player: { id: string }, cpf: string, input: PayoutRequest) {
  const key = input.pixKey === undefined ? undefined : ownPixKey(input.pixKey, input.pixKeyType, cpf);
  if (!PAYS_REGISTERED_ACCOUNT.has(provider)) {
    if (!key) throw invalid('pixKey', `is required: ${provider} pays the PIX key given with the payout`);
    return { key, account: undefined };
  }
  const account = await activePayoutAccount(db, player.id, provider);
  if (!account) {
    throw invalid('provider', `${provider} pays only an account registered to the player, and player ${input.playerId} has none: register it with POST /operator/players/${input.playerId}/payout-accounts`, 'PAYOUT_ACCOUNT_MISSING');
  }
  if (key && account.pix_key && key.key !== account.pix_key) throw invalid('pixKey', `is not the key of the player's registered ${provider} account ${account.account_id}`);
  return { key: key ?? (account.pix_key ? { key: account.pix_key, type: account.pix_key_type! } : undefined), account };
}

/**
 * Under KYC_REQUIRED a rejected player's balance leaves only to their own CPF key, and always by a second person
 * (docs/kyc.md "A rejected player's balance"): why it waits, or a 403 for any other destination. Undefined for
 * any other player.
 */
function rejectedRefund(player: { external_id: string; kyc_required: boolean; kyc_status: string }, key: PixKey | undefined): string | undefined {
  if (!player.kyc_required || player.kyc_status !== 'rejected') return undefined;
  if (key?.type !== 'cpf') {
    throw new ApiError(403, 'KYC_REJECTED', `player ${player.external_id}'s verification was rejected: their balance is paid only to their own CPF as the PIX key (docs/kyc.md)`, 'pixKey');
  }
  return "the player's verification was rejected: their remaining balance goes to their own CPF only with a second person";
}

/**
 * Validates everything before any money moves, then in one transaction creates the payout and reserves its
 * amount (player cash → payout in flight). Idempotent by transactionId like a top-up. It waits in pending_approval
 * with no send queued when its destination is not yet one of the player's known ones, or when the four-eyes rule
 * holds it (docs/operator-api.md "Four eyes"); otherwise its send is queued.
 */
export async function requestPayout(db: Knex, config: PayoutsConfig, input: PayoutRequest, fourEyes: FourEyes) {
  const player = await findPlayer(db, input.playerId);
  if (player.currency !== 'BRL') throw invalid('playerId', `has a ${player.currency} wallet; PIX payouts are in BRL`, 'PAYOUT_CURRENCY');
  const cpf = playerCpf(player);
  const amount = operatorAmount(input.amountText, 'BRL', 'amount');
  const [min, max] = [operatorAmount(config.minAmount, 'BRL', 'min'), operatorAmount(config.maxAmount, 'BRL', 'max')];
  if (amount < min || amount > max) throw invalid('amount', `must be from ${config.minAmount} to ${config.maxAmount} BRL`);
  const provider = chooseProvider(config, input.provider);
  const { key, account } = await destination(db, provider, player, cpf, input);
  const hash = requestHash([input.playerId, amount.toString(), key?.type ?? null, key?.key ?? null, provider, ...(account ? [account.id] : [])]);
  const goesTo = destinationName(provider, key, account?.account_id);
  if (goesTo) await refuseSharedDestination(db, player, goesTo, fourEyes.traceId);

  return runIdempotent(db, 'payouts', input.transactionId, hash, async (trx) => {
    // asked only of a new payout: a retry of one that was taken gets its answer. An impeded player may still
    // withdraw, and a closed account's balance is paid back (docs/protection.md)
    const current = await findPlayer(trx, input.playerId);
    if (current.status === 'blocked') throw invalid('playerId', 'is blocked', 'PLAYER_BLOCKED');
    const refund = rejectedRefund(current, key);
    if (!refund) refuseUnverified(current, 'a payout');
    const because = refund ?? (await destinationHold(trx, fourEyes, player, goesTo)) ?? (await holdReason(trx, fourEyes, 'payout', player, amount, input.transactionId));
    const status = because ? 'pending_approval' : 'requested';
    const id = randomUUID();
    const [payout]: PayoutRow[] = await trx('payouts')
      .insert({
        id,
        transaction_id: input.transactionId,
        player_id: player.id,
        currency: 'BRL',
        amount: amount.toString(),
        pix_key: key?.key ?? null,
        pix_key_type: key?.type ?? null,
        payout_account_id: account?.id ?? null,
        beneficiary_document: cpf,
        beneficiary_name: [player.first_name, player.last_name].filter(Boolean).join(' ') || null,
        provider,
        status,
        destination: goesTo ?? null,
      })
      .returning('*');
    await transfer(trx, {
      key: `payout:${id}:reserve`,
      kind: 'payout_reserve',
      debitAccountId: player.account_id,
      creditAccountId: await systemAccount(trx, 'payout_in_flight', 'BRL'),
      amount,
      reference: id,
    });
    await trx('payout_events').insert({ payout_id: id, to_status: status, source: 'operator' });
    await recordAudit(trx, { action: 'payout.request', playerId: player.id, details: { payoutId: id, transactionId: input.transactionId, ...auditedAmount(amount, 'BRL'),
      provider, destination: goesTo ?? `cpf:${cpf}`, status }, traceId: fourEyes.traceId });
    if (because) {
      if (goesTo) await noteWaitingDestination(trx, player, goesTo, id);
      await fileApproval(trx, { kind: 'payout', player, amount, reason: `payout to ${key?.key ?? `the registered ${provider} account`} via ${provider}`,
        heldBecause: because, transactionId: input.transactionId, payoutId: id }, fourEyes.requester, fourEyes.traceId);
    } else {
      // the send is queued in this transaction: a crash after commit loses nothing, a rollback sends nothing
      await enqueue(trx, TASKS.send, id);
    }
    return { status: 202, body: payoutView(payout, input.playerId) };
  });
}

async function externalIdOf(db: Knex, playerId: string): Promise<string> {
  return (await db('players').where({ id: playerId }).first('external_id')).external_id;
}

async function findPayout(db: Knex, payoutId: string): Promise<PayoutRow> {
  const payout = uuidShaped(payoutId) ? await db('payouts').where({ id: payoutId }).first() : undefined;
  if (!payout) throw new ApiError(404, 'PAYOUT_NOT_FOUND', `payout ${payoutId} does not exist`);
  return payout;
}

export async function getPayout(db: Knex, payoutId: string) {
  const payout = await findPayout(db, payoutId);
  const events = await db('payout_events').where({ payout_id: payoutId }).orderBy('id');
  return {
    ...payoutView(payout, await externalIdOf(db, payout.player_id)),
    history: events.map((e) => ({
      from: e.from_status,
      to: e.to_status,
      source: e.source,
      providerStatus: e.provider_status,
      detail: e.detail,
      at: e.created_at.toISOString(),
    })),
  };
}

export interface PayoutFilter {
  status?: string;
  playerId?: string;
  provider?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

/** Newest first; `cursor` is the last payoutId of the previous page. */
export async function listPayouts(db: Knex, filter: PayoutFilter) {
  const query = db('payouts as p').join('players as pl', 'pl.id', 'p.player_id').select('p.*', 'pl.external_id');
  if (filter.status) query.where('p.status', filter.status);
  if (filter.playerId) query.where('pl.external_id', filter.playerId);
  if (filter.provider) query.where('p.provider', filter.provider);
  if (filter.from) query.where('p.requested_at', '>=', filter.from);
  if (filter.to) query.where('p.requested_at', '<', filter.to);
  if (filter.cursor) {
    const last = await findPayout(db, filter.cursor);
    query.whereRaw('(p.requested_at, p.id) < (?, ?)', [last.requested_at, last.id]);
  }
  const rows: (PayoutRow & { external_id: string })[] = await query.orderBy([
    { column: 'p.requested_at', order: 'desc' },
    { column: 'p.id', order: 'desc' },
  ]).limit(filter.limit);
  return {
    payouts: rows.map((r) => payoutView(r, r.external_id)),
    nextCursor: rows.length === filter.limit ? rows[rows.length - 1].id : null,
  };
}

/**
 * A payout's approval decided by a second person, in the decision's transaction: approved, it is requested and
 * its send queued; rejected, it is cancelled and its reserve goes back to the player.
 */
export const payoutApproval: ApprovalSubject = {
  async approve(trx, payoutId, decider) {
    const payout = await mustMove(trx, payoutId, 'requested');
    await decideDestination(trx, payout, 'approve', decider);
    await enqueue(trx, TASKS.send, payoutId);
  },
  async reject(trx, payoutId, decider) {
    await decideDestination(trx, await mustMove(trx, payoutId, 'cancelled'), 'reject', decider);
  },
};

async function mustMove(trx: Knex.Transaction, payoutId: string, to: 'requested' | 'cancelled'): Promise<PayoutRow> {
  const moved = await movePayout(trx, payoutId, { to, from: ['pending_approval'], source: 'approval' });
  if (!moved.moved) throw new ApiError(409, 'PAYOUT_NOT_PENDING', `payout ${payoutId} ${moved.reason}; only a payout waiting for approval is decided`);
  return moved.payout;
}

/**
 * Cancels a payout not sent yet, or one its provider still lets cancel; the reserve goes back to the player. The
 * cancel is audited with the move, or, where the provider is asked, as the request made to it.
 */
export async function cancelPayout(db: Knex, engine: PayoutEngine, payoutId: string, traceId: string) {
  const payout = await findPayout(db, payoutId);
  if (payout.status === 'pending_approval') {
    throw new ApiError(409, 'PAYOUT_NOT_CANCELLABLE', 'payout waits for approval: a second person rejects it at POST /operator/approvals/{approvalId}/reject');
  }
  const audit = (action: string) => (trx: Knex | Knex.Transaction) =>
    recordAudit(trx, { action, playerId: payout.player_id, details: { payoutId, ...auditedAmount(payout.amount, payout.currency) }, traceId });
  const result = await engine.cancel(payoutId, audit('payout.cancel'), audit('payout.cancel_request'));
  if (!result.cancelled) throw new ApiError(409, 'PAYOUT_NOT_CANCELLABLE', result.reason ?? `payout is ${result.payout.status}`);
  return payoutView(result.payout, await externalIdOf(db, result.payout.player_id));
}

/**
 * The operator's decision on a payout in review (its send's outcome could not be found out): `resend` or `fail`.
 * Audited with the request's trace id; any other state is a 409.
 */
export async function reviewPayout(db: Knex, engine: PayoutEngine, payoutId: string, decision: 'resend' | 'fail', note: string, traceId: string) {
  await findPayout(db, payoutId);
  const result = await engine.decideReview(payoutId, decision, note, (trx, payout) =>
    recordAudit(trx, { action: 'payout.review', playerId: payout.player_id, details: { payoutId, decision, note }, traceId }));
  if (!result.moved) throw new ApiError(409, 'PAYOUT_NOT_IN_REVIEW', `payout ${result.reason}; only a payout in review takes a decision`);
  return payoutView(result.payout, await externalIdOf(db, result.payout.player_id));
}
