import { Router } from 'express';
import { recordAudit } from '../audit';
import { Knex } from 'knex';
import { ApiError, handle, respondWithProgress } from '../http';
import { activePause, allow, findPlayer } from '../operator';
import { checkHistory } from './checks';
import { impedimentsWithPlayer, impedimentView } from './impediments';
import type { Protection } from './service';
import { listSweeps } from './sweep';

/** The operator's view of player protection; mounted inside the operator router. */
export function protectionRoutes(db: Knex, protection: Protection | undefined): Router {
  const router = Router();

  router.get('/players/:playerId/protection', allow('read'), handle(async (req, res) => {
    const player = await findPlayer(db, String(req.params.playerId));
    const impediment = await impedimentsWithPlayer(db).where('i.player_id', player.id).first();
    const alerts = await db('protection_alerts').where({ player_id: player.id }).orderBy('created_at', 'desc').limit(20);
    res.json({
      playerId: player.external_id,
      jurisdiction: protection ? 'BR' : null,
      status: player.status,
      registerState: player.register_state,
      registerCheckedOn: player.register_checked_on,
      pausedUntil: activePause(player),
      impediment: impediment ? impedimentView(impediment) : null,
      checks: await checkHistory(db, player.id),
      alerts: alerts.map((a) => ({ limit: a.kind as string, periodStart: (a.period_start as Date).toISOString(), playedMinutes: a.played_minutes as number,
        limitMinutes: a.limit_minutes as number, at: (a.created_at as Date).toISOString() })),
    });
  }));

  router.get('/impediments', allow('read'), handle(async (_req, res) => {
    const rows = await impedimentsWithPlayer(db).orderBy('i.impeded_at', 'desc').limit(500);
    res.json({ impediments: rows.map(impedimentView) });
  }));

  router.get('/protection/sweeps', allow('read'), handle(async (_req, res) => {
    res.json(await listSweeps(db));
  }));

  // resumes an unfinished sweep, else starts one now; streams its progress to a caller that asks for NDJSON
  router.post('/protection/sweeps', allow('players.update', 'register.sweep'), handle(async (req, res) => {
    if (!protection) throw new ApiError(409, 'NO_JURISDICTION', 'the register sweep needs JURISDICTION=BR');
    await recordAudit(db, { action: 'register.sweep', playerId: null, details: {}, traceId: req.traceId });
    await respondWithProgress(req, res, (onProgress, signal) => protection.sweep({ force: true, onProgress, signal, traceId: req.traceId }));
  }));

  return router;
}
