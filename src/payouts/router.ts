import { Router } from 'express';
import { Knex } from 'knex';
import { PayoutProviderName, PayoutsConfig } from '../config';
import { ApiError, compileSchema, dateParam, dateRange, oneOf, decimalText, handle, positiveInteger, respondWithProgress } from '../http';
import createPayoutSchema from '../../schemas/operator-payout-create.json';
import reviewPayoutSchema from '../../schemas/operator-payout-review.json';
import createPayoutAccountSchema from '../../schemas/operator-payout-account-create.json';
import { listPayoutAccounts, NewPayoutAccount, PAYS_REGISTERED_ACCOUNT, registerPayoutAccount, retirePayoutAccount } from './accounts';
import { PixKeyType } from './pix';
import { cancelPayout, getPayout, listPayouts, requestPayout, reviewPayout } from './service';
import { PayoutEngine } from './engine';
import { allow } from '../operator';
import { Actor } from '../audit';
import { PAYOUT_STATUSES } from './states';
import { listDestinations, retireDestination } from './destinations';

const validateCreate = compileSchema<{
  amount: string | number;
  pixKey?: string;
  pixKeyType?: PixKeyType;
  provider?: PayoutProviderName;
  transactionId: string;
}>(createPayoutSchema, 'VALIDATION_ERROR');
const validateReview = compileSchema<{ decision: 'resend' | 'fail'; note: string }>(reviewPayoutSchema, 'VALIDATION_ERROR');
const validateAccount = compileSchema<NewPayoutAccount>(createPayoutAccountSchema, 'VALIDATION_ERROR');

/** Operator routes of the cash-out; mounted inside the operator router (token, JSON, error format). */
export function payoutOperatorRoutes(db: Knex, config: PayoutsConfig, engine: PayoutEngine, approvalThresholds: Record<string, string>): Router {
  const router = Router();

  // what a payout request may name: the providers configured here (<NAME>_BASE_URL), the default first
  router.get('/payout-providers', allow('read'), (_req, res) => {
    const names = Object.keys(config.providers) as PayoutProviderName[];
    res.json({
      providers: names
        .sort((a, b) => Number(b === config.defaultProvider) - Number(a === config.defaultProvider))
        .map((name) => ({ name, default: name === config.defaultProvider, paysRegisteredAccount: PAYS_REGISTERED_ACCOUNT.has(name) })),
    });
  });

  router.post('/players/:playerId/payouts', allow('payouts.manage', 'payout.request'), handle(async (req, res) => {
    const body = validateCreate(req.body);
    const answer = await requestPayout(db, config, {
      playerId: String(req.params.playerId),
      amountText: decimalText(res, 'amount', body.amount),
      pixKey: body.pixKey,
      pixKeyType: body.pixKeyType,
      provider: body.provider,
      transactionId: body.transactionId,
    }, { thresholds: approvalThresholds, requester: res.locals.actor as Actor, traceId: req.traceId });
    res.status(answer.status).json(answer.body);
  }));

  router.post('/players/:playerId/payout-accounts', allow('payouts.manage', 'payout_account.register'), handle(async (req, res) => {
    const { created, account } = await registerPayoutAccount(db, String(req.params.playerId), validateAccount(req.body), req.traceId);
    res.status(created ? 201 : 200).json(account);
  }));

  router.get('/players/:playerId/payout-accounts', allow('read'), handle(async (req, res) => {
    res.json(await listPayoutAccounts(db, String(req.params.playerId)));
  }));

  router.delete('/players/:playerId/payout-accounts/:payoutAccountId', allow('payouts.manage', 'payout_account.retire'), handle(async (req, res) => {
    res.json(await retirePayoutAccount(db, String(req.params.playerId), String(req.params.payoutAccountId), req.traceId));
  }));

  router.get('/players/:playerId/payout-destinations', allow('read'), handle(async (req, res) => {
    res.json(await listDestinations(db, String(req.params.playerId)));
  }));

  router.delete('/players/:playerId/payout-destinations/:destinationId', allow('payouts.manage', 'payout_destination.retire'), handle(async (req, res) => {
    res.json(await retireDestination(db, String(req.params.playerId), String(req.params.destinationId), req.traceId));
  }));

  router.get('/payouts/:payoutId', allow('read'), handle(async (req, res) => {
    res.json(await getPayout(db, String(req.params.payoutId)));
  }));

  router.get('/payouts', allow('read'), handle(async (req, res) => {
    res.json(
      await listPayouts(db, {
        status: oneOf(req.query.status, 'status', PAYOUT_STATUSES),
        playerId: req.query.playerId === undefined ? undefined : String(req.query.playerId),
        provider: req.query.provider === undefined ? undefined : String(req.query.provider),
        from: dateParam(req.query.from, 'from'),
        to: dateParam(req.query.to, 'to'),
        limit: positiveInteger(req.query.limit, 'limit', 50, 500),
        cursor: req.query.cursor === undefined ? undefined : String(req.query.cursor),
      }),
    );
  }));

  router.get('/reports/payout-reconciliation', allow('reconcile'), handle(async (req, res) => {
    const provider = req.query.provider;
    if (typeof provider !== 'string') throw new ApiError(400, 'VALIDATION_ERROR', 'provider is required', 'provider');
    const range = dateRange(req.query, true);
    await respondWithProgress(req, res, (onProgress) => engine.reconcile(provider, range, onProgress));
  }));

  router.post('/payouts/:payoutId/cancel', allow('payouts.manage', 'payout.cancel'), handle(async (req, res) => {
    res.json(await cancelPayout(db, engine, String(req.params.payoutId), req.traceId));
  }));

  router.post('/payouts/:payoutId/review', allow('payouts.manage', 'payout.review'), handle(async (req, res) => {
    const body = validateReview(req.body);
    res.json(await reviewPayout(db, engine, String(req.params.payoutId), body.decision, body.note, req.traceId));
  }));

  return router;
}
