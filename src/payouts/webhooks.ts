import { Router } from 'express';
import { webhookRoute } from '../http';
import { PayoutEngine } from './engine';

/**
 * POST /webhooks/payouts/:provider. Verified as the provider documents it; a valid callback only triggers a
 * status check of the payouts it names (it is never taken as the truth), and is answered at once.
 */
export function payoutWebhookRoutes(engine: PayoutEngine): Router {
  return webhookRoute('/webhooks/payouts/:provider', 'payout', async (req, raw) => {
    const result = await engine.webhook(String(req.params.provider), req.headers, raw);
    if (!result.valid) return { refused: result.reason };
    return { status: 200, body: { received: result.payouts.length, checked: result.checked ?? 0 } };
  }, { status: 500, message: 'the callback could not be handled' });
}
