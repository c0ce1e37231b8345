import { Router } from 'express';
import { Knex } from 'knex';
import { PayoutProviderName, PayoutsConfig } from '../config';
import { Actor } from '../audit';
import { ApiError, compileSchema, dateRange, decimalText, handle, oneOf, positiveInteger, respondWithProgress, webhookRoute } from '../http';
import { allow, PlayerProtection } from '../operator';
import createDepositSchema from '../../schemas/operator-deposit-create.json';
import returnDepositSchema from '../../schemas/operator-deposit-return.json';
import { DepositEngine } from './engine';
import { createDeposit, depositQrSvg, getDeposit, listDeposits, requestReturn } from './service';
import { DEPOSIT_STATUSES } from './states';
import { reconcileDeposits } from './reconcile';

const validateCreate = compileSchema<{ amount: string | number; provider?: PayoutProviderName; transactionId: string }>(createDepositSchema, 'VALIDATION_ERROR');
const validateReturn = compileSchema<{ note: string }>(returnDepositSchema, 'VALIDATION_ERROR');

/** Operator routes of the cash-in; mounted inside the operator router (token, JSON, error format). */
export function depositOperatorRoutes(db: Knex, config: PayoutsConfig, engine: DepositEngine, protection: PlayerProtection): Router {
  const router = Router();

  router.post('/players/:playerId/deposits', allow('deposits.create', 'deposit.create'), handle(async (req, res) => {
    const body = validateCreate(req.body);
    const deposit = await createDeposit(db, config, engine, protection,
      { playerId: String(req.params.playerId), amountText: decimalText(res, 'amount', body.amount), provider: body.provider, transactionId: body.transactionId }, req.traceId);
    res.status(201).json(deposit);
  }));

  router.get('/deposit-providers', allow('read'), (_req, res) => {
    res.json({ providers: engine.payinProviders(config.defaultProvider) });
  });

  router.get('/deposits/:depositId/qr', allow('read'), handle(async (req, res) => {
    const svg = await depositQrSvg(db, String(req.params.depositId));
    res.type('image/svg+xml').send(svg);
  }));

  router.get('/deposits/:depositId', allow('read'), handle(async (req, res) => {
    res.json(await getDeposit(db, String(req.params.depositId)));
  }));

  router.get('/deposits', allow('read'), handle(async (req, res) => {
    res.json(await listDeposits(db, {
      status: oneOf(req.query.status, 'status', DEPOSIT_STATUSES),
      playerId: req.query.playerId === undefined ? undefined : String(req.query.playerId),
      limit: positiveInteger(req.query.limit, 'limit', 50, 500),
      cursor: req.query.cursor === undefined ? undefined : String(req.query.cursor),
    }));
  }));

  router.get('/reports/deposit-reconciliation', allow('reconcile'), handle(async (req, res) => {
    const provider = req.query.provider;
    if (typeof provider !== 'string') throw new ApiError(400, 'VALIDATION_ERROR', 'provider is required', 'provider');
    const range = dateRange(req.query, true);
    await respondWithProgress(req, res, (onProgress) => reconcileDeposits(db, engine, provider, range, onProgress));
  }));

  router.post('/deposits/:depositId/return', allow('payouts.manage', 'deposit_return.request_approval'), handle(async (req, res) => {
    const body = validateReturn(req.body);
    res.status(202).json(await requestReturn(db, String(req.params.depositId), body.note, res.locals.actor as Actor, req.traceId));
  }));

  return router;
}

/**
 * POST /webhooks/deposits/:provider. Verified as the provider documents it, then a hint only: each charge it names
 * is looked up at the provider before anything moves. Forged, unsigned, or naming no charge of ours: 401.
 */
export function depositWebhookRoutes(engine: DepositEngine): Router {
  return webhookRoute('/webhooks/deposits/:provider', 'deposit', async (req, raw) => {
    const result = await engine.webhook(String(req.params.provider), req.headers, raw);
    if (!result.valid) return { refused: result.reason };
    return { status: 200, body: { received: result.checked, checked: result.checked } };
  }, { status: 500, message: 'the callback could not be handled' });
}
