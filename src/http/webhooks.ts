import { Request, Response, Router } from 'express';
import getRawBody from 'raw-body';
import { BODY_LIMIT_BYTES } from './limits';

/** What a webhook's handler made of it: refused (forged, unsigned, not ours), or the answer to send. */
export type WebhookOutcome = { refused: string } | { status: number; body: unknown };

/**
 * A provider's webhook: the raw body goes to `take`, which verifies it as the provider documents and acts on it. A
 * refusal is 401 INVALID_WEBHOOK; a failure is answered `failure.status` with the trace id, so the provider sends it
 * again. Each is logged under `name`.
 */
export function webhookRoute(path: string, name: string, take: (req: Request, raw: Buffer) => Promise<WebhookOutcome>,
  failure: { status: number; message: string }): Router {
  const router = Router();
  router.post(path, (req: Request, res: Response) => {
    (async () => {
      const outcome = await take(req, await getRawBody(req, { limit: BODY_LIMIT_BYTES }));
      if ('refused' in outcome) {
        req.log.warn(`${name} webhook refused`, { ...req.params, reason: outcome.refused });
        res.status(401).json({ error: { code: 'INVALID_WEBHOOK', message: outcome.refused, traceId: req.traceId } });
        return;
      }
      res.status(outcome.status).json(outcome.body);
    })().catch((error: Error) => {
      req.log.error(`${name} webhook failed`, { error: error.message });
      res.status(failure.status).json({ error: { code: 'INTERNAL_ERROR', message: failure.message, traceId: req.traceId } });
    });
  });
  return router;
}
