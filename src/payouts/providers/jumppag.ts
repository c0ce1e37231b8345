import { createHmac, timingSafeEqual } from 'node:crypto';
import { ProviderSettings } from '../../config';
import { PayoutStatus } from '../states';
import { callProvider, requireSettings } from './http';
import { ChargeLookup, ChargeRefused, ChargeStatus, PayinCharge, PayinProvider, PayoutOrder, PayoutProvider, ProviderUnavailable, SendResult, StatusResult, WebhookResult } from './types';

/** docs.jumppag.com payout statuses; success can still turn into returned/refunded later. */
const STATUS: Record<string, PayoutStatus> = {
  pending: 'processing',
  onhold: 'on_hold',
  success: 'succeeded',
  failed: 'failed',
  returned: 'reversed',
  refunded: 'reversed',
};
/** docs.jumppag.com pay-in (payment) statuses; `canceled` is a transaction that failed for any reason. */
const CHARGE_STATUS: Record<string, ChargeStatus> = { pending: 'pending', open: 'pending', paid: 'paid', denied: 'failed', canceled: 'failed', expired: 'expired' };
const REPLAY_WINDOW_MS = 5 * 60 * 1000;

const LIST_PAGE = 40; // the documented maximum of `limit`

interface JumppagPayment {
  id: string;
  transaction_id: string;
  amount: string;
  status: string;
}

type SignedItems = { valid: false; reason: string } | { valid: true; items: { id?: string; transaction_id?: string }[] };

/** Jump-Signature: t=<ms>,v1=<hex HMAC-SHA256(secret, "t.rawBody")>; other schemes are ignored. */
function jumpSigned(headers: Record<string, string | string[] | undefined>, rawBody: Buffer, secret: string): SignedItems {
  const header = String(headers['jump-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=') as [string, string]));
  const t = Number(parts.t);
  if (!parts.t || !parts.v1 || !Number.isFinite(t)) return { valid: false, reason: 'missing Jump-Signature' };
  if (Math.abs(Date.now() - t) > REPLAY_WINDOW_MS) return { valid: false, reason: 'signature timestamp outside the replay window' };
  const expected = createHmac('sha256', secret).update(`${parts.t}.`).update(rawBody).digest();
  const given = Buffer.from(parts.v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'bad signature' };
  const items = (JSON.parse(rawBody.toString('utf8')) as { data?: { id?: string; transaction_id?: string }[] }).data;
  return { valid: true, items: Array.isArray(items) ? items : [] };
}

interface JumppagPayout {
  id: string;
  transaction_id: string;
  amount: string;
  status: string;
}

/**
 * Jumppag (a SmartFastPay white label): OAuth2 client credentials, POST /v2/payout with our id as
 * transaction.id, GET /payout/{id} and GET /payouts?transaction_id=, webhooks signed with Jump-Signature.
 */
type Authorised = (method: 'GET' | 'POST', path: string, body?: unknown) => ReturnType<typeof callProvider>;

/**
 * Jumppag's PIX pay-in, as its white-label source documents it: POST /v2/payin with our deposit id as transaction.id
 * and the player as customer; GET /payment/{id} and GET /payments?transaction_id=; the same Jump-Signature callbacks.
 * No answer carries the payer's CPF, so the payer is shown only by the operator's guarantee
 * (JUMPPAG_PAYIN_PAYER_GUARANTEED=1); without it a paid deposit is held.
 */
