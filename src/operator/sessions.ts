import { randomBytes } from 'node:crypto';
import { Knex } from 'knex';
import { findPlayer } from './players';
import type { PlayerProtection } from './protection';

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
  await protection.beforeSession(player, traceId);
  const sessionId = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + (ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS) * 1000);
  await db('sessions').insert({ id: sessionId, player_id: player.id, game_id: gameId ?? null, expires_at: expiresAt, aggregator });
  return { sessionId, playerId: externalId, gameId: gameId ?? null, aggregator, expiresAt: expiresAt.toISOString() };
}
