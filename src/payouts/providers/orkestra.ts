import { createHash, timingSafeEqual } from 'node:crypto';
import { ProviderSettings } from '../../config';
import { PayoutStatus } from '../states';
import { callProvider, providerAmount, requireSettings } from './http';
import { ChargeLookup, ChargeRefused, ChargeStatus, PayinCharge, PayinProvider, PayoutOrder, PayoutProvider, ProviderUnavailable, SendResult, StatusResult, WebhookResult } from './types';

/** Only PENDING and COMPLETED are documented; FAILED and CANCELLED come from Orkestra's main API. */
const STATUS: Record<string, PayoutStatus> = { PENDING: 'processing', COMPLETED: 'succeeded', PAID: 'succeeded', FAILED: 'failed', CANCELLED: 'cancelled' };

/** Orkestra order statuses (documented: PAID, PENDING, FAILED, CANCELLED; an expired PIX is read as CANCELLED). */
const ORDER_STATUS: Record<string, ChargeStatus> = { PENDING: 'pending', PAID: 'paid', FAILED: 'failed', CANCELLED: 'expired' };

interface OrkestraOrder {
  id: string | number;
  referenceId?: string;
  merchantOrderId?: string;
  amount?: number | string;
  paidAmount?: number | string;
  allowsThirdPartyPayments?: boolean;
  status: string;
  charges?: { transactions?: { pix?: Record<string, unknown> }[] }[];
  transactions?: { pix?: Record<string, unknown> }[];
}

type Call = (method: 'GET' | 'POST', path: string, body?: unknown) => ReturnType<typeof callProvider>;

/** The PIX part of an order's first transaction, wherever the answer puts it. */
const pixOf = (o: OrkestraOrder) => o.charges?.[0]?.transactions?.[0]?.pix ?? o.transactions?.[0]?.pix ?? {};
/** The BR Code of an order's PIX transaction: its field name is not in the captured docs, so the likely names are read. */
const codeOf = (pix: Record<string, unknown>) => ['qrCode', 'emv', 'brCode', 'copyPaste', 'qrCodeText'].map((k) => pix[k]).find((v): v is string => typeof v === 'string');

/**
 * Orkestra's Orders API for PIX pay-in (orkestra.readme.io "PIX"): one order, one charge with the player as its
 * customer, one PIX transaction with allowsAmountChange false, and allowsThirdPartyPayments false on the order, so
 * the provider itself refuses payers other than the customer. The create, status and lookup paths are not in the
 * captured pages: they are settings (ORKESTRA_ORDERS_PATH, ORKESTRA_ORDER_STATUS_PATH with {id},
 * ORKESTRA_ORDER_LOOKUP_PATH with {merchantOrderId}). Callbacks carry the same Basic credential as payouts'.
 */
function orkestraPayin(call: Call, settings: ProviderSettings, verifyBasic: (headers: Record<string, string | string[] | undefined>) => boolean): PayinProvider {
  const ordersPath = settings.ordersPath ?? '/orders';
  const statusPath = settings.orderStatusPath ?? '/orders/{id}';
  const lookupPath = settings.orderLookupPath ?? '/orders?merchantOrderId={merchantOrderId}';
  const found = (o: OrkestraOrder, charge: PayinCharge): ChargeLookup => {
    // the docs describe amount and paidAmount the other way round from their names: a paid order is credited only
    // when both equal the amount asked, and otherwise the one that differs is reported, so that it is held
    const amounts = [o.paidAmount, o.amount].filter((a) => a !== undefined && a !== null).map(String);
    const paidAmount = amounts.find((a) => providerAmount(a) !== providerAmount(charge.amount)) ?? amounts[0];
    const status = ORDER_STATUS[o.status] ?? 'pending';
    return { found: true, reference: String(o.id), providerStatus: o.status, status,
      ...(status === 'paid' ? { paidAmount, thirdPartiesAllowed: o.allowsThirdPartyPayments !== false } : {}) };
  };
  return {
    payerProof: 'provider_refuses_third_parties',

    async createCharge(charge) {
      const [firstName, ...rest] = (charge.playerName ?? charge.playerId).split(' ');
      const res = await call('POST', ordersPath, {
        merchantOrderId: charge.id,
        amount: Number(charge.amount),
        currency: charge.currency,
        allowsThirdPartyPayments: false,
        charges: [{
          customer: { firstName, lastName: rest.join(' ') || firstName, documentType: 'CPF', document: charge.playerDocument },
          transactions: [{ paymentMethod: 'PIX', pix: { allowsAmountChange: false, expiresAt: charge.expiresAt.toISOString() } }],
        }],
      });
      if (res.status === 401) throw new ProviderUnavailable('orkestra order: HTTP 401');
      if (res.status >= 400) throw new ChargeRefused(`orkestra order: HTTP ${res.status}: ${JSON.stringify(res.body)}`);
      const order = res.body as OrkestraOrder | null;
      const code = order && codeOf(pixOf(order));
      if (!order?.id || !code) throw new ProviderUnavailable('orkestra order: no id or PIX code in the answer');
      const expiresAt = typeof pixOf(order).expiresAt === 'string' ? new Date(pixOf(order).expiresAt as string) : null;
      return { reference: String(order.id), providerStatus: order.status, status: ORDER_STATUS[order.status] ?? 'pending', qrCode: code, copyPaste: code, expiresAt };
    },

    async chargeStatus(charge, reference) {
      const path = reference ? statusPath.replace('{id}', encodeURIComponent(reference)) : lookupPath.replace('{merchantOrderId}', encodeURIComponent(charge.id));
      const res = await call('GET', path);
      if (res.status === 404) return { found: false };
      if (res.status !== 200 || !res.body) throw new ProviderUnavailable(`orkestra order status: HTTP ${res.status}`);
      const body = res.body as OrkestraOrder | OrkestraOrder[] | { data: OrkestraOrder[] };
      const list = Array.isArray(body) ? body : 'data' in body ? body.data : [body];
      const match = list.find((o) => (o.merchantOrderId ?? o.referenceId) === charge.id || String(o.id) === reference);
      return match ? found(match, charge) : { found: false };
    },

    verifyChargeWebhook(headers, rawBody) {
      if (!verifyBasic(headers)) return { valid: false, reason: 'bad or missing Basic credential' };
      const body = JSON.parse(rawBody.toString('utf8')) as { id?: string | number; referenceId?: string };
      return { valid: true, charges: [{ reference: body.id === undefined ? undefined : String(body.id), ourId: body.referenceId }] };
    },
  };
}

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

  const verifyBasic = (headers: Record<string, string | string[] | undefined>) => sameSecret(String(headers.authorization ?? ''), basic(webhookUsername, webhookPassword));

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
      if (!verifyBasic(headers)) return { valid: false, reason: 'bad or missing Basic credential' };
      const body = JSON.parse(rawBody.toString('utf8')) as { id?: string; externalIdentifier?: string; referenceId?: string };
      return { valid: true, payouts: [{ reference: body.id, ourId: body.externalIdentifier ?? body.referenceId }] };
    },

    payin: orkestraPayin(call, settings, verifyBasic),
  };
}
