import { ProviderSettings } from '../../config';
import { PayoutStatus } from '../states';
import { callProvider, requireSettings } from './http';
import { PayoutOrder, PayoutProvider, ProviderUnavailable, SendResult, StatusResult, WebhookResult } from './types';

const STATUS: Record<string, PayoutStatus> = {
  OPEN: 'submitted',
  PENDING: 'processing',
  EXPORTED: 'processing',
  FINISHED: 'succeeded',
  CANCELED: 'cancelled',
  CANCELLED: 'cancelled',
};

interface HashleeWithdrawal {
  hash: string;
  status: string;
  net_amount: string;
  description: string | null;
}

/**
 * Hashlee gateway (2018 wiki). Its create names a pre-registered account (`gateway_unit_account_id`) and carries
 * no PIX key, document or name: each payout goes to the player's own registered account (payout_accounts), never
 * to a shared one. It has no idempotency key and no callbacks: our payout id goes in `description`, so an unknown
 * outcome is resolved by listing with a filter on it, and status is only ever polled. `Signature` (no 2FA) or
 * `Code` (2FA) is sent on create.
 */
export function hashlee(settings: ProviderSettings, options: { timeoutMs: number }): PayoutProvider {
  const { baseUrl, token, unit } = requireSettings('hashlee', settings, ['baseUrl', 'token', 'unit']);
  if (!settings.signature && !settings.code) throw new Error('payout provider hashlee needs HASHLEE_SIGNATURE or HASHLEE_CODE');
  if (settings.accountId) {
    throw new Error("HASHLEE_ACCOUNT_ID no longer routes player payouts (every prize went to that one account): unset it and register each player's own Hashlee account with POST /operator/players/:playerId/payout-accounts");
  }
  const root = `${baseUrl}/v1/gateway-units/${encodeURIComponent(unit)}/withdrawals`;

  async function call(method: 'GET' | 'POST' | 'PATCH', url: string, form?: Record<string, string>) {
    const res = await callProvider({
      method,
      url,
      headers: {
        Authorization: token,
        Accept: 'application/json',
        ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        ...(method === 'POST' ? (settings.code ? { Code: settings.code } : { Signature: settings.signature! }) : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
      timeoutMs: options.timeoutMs,
    });
    // "Exceeded the limit of attempts. Wait for 5 minutes": nothing was done; ask again later
    if (res.status === 429 || res.status === 401) throw new ProviderUnavailable(`hashlee: HTTP ${res.status}`);
    return res;
  }

  const found = (w: HashleeWithdrawal): StatusResult => ({
    found: true,
    reference: w.hash,
    providerStatus: w.status,
    status: STATUS[w.status] ?? 'processing',
    amount: w.net_amount,
  });

  return {
    name: 'hashlee',
    refusesDuplicateIds: false, // no idempotency key at all

    async send(order: PayoutOrder): Promise<SendResult> {
      if (!order.accountId) return { outcome: 'rejected', reason: 'no registered Hashlee account of the player on this payout' };
      const res = await call('POST', root, { gateway_unit_account_id: order.accountId, currency: order.currency, net_amount: order.amount, description: order.id });
      const data = (res.body as { data?: HashleeWithdrawal } | null)?.data;
      if (res.status >= 400) return { outcome: 'rejected', reason: `HTTP ${res.status}: ${JSON.stringify(res.body)}` };
      if (!data?.hash) throw new ProviderUnavailable('hashlee create: no hash in the answer');
      return { outcome: 'accepted', reference: data.hash, providerStatus: data.status, status: STATUS[data.status] ?? 'submitted' };
    },

    async status(order: PayoutOrder, reference: string | null): Promise<StatusResult> {
      if (reference) {
        const res = await call('GET', `${root}/${encodeURIComponent(reference)}`);
        const data = (res.body as { data?: HashleeWithdrawal } | null)?.data;
        if (res.status === 404 || (res.status < 300 && !data)) return { found: false };
        if (res.status !== 200 || !data) throw new ProviderUnavailable(`hashlee show: HTTP ${res.status}`);
        return found(data);
      }
      const filter = JSON.stringify({ field: 'description', operation: '=', value: order.id });
      const res = await call('GET', `${root}?limit=10&filters[]=${encodeURIComponent(filter)}`);
      const list = (res.body as { data?: HashleeWithdrawal[] } | null)?.data;
      if (res.status !== 200 || !Array.isArray(list)) throw new ProviderUnavailable(`hashlee list: HTTP ${res.status}`);
      const match = list.find((w) => w.description === order.id);
      return match ? found(match) : { found: false };
    },

    async *list({ from, to }) {
      const filters = [
        { field: 'created_at', operation: '>=', value: from.toISOString() },
        { field: 'created_at', operation: '<', value: to.toISOString() },
      ].map((f) => `filters[]=${encodeURIComponent(JSON.stringify(f))}`).join('&');
      for (let page = 1; ; page += 1) {
        const res = await call('GET', `${root}?limit=100&page=${page}&orderBy=id&orderByDirection=asc&${filters}`);
        const body = res.body as { data?: HashleeWithdrawal[]; meta?: { pagination?: { current_page?: number; total_pages?: number } } } | null;
        if (res.status !== 200 || !Array.isArray(body?.data)) throw new ProviderUnavailable(`hashlee list: HTTP ${res.status}`);
        for (const w of body.data) {
          yield { ourId: w.description, reference: w.hash, providerStatus: w.status, status: STATUS[w.status] ?? 'processing', amount: w.net_amount };
        }
        const pages = body.meta?.pagination;
        if (!pages || (pages.current_page ?? page) >= (pages.total_pages ?? 0)) return;
      }
    },

    /** Only while OPEN ("Só é permitido o cancelamento de um saque que esteja com o status igual 'OPEN'"). */
    async cancel(_order: PayoutOrder, reference: string): Promise<boolean> {
      const res = await call('PATCH', `${root}/${encodeURIComponent(reference)}/cancel`);
      return res.status < 300;
    },

    verifyWebhook(): WebhookResult {
      return { valid: false, reason: 'Hashlee sends no callbacks; its payouts are polled' };
    },
  };
}
