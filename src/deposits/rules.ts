import { Knex } from 'knex';
import { formatAmount } from '../ledger';
import { PayerProof } from '../payouts';
import { activePause, admitTopUp, PlayerProtection, ProtectedPlayer, refuseUnverified } from '../operator';
import { DepositRow } from './transitions';

/** A player's deposit limits, as the loss limits: a decrease applies at once, an increase after 24 hours (src/operator/players.ts). */
const WINDOWS: Record<string, number> = { deposit_24h: 24, deposit_7d: 168, deposit_30d: 720 };

/** Deposits that count toward a limit when a charge is made: those that may still bring money, and those that did. */
const COUNTED_AT_CHARGE = ['created', 'pending', 'paid', 'credited'];

interface LimitUse {
  kind: string;
  limit: string;
  used: string;
}

/** Each deposit limit in force for the player, with what the counted deposits of its window add up to (minor units). */
async function limitUse(db: Knex | Knex.Transaction, playerId: string, statuses: string[], excluding: string | null): Promise<LimitUse[]> {
  const { rows } = await db.raw<{ rows: LimitUse[] }>(`
    SELECT l.kind, l.effective::text AS limit,
           coalesce((SELECT sum(d.amount) FROM deposits d
                      WHERE d.player_id = l.player_id AND d.status = ANY(?) AND d.id IS DISTINCT FROM ?::uuid
                        AND d.created_at > now() - make_interval(hours => CASE l.kind WHEN 'deposit_24h' THEN 24 WHEN 'deposit_7d' THEN 168 ELSE 720 END)), 0)::text AS used
      FROM (SELECT player_id, kind, CASE WHEN pending_effective_at <= now() THEN pending_amount ELSE amount END AS effective
              FROM player_limits WHERE player_id = ? AND kind = ANY(?)) l
     WHERE l.effective IS NOT NULL`, [statuses, excluding, playerId, Object.keys(WINDOWS)]);
  return rows;
}

/** Why a deposit of `amount` would pass one of the player's deposit limits, or undefined. */
export async function depositLimitRefusal(db: Knex | Knex.Transaction, player: { id: string; currency: string }, amount: bigint,
  counted: 'at_charge' | 'at_credit', depositId: string | null = null): Promise<string | undefined> {
  const statuses = counted === 'at_charge' ? COUNTED_AT_CHARGE : ['credited'];
  for (const use of await limitUse(db, player.id, statuses, depositId)) {
    if (BigInt(use.used) + amount > BigInt(use.limit)) {
      return `the player's ${use.kind.replace('deposit_', '')} deposit limit is ${formatAmount(BigInt(use.limit), 2)} ${player.currency} and ${formatAmount(BigInt(use.used), 2)} is already deposited or on its way`;
    }
  }
  return undefined;
}

/** Why the player may take no money in now (impeded, closed, blocked, not cleared by the register, paused), or undefined. */
export function playerRefusal(protection: PlayerProtection, player: ProtectedPlayer & { paused_until: Date | null; kyc_status: string; kyc_required: boolean }): string | undefined {
  if (player.status === 'blocked') return `player ${player.external_id} is blocked`;
  const pause = activePause(player);
  if (pause) return `player ${player.external_id} has paused their account until ${pause}`;
  try {
    // a charge paid after the player was suspended, or stopped being verified, is held like any other it may not credit
    refuseUnverified(player, 'a deposit');
    admitTopUp(protection, player);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export interface ChargePaid {
  paidAmount: bigint;
  payerDocument?: string;
  thirdPartiesAllowed?: boolean;
}

/**
 * Whether the money of a paid charge may be credited: how the payer is shown to be the player (Portaria SPA/MF
 * 615/2024), or why it is held. A CNPJ payer, another CPF, a payer the provider cannot show, a wrong amount, and a
 * player who may no longer take money in, are held.
 */
export async function creditDecision(trx: Knex.Transaction, deposit: DepositRow, paid: ChargePaid, proof: PayerProof | undefined,
  player: ProtectedPlayer & { paused_until: Date | null; currency: string; kyc_status: string; kyc_required: boolean }, protection: PlayerProtection): Promise<{ shownBy?: PayerProof; held?: string }> {
  const payer = paid.payerDocument?.replace(/\D/g, '');
  const cpf = player.document_number?.replace(/\D/g, '');
  let shownBy: PayerProof | undefined;
  if (proof === 'payer_document') {
    if (!payer) return { held: `${deposit.provider} did not say who paid` };
    if (payer.length !== 11) return { held: 'the payer is a company (CNPJ), not the player' };
    if (payer !== cpf) return { held: "the payer's CPF is not the player's: a third party paid" };
    shownBy = 'payer_document';
  } else if (proof === 'provider_refuses_third_parties' && paid.thirdPartiesAllowed !== false) {
    return { held: `${deposit.provider}'s charge does not say it refused third-party payers` };
  } else if (proof) {
    shownBy = proof;
  } else {
    return { held: `${deposit.provider} returns no payer data, and the operator has not declared that its contract guarantees the payer (docs/deposits.md)` };
  }
  if (paid.paidAmount !== BigInt(deposit.amount)) {
    return { shownBy, held: `${formatAmount(paid.paidAmount, 2)} was paid where ${formatAmount(BigInt(deposit.amount), 2)} was asked` };
  }
  const refusal = playerRefusal(protection, player) ?? (await depositLimitRefusal(trx, player, paid.paidAmount, 'at_credit', deposit.id));
  return refusal ? { shownBy, held: refusal } : { shownBy };
}
