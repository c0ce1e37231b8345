import { Router } from 'express';
import { Knex } from 'knex';
import { Actor } from '../audit';
import { compileSchema, handle, positiveInteger, webhookRoute } from '../http';
import suspensionSchema from '../../schemas/operator-kyc-suspension.json';
import { allow } from '../operator';
import { kycReport, liftSuspension, queueRecheck, reviewApplicant, showVerification, startVerification, suspendVerification } from './service';
import { SumsubSettings } from '../config';
import { KycProviderUnavailable, SumsubClient, webhookDigestValid } from './sumsub';

const validateSuspension = compileSchema<{ note: string }>(suspensionSchema, 'VALIDATION_ERROR');

/** Operator routes of identity verification; mounted inside the operator router (token, JSON, error format). */
export function kycOperatorRoutes(db: Knex, sumsub: SumsubClient | undefined): Router {
  const router = Router();
  router.post('/players/:playerId/kyc', allow('players.update', 'kyc.start'), handle(async (req, res) => {
    res.json(await startVerification(db, sumsub, String(req.params.playerId), req.traceId));
  }));
  router.post('/players/:playerId/kyc/suspension', allow('players.update', 'kyc.suspend'), handle(async (req, res) => {
    const { note } = validateSuspension(req.body);
    res.json(await suspendVerification(db, String(req.params.playerId), note, res.locals.actor as Actor, req.traceId));
  }));
  router.post('/players/:playerId/kyc/suspension/lift', allow('approvals.decide', 'kyc.lift'), handle(async (req, res) => {
    const { note } = validateSuspension(req.body);
    res.json(await liftSuspension(db, String(req.params.playerId), note, res.locals.actor as Actor, req.traceId));
  }));
  router.get('/reports/kyc', allow('read'), handle(async (req, res) => {
    res.json(await kycReport(db, positiveInteger(req.query.limit, 'limit', 100, 1000)));
  }));
  router.get('/players/:playerId/kyc', allow('read'), handle(async (req, res) => {
    res.json(await showVerification(db, String(req.params.playerId)));
  }));
  return router;
}

/**
 * POST /webhooks/sumsub: the digest is checked over the raw body (401 and nothing changed when it is wrong or
 * missing), then the applicant's review is read from Sumsub before anything changes. When Sumsub cannot be read the
 * state stays, the read is queued with backoff (queueRecheck) and the answer is 202; when even that cannot be
 * written the answer is 503, so Sumsub delivers the webhook again on its own schedule (5 min, 1 h, 5 h, 18 h).
 */
export function kycWebhookRoutes(db: Knex, sumsub: SumsubClient | undefined, settings: SumsubSettings | undefined): Router {
  return webhookRoute('/webhooks/sumsub', 'sumsub', async (req, raw) => {
    const digest = req.headers['x-payload-digest'];
    const algorithm = req.headers['x-payload-digest-alg'];
    if (!sumsub || !settings || !webhookDigestValid(settings.webhookSecret, raw, typeof digest === 'string' ? digest : undefined, typeof algorithm === 'string' ? algorithm : undefined)) {
      return { refused: 'the payload digest is missing or wrong' };
    }
    const body = parsed(raw);
    const applicantId = typeof body?.applicantId === 'string' ? body.applicantId : undefined;
    if (applicantId === undefined) return { status: 200, body: { received: 1, checked: 0 } };
    try {
      const status = await reviewApplicant(db, sumsub, applicantId, `webhook ${String(body?.type)}`, req.traceId);
      req.log.info('sumsub webhook', { type: body?.type, applicantId, kycStatus: status ?? 'not ours' });
      return { status: 200, body: { received: 1, checked: status === undefined ? 0 : 1 } };
    } catch (error) {
      if (!(error instanceof KycProviderUnavailable)) throw error;
      await queueRecheck(db, applicantId);
      req.log.warn('sumsub webhook: the review could not be read, nothing changed; re-check queued', { type: body?.type, applicantId, error: error.message });
      return { status: 202, body: { received: 1, checked: 0, recheck: 'queued' } };
    }
  }, { status: 503, message: 'the webhook could not be taken; nothing changed, send it again' });
}

function parsed(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
