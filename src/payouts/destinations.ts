import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { Actor, recordAudit } from '../audit';
import { ApiError, uuidShaped } from '../http';
import { findPlayer, FourEyes, fourEyesOn } from '../operator';
import { PixKey } from './pix';

/**
 * Where a payout goes, as one name: `email:…`, `phone:…`, `evp:…` for a PIX key, `<provider>:<account id>` for a
 * registered provider account. Undefined for the player's own CPF key, the one destination that is provably the
 * player's by its form (docs/payouts.md "Destinations"). No provider we integrate documents a DICT ownership check
 * of a key, so every other destination is proved by a second person at its first payout.
 */
export function destinationName(provider: string, key: PixKey | undefined, registeredAccountId: string | undefined): string | undefined {
  if (registeredAccountId !== undefined) return `${provider}:${registeredAccountId}`;
  return key && key.type !== 'cpf' ? `${key.type}:${key.key}` : undefined;
}

interface DestinationRow {
  id: string;
  player_id: string;
  destination: string;
  status: 'pending' | 'known' | 'rejected' | 'retired';
  first_payout_id: string;
  approved_by: string | null;
  created_at: Date;
  decided_at: Date | null;
  retired_at: Date | null;
}

const destinationView = (row: DestinationRow, playerId: string) => ({
  destinationId: row.id,
  playerId,
  destination: row.destination,
  status: row.status,
  firstPayoutId: row.first_payout_id,
  approvedBy: row.approved_by,
  createdAt: row.created_at.toISOString(),
  decidedAt: row.decided_at?.toISOString() ?? null,
  retiredAt: row.retired_at?.toISOString() ?? null,
});

const shared = (destination: string) =>
  new ApiError(409, 'PAYOUT_DESTINATION_SHARED', `${destination} is already a payout destination of another player: one destination belongs to one player`, 'pixKey');

/**
 * Refuses a destination another player holds (waiting or known), writing the refusal to the audit trail in its own
 * transaction, since the request itself changes nothing.
 */
export async function refuseSharedDestination(db: Knex, player: { id: string }, destination: string, traceId: string): Promise<void> {
  const holder = await db('payout_destinations').where({ destination }).whereIn('status', ['pending', 'known']).whereNot({ player_id: player.id }).first('id');
  if (!holder) return;
  await recordAudit(db, { action: 'payout.destination_refused', playerId: player.id, details: { destination, rule: 'PAYOUT_DESTINATION_SHARED' }, traceId });
  throw shared(destination);
}

/**
 * Why a payout to `destination` waits for a second person, or undefined when it is the player's known destination
 * or when four eyes are off (no APPROVAL_THRESHOLD, development only).
 */
export async function destinationHold(trx: Knex.Transaction, fourEyes: FourEyes, player: { id: string }, destination: string | undefined): Promise<string | undefined> {
  if (destination === undefined || !fourEyesOn(fourEyes.thresholds)) return undefined;
  const known = await trx('payout_destinations').where({ player_id: player.id, destination, status: 'known' }).first('id');
  return known ? undefined : `the first payout to ${destination} waits: it is not provably the player's until a second person confirms it`;
}

/** Notes a destination as waiting on its first payout's approval; a second player racing for it meets the unique index. */
export async function noteWaitingDestination(trx: Knex.Transaction, player: { id: string }, destination: string, payoutId: string): Promise<void> {
  const waiting = await trx('payout_destinations').where({ player_id: player.id, destination, status: 'pending' }).first('id');
  if (waiting) return;
  try {
    await trx('payout_destinations').insert({ id: randomUUID(), player_id: player.id, destination, status: 'pending', first_payout_id: payoutId });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw shared(destination);
    throw error;
  }
}

/** A payout's approval decided: its destination becomes one of the player's known destinations, or is dropped. */
export async function decideDestination(trx: Knex.Transaction, payout: { id: string; player_id: string; destination: string | null }, decision: 'approve' | 'reject', decider: Actor) {
  if (!payout.destination) return;
  const where = { player_id: payout.player_id, destination: payout.destination, status: 'pending' };
  if (decision === 'reject') {
    await trx('payout_destinations').where({ ...where, first_payout_id: payout.id }).update({ status: 'rejected', decided_at: trx.fn.now() });
    return;
  }
  const confirmed = await trx('payout_destinations').where(where).update({ status: 'known', approved_by: decider.id, decided_at: trx.fn.now() });
  if (confirmed > 0) return;
  await trx('payout_destinations').insert({ id: randomUUID(), player_id: payout.player_id, destination: payout.destination, status: 'known', first_payout_id: payout.id,
    approved_by: decider.id, decided_at: trx.fn.now() }).onConflict().ignore();
}

export async function listDestinations(db: Knex, playerId: string) {
  const player = await findPlayer(db, playerId);
  const rows: DestinationRow[] = await db('payout_destinations').where({ player_id: player.id }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
  return { payoutDestinations: rows.map((row) => destinationView(row, playerId)) };
}

/** Retires a known or waiting destination: the next payout to it waits for a second person again. Retiring twice is a no-op. */
export async function retireDestination(db: Knex, playerId: string, destinationId: string, traceId: string) {
  const player = await findPlayer(db, playerId);
  return db.transaction(async (trx) => {
    const row: DestinationRow | undefined = uuidShaped(destinationId)
      ? await trx('payout_destinations').where({ id: destinationId, player_id: player.id }).forUpdate().first()
      : undefined;
    if (!row) throw new ApiError(404, 'PAYOUT_DESTINATION_NOT_FOUND', `player ${playerId} has no payout destination ${destinationId}`);
    if (row.status === 'retired' || row.status === 'rejected') return destinationView(row, playerId);
    const [retired]: DestinationRow[] = await trx('payout_destinations').where({ id: row.id }).update({ status: 'retired', retired_at: trx.fn.now() }).returning('*');
    await recordAudit(trx, { action: 'payout_destination.retire', playerId: player.id, details: { destinationId: row.id, destination: row.destination }, traceId });
    return destinationView(retired, playerId);
  });
}
