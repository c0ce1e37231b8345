import { Knex } from 'knex';
import { recordAudit } from '../audit';
import { ApiError } from '../http';
import { findPlayer } from './players';
import { openSession, sessionRef } from './sessions';
import type { PlayerProtection } from './protection';

/** What the operator sends to launch a game; the aggregator gets it with the brand, mode and currency added. */
export interface LaunchBody {
  gameId: string;
  locale: string;
  platform: 'web' | 'mobile';
  country: string;
  /** The address of whoever launches; the router fills in the caller's when the body has none. */
  ip: string;
  lobbyUrl?: string;
}

export type LaunchRequest = LaunchBody & { currency: string } & (
  | { mode: 'wallet'; playerId: string; sessionId: string }
  | { mode: 'demo' }
);

/** The aggregator's answer: a URL, or why not (it could not be reached or read, or it refused). */
export type LaunchAnswer =
  | { ok: true; url: string }
  | { ok: false; failure: 'unavailable' | 'refused'; reason: string; status?: number; code?: string; description?: string };

/** An aggregator's launch call (Fizzy Bubbly's signed POST /game/url), behind which the operator API need not know. */
export interface GameLauncher {
  launch(request: LaunchRequest, traceId: string): Promise<LaunchAnswer>;
}

/** The contract requires a currency even in demo mode; fun money has none, so any the brand enables will do. */
const DEMO_CURRENCY = 'EUR';

function launcherOrRefuse(launcher: GameLauncher | undefined): GameLauncher {
  if (!launcher) throw new ApiError(503, 'LAUNCH_NOT_CONFIGURED', 'launching is off: set FB_API_URL and FB_BRAND_ID');
  return launcher;
}

function failureError(answer: Extract<LaunchAnswer, { ok: false }>): ApiError {
  const aggregator = { status: answer.status, code: answer.code, description: answer.description };
  return answer.failure === 'refused'
    ? new ApiError(502, 'AGGREGATOR_REFUSED', `the aggregator refused the launch: ${answer.reason}`, undefined, { aggregator })
    : new ApiError(502, 'AGGREGATOR_UNAVAILABLE', `the aggregator could not give a launch URL: ${answer.reason}`, undefined, { aggregator });
}

async function refuseUnplayable(db: Knex, status: string, externalId: string, gameId: string): Promise<void> {
  if (status === 'blocked') throw new ApiError(400, 'PLAYER_BLOCKED', `player ${externalId} is blocked`);
  const game = await db('games').where({ game_id: gameId }).first<{ active: boolean } | undefined>();
  if (game && !game.active) throw new ApiError(400, 'GAME_NOT_ACTIVE', `game ${gameId} is disabled`, 'gameId');
}

/**
 * Opens a session for the player and game, then asks the aggregator for a launch URL on it. If the aggregator gives
 * none, the session is closed at once, so an id that no player ever received can never carry a bet.
 */
export async function launchGame(
  db: Knex,
  launcher: GameLauncher | undefined,
  protection: PlayerProtection,
  externalId: string,
  body: LaunchBody & { ttlSeconds?: number },
  traceId: string,
) {
  const aggregator = launcherOrRefuse(launcher);
  const player = await findPlayer(db, externalId);
  await refuseUnplayable(db, player.status, externalId, body.gameId);
  const { ttlSeconds, ...launch } = body;
  const session = await openSession(db, protection, externalId, body.gameId, ttlSeconds, traceId);
  const answer = await aggregator.launch({ ...launch, mode: 'wallet', currency: player.currency, playerId: externalId, sessionId: session.sessionId }, traceId);
  if (!answer.ok) {
    await db('sessions').where({ id: session.sessionId }).update({ expires_at: db.fn.now() });
    throw failureError(answer);
  }
  await recordAudit(db, { action: 'game.launch', playerId: player.id, details: { gameId: body.gameId, sessionRef: sessionRef(session.sessionId) }, traceId });
  return { sessionId: session.sessionId, playerId: externalId, gameId: body.gameId, url: answer.url, expiresAt: session.expiresAt };
}

/** A demo launch: fun money at the aggregator, no player, no session; only who launched it is written here. */
export async function launchDemo(db: Knex, launcher: GameLauncher | undefined, body: LaunchBody & { currency?: string }, traceId: string) {
  const aggregator = launcherOrRefuse(launcher);
  const { currency, ...launch } = body;
  const answer = await aggregator.launch({ ...launch, mode: 'demo', currency: currency ?? DEMO_CURRENCY }, traceId);
  if (!answer.ok) throw failureError(answer);
  await recordAudit(db, { action: 'game.launch_demo', playerId: null, details: { gameId: body.gameId }, traceId });
  return { url: answer.url };
}