function jumppagPayin(authorised: Authorised, options: { webhookSecret: string; payerGuaranteed: boolean; notificationUrl?: string }): PayinProvider {
  const found = (p: JumppagPayment): ChargeLookup => ({
    found: true,
    reference: p.id,
    providerStatus: p.status,
    status: CHARGE_STATUS[p.status] ?? 'pending',
    ...(p.status === 'paid' ? { paidAmount: String(p.amount) } : {}),
  });
  return {
    payerProof: options.payerGuaranteed ? 'operator_guarantee' : undefined,

    async createCharge(charge: PayinCharge) {
      const res = await authorised('POST', '/v2/payin', {
        customer: { id: charge.playerId, name: charge.playerName ?? charge.playerId, document: { type: 'CPF', number: charge.playerDocument } },
        country: 'BRA',
        payment_method: 'pix',
        ...(options.notificationUrl ? { notification_url: options.notificationUrl } : {}),
        transaction: { id: charge.id, currency: charge.currency, amount: Number(charge.amount) },
      });
      if (res.status >= 400) throw new ChargeRefused(`jumppag payin: HTTP ${res.status}: ${JSON.stringify(res.body)}`);
      const data = (res.body as { data?: { id?: string; status?: string; expires_in?: number; payment?: { qr_code?: string } } } | null)?.data;
      if (!data?.id || !data.payment?.qr_code) throw new ProviderUnavailable('jumppag payin: no payment id or qr_code in the answer');
      // expires_in holds a Unix time in seconds despite its name (docs/deposits.md)
      const expiresAt = typeof data.expires_in === 'number' ? new Date(data.expires_in * 1000) : null;
      return { reference: data.id, providerStatus: data.status ?? 'pending', status: CHARGE_STATUS[data.status ?? 'pending'] ?? 'pending',
        qrCode: data.payment.qr_code, copyPaste: data.payment.qr_code, expiresAt };
    },

    async chargeStatus(charge: PayinCharge, reference: string | null): Promise<ChargeLookup> {
      if (reference) {
        const res = await authorised('GET', `/payment/${encodeURIComponent(reference)}`);
        if (res.status === 404) return { found: false };
        const data = (res.body as { data?: JumppagPayment } | null)?.data;
        if (res.status !== 200 || !data) throw new ProviderUnavailable(`jumppag payment: HTTP ${res.status}`);
        return found(data);
      }
      const res = await authorised('GET', `/payments?transaction_id=${encodeURIComponent(charge.id)}`);
      const list = (res.body as { data?: JumppagPayment[] } | null)?.data;
      if (res.status !== 200 || !Array.isArray(list)) throw new ProviderUnavailable(`jumppag payments: HTTP ${res.status}`);
      const match = list.find((p) => p.transaction_id === charge.id);
      return match ? found(match) : { found: false };
    },

    verifyChargeWebhook(headers, rawBody) {
      const signed = jumpSigned(headers, rawBody, options.webhookSecret);
      return signed.valid ? { valid: true, charges: signed.items.map((i) => ({ reference: i.id, ourId: i.transaction_id })) } : signed;
    },
  };
}

