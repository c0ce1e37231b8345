import { Router } from 'express';
import { Knex } from 'knex';
import { handle } from '../http';
import { allow, findPlayer } from '../operator';
import { checkHistory } from './checks';
import { impedimentsWithPlayer, impedimentView } from './impediments';
import type { Protection } from './service';

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
      pausedUntil: player.paused_until?.toISOString() ?? null,
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

  return router;
}
