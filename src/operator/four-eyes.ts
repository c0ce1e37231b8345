import { Knex } from 'knex';
import { Actor } from '../audit';
import { formatInCurrency } from '../ledger';
import { operatorAmount, PlayerRow } from './players';

/** What the four-eyes rule needs of a manual movement: APPROVAL_THRESHOLD, who asks, and the request's trace id. */
export interface FourEyes {
  thresholds: Record<string, string>;
  requester: Actor;
  traceId: string;
}

export type ManualKind = 'topup' | 'adjustment' | 'payout';

/** The actor of what the server does by its own rules (a closed account's balance sent back): no person, no threshold. */
export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };

const WINDOW = '24 hours';

/** Whether four eyes are on: APPROVAL_THRESHOLD is set (production requires it). */
export const fourEyesOn = (thresholds: Record<string, string>) => Object.keys(thresholds).length > 0;

/**
 * A currency's threshold in minor units. Undefined when four eyes are off (APPROVAL_THRESHOLD unset, which only
 * development allows); 0 for a currency the setting does not list, so that every manual movement in it waits.
 */
export function approvalThreshold(thresholds: Record<string, string>, currency: string): bigint | undefined {
  if (!fourEyesOn(thresholds)) return undefined;
  const text = thresholds[currency];
  return text === undefined ? 0n : operatorAmount(text, currency, 'APPROVAL_THRESHOLD');
}

/**
 * Why a manual movement must wait for a second person, or undefined when one person may move it alone, in which
 * case it is counted now. The threshold counts cumulatively over 24 hours, once per requester and once per player,
 * in the currency: the request that would take either total above it waits. Concurrent requests of one requester
 * or for one player queue on advisory locks (requester first, then player, always in that order), so two halves
 * cannot both slip under. Call it inside the movement's transaction; `amount` is the magnitude in minor units.
 */
export async function holdReason(trx: Knex.Transaction, fourEyes: FourEyes, kind: ManualKind, player: PlayerRow, amount: bigint,
  transactionId: string): Promise<string | undefined> {
  const threshold = approvalThreshold(fourEyes.thresholds, player.currency);
  const requester = fourEyes.requester.id;
  if (threshold === undefined || requester === SYSTEM_ACTOR.id) return undefined;
  const money = (minor: bigint) => `${formatInCurrency(minor, player.currency)} ${player.currency}`;
  if (threshold === 0n) return `APPROVAL_THRESHOLD names no threshold for ${player.currency}, so every manual movement in it waits for a second person`;
  await trx.raw('SELECT pg_advisory_xact_lock(7340010, hashtext(?))', [requester]);
  await trx.raw('SELECT pg_advisory_xact_lock(7340011, ?::int)', [Number(BigInt(player.id) % 2147483647n)]);
  const { rows: [totals] } = await trx.raw<{ rows: { by_requester: string; for_player: string }[] }>(`
    SELECT coalesce(sum(amount) FILTER (WHERE requester = ?), 0) AS by_requester, coalesce(sum(amount) FILTER (WHERE player_id = ?), 0) AS for_player
    FROM solo_movements WHERE currency = ? AND created_at > now() - interval '${WINDOW}' AND (requester = ? OR player_id = ?)`,
  [requester, player.id, player.currency, requester, player.id]);
  const byRequester = BigInt(totals.by_requester) + amount;
  const forPlayer = BigInt(totals.for_player) + amount;
  if (byRequester > threshold) {
    return `what ${requester} moved alone in ${player.currency} over ${WINDOW}, with this, comes to ${money(byRequester)}: above the threshold of ${money(threshold)}`;
  }
  if (forPlayer > threshold) {
    return `what was moved alone for player ${player.external_id} in ${player.currency} over ${WINDOW}, with this, comes to ${money(forPlayer)}: above the threshold of ${money(threshold)}`;
  }
  await trx('solo_movements').insert({ kind, requester, player_id: player.id, currency: player.currency, amount: amount.toString(), transaction_id: transactionId });
  return undefined;
}
