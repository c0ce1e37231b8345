import { Router } from 'express';
import { Knex } from 'knex';
import { PayoutProviderName, PayoutsConfig } from '../config';
import { ApiError, compileSchema, decimalText, handle, positiveInteger } from '../http';
import createPayoutSchema from '../../schemas/operator-payout-create.json';
import { PixKeyType } from './pix';
import { cancelPayout, getPayout, listPayouts, requestPayout } from './service';
import { PayoutEngine } from './engine';

const validateCreate = compileSchema<{
  amount: string | number;
  pixKey: string;
  pixKeyType?: PixKeyType;
  provider?: PayoutProviderName;
  transactionId: string;
}>(createPayoutSchema, 'VALIDATION_ERROR');

const STATUSES = ['requested', 'submitted', 'processing', 'on_hold', 'unknown', 'succeeded', 'failed', 'cancelled', 'reversed'];

function dateParam(value: unknown, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new ApiError(400, 'VALIDATION_ERROR', `${field} must be an ISO 8601 date`, field);
  return date;
}

/** Operator routes of the cash-out; mounted inside the operator router (token, JSON, error format). */
export function payoutOperatorRoutes(db: Knex, config: PayoutsConfig, engine: PayoutEngine): Router {
  const router = Router();

  router.post('/players/:playerId/payouts', handle(async (req, res) => {
    const body = validateCreate(req.body);
    const answer = await requestPayout(db, config, {
      playerId: String(req.params.playerId),
      amountText: decimalText(res, 'amount', body.amount),
      pixKey: body.pixKey,
      pixKeyType: body.pixKeyType,
      provider: body.provider,
      transactionId: body.transactionId,
    });
    res.status(answer.status).json(answer.body);
  }));

  router.get('/payouts/:payoutId', handle(async (req, res) => {
    res.json(await getPayout(db, String(req.params.payoutId)));
  }));

  router.get('/payouts', handle(async (req, res) => {
    const status = req.query.status === undefined ? undefined : String(req.query.status);
    if (status !== undefined && !STATUSES.includes(status)) {
      throw new ApiError(400, 'VALIDATION_ERROR', `status must be one of ${STATUSES.join(', ')}`, 'status');
    }
    res.json(
      await listPayouts(db, {
        status,
        playerId: req.query.playerId === undefined ? undefined : String(req.query.playerId),
        provider: req.query.provider === undefined ? undefined : String(req.query.provider),
        from: dateParam(req.query.from, 'from'),
        to: dateParam(req.query.to, 'to'),
        limit: positiveInteger(req.query.limit, 'limit', 50, 500),
        cursor: req.query.cursor === undefined ? undefined : String(req.query.cursor),
      }),
    );
  }));

  router.post('/payouts/:payoutId/cancel', handle(async (req, res) => {
    res.json(await cancelPayout(db, engine, String(req.params.payoutId)));
  }));

  return router;
}
