import { Request, Response, Router } from 'express';
import { Knex } from 'knex';
import getRawBody from 'raw-body';
import { Actor } from '../audit';
import { BODY_LIMIT_BYTES, compileSchema, handle, positiveInteger } from '../http';
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
  const router = Router();
  router.post('/webhooks/sumsub', (req: Request, res: Response) => {
    (async () => {
      const raw = await getRawBody(req, { limit: BODY_LIMIT_BYTES });
      const digest = req.headers['x-payload-digest'];
      const algorithm = req.headers['x-payload-digest-alg'];
      if (!sumsub || !settings || !webhookDigestValid(settings.webhookSecret, raw, typeof digest === 'string' ? digest : undefined, typeof algorithm === 'string' ? algorithm : undefined)) {
        req.log.warn('sumsub webhook refused', { reason: 'digest' });
        res.status(401).json({ error: { code: 'INVALID_WEBHOOK', message: 'the payload digest is missing or wrong', traceId: req.traceId } });
        return;
      }
      const body = parsed(raw);
      const applicantId = typeof body?.applicantId === 'string' ? body.applicantId : undefined;
      if (applicantId === undefined) {
        res.status(200).json({ received: 1, checked: 0 });
        return;
      }
      try {
        const status = await reviewApplicant(db, sumsub, applicantId, `webhook ${String(body?.type)}`, req.traceId);
        req.log.info('sumsub webhook', { type: body?.type, applicantId, kycStatus: status ?? 'not ours' });
        res.status(200).json({ received: 1, checked: status === undefined ? 0 : 1 });
      } catch (error) {
        if (!(error instanceof KycProviderUnavailable)) throw error;
        await queueRecheck(db, applicantId);
        req.log.warn('sumsub webhook: the review could not be read, nothing changed; re-check queued', { type: body?.type, applicantId, error: error.message });
        res.status(202).json({ received: 1, checked: 0, recheck: 'queued' });
      }
    })().catch((error: Error) => {
      req.log.error('sumsub webhook not handled', { error: error.message });
      res.status(503).json({ error: { code: 'INTERNAL_ERROR', message: 'the webhook could not be taken; nothing changed, send it again', traceId: req.traceId } });
    });
  });
  return router;
}

function parsed(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
