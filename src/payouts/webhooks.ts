import { Request, Response, Router } from 'express';
import getRawBody from 'raw-body';
import { BODY_LIMIT_BYTES } from '../http';
import { PayoutEngine } from './engine';

/**
 * POST /webhooks/payouts/:provider. Verified as the provider documents it; a valid callback only triggers a
 * status check of the payouts it names (it is never taken as the truth), and is answered at once.
 */
export function payoutWebhookRoutes(engine: PayoutEngine): Router {
  const router = Router();
  router.post('/webhooks/payouts/:provider', (req: Request, res: Response) => {
    (async () => {
      const raw = await getRawBody(req, { limit: BODY_LIMIT_BYTES });
      const result = await engine.webhook(String(req.params.provider), req.headers, raw);
      if (!result.valid) {
        req.log.warn('payout webhook refused', { provider: req.params.provider, reason: result.reason });
        res.status(401).json({ error: { code: 'INVALID_WEBHOOK', message: result.reason, traceId: req.traceId } });
        return;
      }
      res.status(200).json({ received: result.payouts.length, checked: result.checked ?? 0 });
    })().catch((error: Error) => {
      req.log.error('payout webhook failed', { error: error.message });
      res.status(500).json({ error: { code: 'INTERNAL_ERROR', message: 'the callback could not be handled', traceId: req.traceId } });
    });
  });
  return router;
}