export function jumppag(settings: ProviderSettings, options: { timeoutMs: number; notificationUrl?: string; payinNotificationUrl?: string }): PayoutProvider {
  const { baseUrl, clientId, clientSecret, webhookSecret } = requireSettings('jumppag', settings, ['baseUrl', 'clientId', 'clientSecret', 'webhookSecret']);
  let token: { value: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const res = await callProvider({
      method: 'POST',
      url: `${baseUrl}/oauth2/token`,
      headers: {
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
      timeoutMs: options.timeoutMs,
    });
    const data = (res.body as { data?: { access_token?: string; expires_in?: number } } | null)?.data;
    if (res.status !== 200 || !data?.access_token) throw new ProviderUnavailable(`jumppag token: HTTP ${res.status}`);
    // refreshed at 80 % of its life, so a request never carries a token about to expire
    token = { value: data.access_token, refreshAt: Date.now() + (data.expires_in ?? 3600) * 800 };
    return token.value;
  }

  /** One token request at a time, however many calls need one. */
  function accessToken(): Promise<string> {
    if (token && token.refreshAt > Date.now()) return Promise.resolve(token.value);
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function authorised(method: 'GET' | 'POST', path: string, body?: unknown) {
    for (let attempt = 0; ; attempt += 1) {
      const res = await callProvider({
        method,
        url: `${baseUrl}${path}`,
        headers: { Authorization: `Bearer ${await accessToken()}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: options.timeoutMs,
      });
      if (res.status !== 401 || attempt > 0) return res;
      token = undefined; // revoked or expired early: fetch a new one and try once more
    }
  }

  const found = (p: JumppagPayout): StatusResult => ({
    found: true,
    reference: p.id,
    providerStatus: p.status,
    status: STATUS[p.status] ?? 'processing',
    amount: p.amount,
  });

  return {
    name: 'jumppag',
    refusesDuplicateIds: false, // duplicate transaction.id behaviour is not documented

    async send(order: PayoutOrder): Promise<SendResult> {
      const res = await authorised('POST', '/v2/payout', {
        customer: { id: order.playerId, name: order.beneficiaryName ?? order.playerId, document: { type: 'CPF', number: order.beneficiaryDocument } },
        country: 'BRA',
        payment_method: 'pix',
        ...(options.notificationUrl ? { notification_url: options.notificationUrl } : {}),
        transfer: { value: order.pixKey },
        transaction: { id: order.id, currency: order.currency, amount: Number(order.amount) },
      });
      const data = (res.body as { data?: JumppagPayout } | null)?.data;
      if (res.status === 409) return { outcome: 'duplicate' };
      if (res.status >= 400) return { outcome: 'rejected', reason: `HTTP ${res.status}: ${JSON.stringify(res.body)}` };
      if (!data?.id) throw new ProviderUnavailable('jumppag create: no payout id in the answer');
      return { outcome: 'accepted', reference: data.id, providerStatus: data.status, status: STATUS[data.status] ?? 'submitted' };
    },

    async status(order: PayoutOrder, reference: string | null): Promise<StatusResult> {
      if (reference) {
        const res = await authorised('GET', `/payout/${encodeURIComponent(reference)}`);
        if (res.status === 404) return { found: false };
        const data = (res.body as { data?: JumppagPayout } | null)?.data;
        if (res.status !== 200 || !data) throw new ProviderUnavailable(`jumppag status: HTTP ${res.status}`);
        return found(data);
      }
      const res = await authorised('GET', `/payouts?transaction_id=${encodeURIComponent(order.id)}`);
      const list = (res.body as { data?: JumppagPayout[] } | null)?.data;
      if (res.status !== 200 || !Array.isArray(list)) throw new ProviderUnavailable(`jumppag list: HTTP ${res.status}`);
      const match = list.find((p) => p.transaction_id === order.id);
      return match ? found(match) : { found: false };
    },

    async *list({ from, to }) {
      for (let page = 1; ; page += 1) {
        const query = new URLSearchParams({ limit: String(LIST_PAGE), page: String(page), sort: 'id,asc', start_time: from.toISOString(), end_time: to.toISOString() });
        const res = await authorised('GET', `/payouts?${query}`);
        const list = (res.body as { data?: JumppagPayout[] } | null)?.data;
        if (res.status !== 200 || !Array.isArray(list)) throw new ProviderUnavailable(`jumppag list: HTTP ${res.status}`);
        for (const p of list) {
          yield { ourId: p.transaction_id ?? null, reference: p.id, providerStatus: p.status, status: STATUS[p.status] ?? 'processing', amount: String(p.amount) };
        }
        if (list.length < LIST_PAGE) return;
      }
    },

    verifyWebhook(headers, rawBody): WebhookResult {
      const signed = jumpSigned(headers, rawBody, webhookSecret);
      return signed.valid ? { valid: true, payouts: signed.items.map((i) => ({ reference: i.id, ourId: i.transaction_id })) } : signed;
    },

    payin: jumppagPayin(authorised, { webhookSecret, payerGuaranteed: settings.payinPayerGuaranteed === '1', notificationUrl: options.payinNotificationUrl }),
  };
}
