import { createHash, timingSafeEqual } from 'node:crypto';
import { ProviderSettings } from '../../config';
import { PayoutStatus } from '../states';
import { callProvider, requireSettings } from './http';
import { PayoutOrder, PayoutProvider, ProviderUnavailable, SendResult, StatusResult, WebhookResult } from './types';

/** Only PENDING and COMPLETED are documented; FAILED and CANCELLED come from Orkestra's main API. */
const STATUS: Record<string, PayoutStatus> = { PENDING: 'processing', COMPLETED: 'succeeded', PAID: 'succeeded', FAILED: 'failed', CANCELLED: 'cancelled' };

interface OrkestraWithdrawal {
  id: string;
  externalIdentifier: string;
  amount: number | string;
  status: string;
}

const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * Orkestra GG: HTTP Basic, POST /withdrawals with our id as externalIdentifier and the player's CPF as customer.
 * The status and lookup calls are not documented: their paths are settings (ORKESTRA_STATUS_PATH with {id},
 * ORKESTRA_LOOKUP_PATH with {externalIdentifier}). Callbacks carry a Basic credential (ORKESTRA_WEBHOOK_USERNAME
 * and ORKESTRA_WEBHOOK_PASSWORD).
 */
export function orkestra(settings: ProviderSettings, options: { timeoutMs: number }): PayoutProvider {
  const { baseUrl, username, password, webhookUsername, webhookPassword } = requireSettings('orkestra', settings, [
    'baseUrl',
    'username',
    'password',
    'webhookUsername',
    'webhookPassword',
  ]);
  const statusPath = settings.statusPath ?? '/withdrawals/{id}';
  const lookupPath = settings.lookupPath ?? '/withdrawals?externalIdentifier={externalIdentifier}';
  const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

  const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    callProvider({
      method,
      url: `${baseUrl}${path}`,
      headers: { Authorization: basic(username, password), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: options.timeoutMs,
    });

  const found = (w: OrkestraWithdrawal): StatusResult => ({
    found: true,
    reference: w.id,
    providerStatus: w.status,
    status: STATUS[w.status] ?? 'processing',
    amount: String(w.amount),
  });

  return {
    name: 'orkestra',
    refusesDuplicateIds: false, // duplicate externalIdentifier behaviour is not documented

    async send(order: PayoutOrder): Promise<SendResult> {
      const [firstName, ...rest] = (order.beneficiaryName ?? order.playerId).split(' ');
      const res = await call('POST', '/withdrawals', {
        externalIdentifier: order.id,
        amount: Number(order.amount),
        currency: order.currency,
        paymentMethod: 'PIX',
        customer: { documentNumber: order.beneficiaryDocument, firstName, lastName: rest.join(' ') || firstName },
        bankAccount: { key: order.pixKey },
      });
      if (res.status === 409) return { outcome: 'duplicate' };
      if (res.status === 401) throw new ProviderUnavailable('orkestra create: HTTP 401');
      if (res.status >= 400) return { outcome: 'rejected', reason: `HTTP ${res.status}: ${JSON.stringify(res.body)}` };
      const data = res.body as OrkestraWithdrawal | null;
      if (!data?.id) throw new ProviderUnavailable('orkestra create: no id in the answer');
      return { outcome: 'accepted', reference: data.id, providerStatus: data.status, status: STATUS[data.status] ?? 'submitted' };
    },

    async status(order: PayoutOrder, reference: string | null): Promise<StatusResult> {
      const path = reference
        ? statusPath.replace('{id}', encodeURIComponent(reference))
        : lookupPath.replace('{externalIdentifier}', encodeURIComponent(order.id));
      const res = await call('GET', path);
      if (res.status === 404) return { found: false };
      if (res.status !== 200 || !res.body) throw new ProviderUnavailable(`orkestra status: HTTP ${res.status}`);
      const body = res.body as OrkestraWithdrawal | OrkestraWithdrawal[] | { data: OrkestraWithdrawal[] };
      const list = Array.isArray(body) ? body : 'data' in body ? body.data : [body];
      const match = list.find((w) => w.externalIdentifier === order.id || w.id === reference);
      return match ? found(match) : { found: false };
    },

    verifyWebhook(headers, rawBody): WebhookResult {
      if (!sameSecret(String(headers.authorization ?? ''), basic(webhookUsername, webhookPassword))) {
        return { valid: false, reason: 'bad or missing Basic credential' };
      }
      const body = JSON.parse(rawBody.toString('utf8')) as { id?: string; externalIdentifier?: string; referenceId?: string };
      return { valid: true, payouts: [{ reference: body.id, ourId: body.externalIdentifier ?? body.referenceId }] };
    },
  };
}
