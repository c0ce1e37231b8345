import { createHash, timingSafeEqual } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { isLosslessNumber, parse } from 'lossless-json';
import { ProviderSettings } from '../../config';
import { PayoutStatus } from '../states';
import { callProvider, requireSettings } from './http';
import { PayoutOrder, PayoutProvider, ProviderUnavailable, SendResult, StatusResult, WebhookResult } from './types';

/** PayStar's four statuses; the glossary also says "Successful". Compared case-insensitively. */
const STATUS: Record<string, PayoutStatus> = { created: 'submitted', processing: 'processing', success: 'succeeded', successful: 'succeeded', failed: 'failed' };
const toStatus = (s: string | undefined): PayoutStatus => STATUS[(s ?? '').toLowerCase()] ?? 'processing';
const DUPLICATE = '-1-4007';

/**
 * Names of the PIX fields in additionalFields/properties. PayStar routes to gateways whose field names its
 * account manager gives; override with PAYSTAR_PIX_FIELDS="pixKey=chave_pix,document=cpf,…".
 */
function pixFieldNames(spec: string | undefined): Record<string, string> {
  const names: Record<string, string> = { pixKey: 'pixKey', pixKeyType: 'pixKeyType', document: 'document', name: 'name' };
  for (const pair of (spec ?? '').split(',').filter(Boolean)) {
    const [ours, theirs] = pair.split('=').map((s) => s.trim());
    if (ours in names && theirs) names[ours] = theirs;
  }
  return names;
}

/**
 * InstantTransfer / PayStar payouts: the direct withdrawal-order (our id in externalTransactionId) or, with
 * PAYSTAR_MODE=butler, the Butler API bridge (our id in externalId). Bearer auth is a pre-issued token or an HS256
 * JWT minted here ({publicKey} signed with the private key). Callbacks carry Signature = hex SHA-256 of
 * "externalId;status;amount;orderType;privateKey".
 */
export function paystar(settings: ProviderSettings, options: { timeoutMs: number; notificationUrl?: string }): PayoutProvider {
  const { baseUrl, privateKey } = requireSettings('paystar', settings, ['baseUrl', 'privateKey']);
  const butler = settings.mode === 'butler';
  if (!settings.bearerToken && !settings.publicKey) throw new Error('payout provider paystar needs PAYSTAR_BEARER_TOKEN or PAYSTAR_PUBLIC_KEY');
  const fields = pixFieldNames(settings.pixFields);
  let minted: { token: string; until: number } | undefined;

  function bearer(): string {
    if (settings.bearerToken) return settings.bearerToken;
    if (!minted || minted.until < Date.now()) {
      minted = { token: jwt.sign({ publicKey: settings.publicKey }, privateKey, { algorithm: 'HS256', expiresIn: '10m' }), until: Date.now() + 5 * 60_000 };
    }
    return minted.token;
  }

  const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    callProvider({
      method,
      url: `${baseUrl}/api/v1/integration${path}`,
      headers: { Authorization: `Bearer ${bearer()}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: options.timeoutMs,
    });

  const pairs = (order: PayoutOrder) => [
    { key: fields.pixKey, value: order.pixKey },
    { key: fields.pixKeyType, value: order.pixKeyType },
    { key: fields.document, value: order.beneficiaryDocument },
    { key: fields.name, value: order.beneficiaryName ?? order.playerId },
  ];

  return {
    name: 'paystar',
    // -1-4007 is documented for the direct withdrawal-order; the Butler bridge documents no duplicate answer
    refusesDuplicateIds: !butler,

    async send(order: PayoutOrder): Promise<SendResult> {
      const res = butler
        ? await call('POST', '/butler/withdrawal-order', { externalId: order.id, amount: Number(order.amount), properties: pairs(order) })
        : await call('POST', '/withdrawal-order/', {
            amount: Number(order.amount),
            currency: order.currency,
            externalTransactionId: order.id,
            additionalFields: pairs(order),
            ...(options.notificationUrl ? { callbackUrl: options.notificationUrl } : {}),
          });
      const body = (res.body ?? {}) as Record<string, string | undefined>;
      if (res.status === 400 && JSON.stringify(body).includes(DUPLICATE)) return { outcome: 'duplicate' };
      if (res.status === 423 || res.status === 401) throw new ProviderUnavailable(`paystar create: HTTP ${res.status}`);
      if (res.status >= 400) return { outcome: 'rejected', reason: `HTTP ${res.status}: ${JSON.stringify(body)}` };
      const reference = butler ? (body.pspDepositOrderID ?? body.externalId ?? order.id) : body.externalId;
      if (!reference) throw new ProviderUnavailable('paystar create: no externalId in the answer');
      const providerStatus = body.status ?? body.orderStatus ?? 'Created';
      return { outcome: 'accepted', reference, providerStatus, status: toStatus(providerStatus) };
    },

    async status(order: PayoutOrder, reference: string | null): Promise<StatusResult> {
      const path = butler
        ? `/butler/withdrawal-order/${encodeURIComponent(order.id)}`
        : reference
          ? `/withdrawal-order/${encodeURIComponent(reference)}/status`
          : `/withdrawal-order/${encodeURIComponent(order.id)}/status-by-external-transaction-id`;
      const res = await call('GET', path);
      if (res.status === 404) return { found: false };
      const body = res.body as Record<string, string | undefined> | null;
      if (res.status !== 200 || !body) throw new ProviderUnavailable(`paystar status: HTTP ${res.status}`);
      const providerStatus = body.orderStatus ?? body.status ?? '';
      return {
        found: true,
        reference: (butler ? body.pspDepositOrderID : body.externalId) ?? reference ?? order.id,
        providerStatus,
        status: toStatus(providerStatus),
        ...(body.amount !== undefined ? { amount: String(body.amount) } : {}),
      };
    },

    verifyWebhook(headers, rawBody): WebhookResult {
      const given = String(headers.signature ?? '');
      if (!/^[0-9a-fA-F]{64}$/.test(given)) return { valid: false, reason: 'missing Signature' };
      const body = parse(rawBody.toString('utf8')) as Record<string, unknown>;
      // the docs spell it "externald" in one place: accept both
      const externalId = String(body.externalId ?? body.externald ?? '');
      // the hash covers the amount exactly as written (100, "100" and 100.00 differ)
      const amount = isLosslessNumber(body.amount) ? (body.amount as { value: string }).value : String(body.amount ?? '');
      const text = `${externalId};${String(body.status ?? '')};${amount};${String(body.orderType ?? '')};${privateKey}`;
      const expected = createHash('sha256').update(text).digest();
      if (!timingSafeEqual(Buffer.from(given, 'hex'), expected)) return { valid: false, reason: 'bad signature' };
      if (String(body.orderType).toLowerCase() !== 'withdrawal') return { valid: true, payouts: [] };
      return { valid: true, payouts: [{ reference: externalId, ourId: externalId }] };
    },
  };
}
