import { createHash, randomBytes } from 'node:crypto';
import { Knex } from 'knex';
import { recordAudit } from '../audit';
import { findPlayer, refuseUnverified } from './players';
import type { PlayerProtection } from './protection';

/** The first 16 hex digits of a session id's SHA-256: names a session in the audit trail without revealing it. */
export const sessionRef = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex').slice(0, 16);

export const DEFAULT_SESSION_TTL_SECONDS = 4 * 60 * 60;

export const AGGREGATORS = ['fizzy-bubbly', 'hub88'] as const;
export type Aggregator = (typeof AGGREGATORS)[number];

/**
 * Opens the session whose id the operator passes to the aggregator at game launch. It belongs to that aggregator:
 * another aggregator's call with its token is refused as an invalid session.
 */
export async function openSession(db: Knex, protection: PlayerProtection, externalId: string, gameId: string | undefined, ttlSeconds: number | undefined,
  traceId: string, aggregator: Aggregator = 'fizzy-bubbly') {
  const player = await findPlayer(db, externalId);
  refuseUnverified(player, 'a game session');
  await protection.beforeSession(player, traceId);
  const sessionId = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + (ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS) * 1000);
  await db.transaction(async (trx) => {
    await trx('sessions').insert({ id: sessionId, player_id: player.id, game_id: gameId ?? null, expires_at: expiresAt, aggregator });
    // the session id is a bearer secret of the player's: the trail keeps its hash's head, enough to match a log line
    await recordAudit(trx, { action: 'session.open', playerId: player.id, details: { sessionRef: sessionRef(sessionId), gameId: gameId ?? null, aggregator,
      expiresAt: expiresAt.toISOString() }, traceId });
  });
  return { sessionId, playerId: externalId, gameId: gameId ?? null, aggregator, expiresAt: expiresAt.toISOString() };
}
