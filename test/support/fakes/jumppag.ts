import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import { FakeServer } from './server';

export interface FakeOrder {
  id: string;
  transaction_id: string;
  customer_id: string;
  amount: string;
  currency: string;
  status: string;
  pixKey: string;
  document: string;
  created_at: string;
  updated_at: string;
}

export interface FakePayment {
  id: string;
  transaction_id: string;
  customer_id: string;
  amount: string;
  currency: string;
  status: string;
  document: string;
  qr_code: string;
  expires_in: number;
  created_at: string;
  updated_at: string;
}

/**
 * A Jumppag as its docs describe it: POST /oauth2/token (Basic client credentials), POST /v2/payout, GET
 * /payout/{id}, GET /payouts?transaction_id=, envelopes {requestId, data}, amounts as strings, and webhooks
 * signed with Jump-Signature. Faults can be queued for the next create. Its pay-in, as SmartFastPay documents it:
 * POST /v2/payin answering {id, status, expires_in (Unix seconds), payment {method, qr_code}}, GET /payment/{id},
 * GET /payments?transaction_id=, with no payer data anywhere; a test pays a charge with `pay`.
 */
export class FakeJumppag extends FakeServer {
  readonly clientId = 'jp-client';
  readonly clientSecret = 'jp-secret';
  readonly webhookSecret = 'jp-webhook-uid';
  readonly orders = new Map<string, FakeOrder>();
  readonly createCalls: { transactionId: string; body: Record<string, unknown> }[] = [];
  readonly payments = new Map<string, FakePayment>();
  readonly payinCalls: { transactionId: string; body: Record<string, unknown> }[] = [];
  lookups = 0;
  tokensIssued = 0;
  private validTokens = new Set<string>();

  settings() {
    return { baseUrl: this.baseUrl, clientId: this.clientId, clientSecret: this.clientSecret, webhookSecret: this.webhookSecret };
  }

  revokeTokens(): void {
    this.validTokens.clear();
  }

  createsOf(transactionId: string): number {
    return this.createCalls.filter((c) => c.transactionId === transactionId).length;
  }

  orderOf(transactionId: string): FakeOrder | undefined {
    return [...this.orders.values()].find((o) => o.transaction_id === transactionId);
  }

  setStatus(transactionId: string, status: string): FakeOrder {
    const order = this.orderOf(transactionId);
    if (!order) throw new Error(`no order for ${transactionId}`);
    order.status = status;
    order.updated_at = new Date().toISOString();
    return order;
  }

  paymentOf(transactionId: string): FakePayment {
    const payment = [...this.payments.values()].find((p) => p.transaction_id === transactionId);
    if (!payment) throw new Error(`no payment for ${transactionId}`);
    return payment;
  }

  /** The player pays the charge (of another amount, if given), or it ends another way. */
  setPayment(transactionId: string, status: 'paid' | 'expired' | 'denied', amount?: string): FakePayment {
    const payment = this.paymentOf(transactionId);
    payment.status = status;
    if (amount) payment.amount = amount;
    payment.updated_at = new Date().toISOString();
    return payment;
  }

  /** Posts a cash-in notification the way Jumppag does, signed over "t.rawBody". */
  async notifyPayment(url: string, payments: FakePayment[], options: { secret?: string } = {}): Promise<number> {
    const body = JSON.stringify({ requestId: randomUUID(), data: payments.map((p) => ({ ...this.paymentView(p), type: 'payment', payment_status: p.status })) });
    const t = String(Date.now());
    const v1 = createHmac('sha256', options.secret ?? this.webhookSecret).update(`${t}.${body}`).digest('hex');
    return (await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Jump-Signature': `t=${t},v1=${v1}` }, body })).status;
  }

  private paymentView(p: FakePayment) {
    const { document: _d, qr_code: _q, expires_in: _e, ...rest } = p;
    return rest;
  }

  /** Posts a notification the way Jumppag does: data is an array, signed over "t.rawBody". */
  async notify(url: string, orders: FakeOrder[], options: { secret?: string; timestamp?: number } = {}): Promise<number> {
    const body = JSON.stringify({ requestId: randomUUID(), data: orders.map((o) => ({ ...this.view(o), type: 'payout', payout_status: o.status })) });
    const t = String(options.timestamp ?? Date.now());
    const v1 = createHmac('sha256', options.secret ?? this.webhookSecret).update(`${t}.${body}`).digest('hex');
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Jump-Signature': `t=${t},v1=${v1}` }, body });
    return res.status;
  }

  private view(o: FakeOrder) {
    const { pixKey: _k, document: _d, ...rest } = o;
    return rest;
  }

  private reply(res: http.ServerResponse, status: number, data: unknown): void {
    this.json(res, status, status < 400 ? { requestId: randomUUID(), data } : { requestId: randomUUID(), error: data });
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): void {
    if (req.method === 'POST' && url.pathname === '/oauth2/token') return this.token(req, res, raw);
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !this.validTokens.has(auth.slice(7))) return this.reply(res, 401, { message: 'Unauthenticated.' });
    if (req.method === 'POST' && url.pathname === '/v2/payout') return this.create(req, res, raw);
    const single = /^\/payout\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && single) {
      const order = this.orders.get(decodeURIComponent(single[1]));
      return order ? this.reply(res, 200, this.view(order)) : this.reply(res, 404, { message: 'Not found' });
    }
    if (req.method === 'GET' && url.pathname === '/payouts') return this.list(res, url);
    if (req.method === 'POST' && url.pathname === '/v2/payin') return this.payin(req, res, raw);
    const payment = /^\/payment\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && payment) {
      this.lookups += 1;
      const found = this.payments.get(decodeURIComponent(payment[1]));
      return found ? this.reply(res, 200, this.paymentView(found)) : this.reply(res, 404, { message: 'Not found' });
    }
    if (req.method === 'GET' && url.pathname === '/payments') {
      this.lookups += 1;
      const wanted = url.searchParams.get('transaction_id')?.split(',');
      return this.reply(res, 200, [...this.payments.values()].filter((p) => (!wanted || wanted.includes(p.transaction_id)) && this.visible(p)).map((p) => this.paymentView(p)));
    }
    this.reply(res, 404, { message: 'Not found' });
  }

  /** GET /payouts: limit 1–40 (default 20), page, sort=id,asc|desc, start_time/end_time on created_at, transaction_id=a,b. */
  private list(res: http.ServerResponse, url: URL): void {
    const q = url.searchParams;
    const limit = Number(q.get('limit') ?? 20);
    const page = Number(q.get('page') ?? 1);
    if (!Number.isInteger(limit) || limit < 1 || limit > 40 || !Number.isInteger(page) || page < 1) {
      return this.reply(res, 422, { message: 'The given data was invalid.' });
    }
    const wanted = q.get('transaction_id')?.split(',').map((s) => s.trim());
    const start = q.get('start_time');
    const end = q.get('end_time');
    const list = [...this.orders.values()]
      .filter((o) => (!wanted || wanted.includes(o.transaction_id)) && this.visible(o))
      .filter((o) => (!start || o.created_at >= new Date(start).toISOString()) && (!end || o.created_at <= new Date(end).toISOString()))
      .sort((a, b) => (a.id < b.id ? -1 : 1) * (q.get('sort') === 'id,asc' ? 1 : -1));
    this.reply(res, 200, list.slice((page - 1) * limit, page * limit).map((o) => this.view(o)));
  }

  private token(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected || !raw.includes('grant_type=client_credentials')) {
      return this.reply(res, 401, { message: 'invalid_client' });
    }
    const token = randomUUID();
    this.validTokens.add(token);
    this.tokensIssued += 1;
    this.reply(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
  }

  private create(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const body = JSON.parse(raw) as {
      customer?: { id?: string; document?: { number?: string } };
      transfer?: { value?: string };
      transaction?: { id?: string; amount?: number; currency?: string };
    };
    const transactionId = body.transaction?.id ?? '';
    this.createCalls.push({ transactionId, body: body as Record<string, unknown> });
    const invalid = !transactionId || typeof body.transaction?.amount !== 'number' || !body.transfer?.value || !body.customer?.document?.number;
    const reject = () => this.reply(res, 400, { message: 'The given data was invalid.' });
    if (invalid) return reject();
    if (this.orderOf(transactionId)) return this.reply(res, 409, { message: 'transaction.id already used' });
    const now = new Date().toISOString();
    const order: FakeOrder = {
      id: randomUUID(),
      transaction_id: transactionId,
      customer_id: body.customer?.id ?? '',
      amount: body.transaction!.amount!.toFixed(2),
      currency: body.transaction?.currency ?? 'USD',
      status: 'pending',
      pixKey: body.transfer!.value!,
      document: body.customer!.document!.number!,
      created_at: now,
      updated_at: now,
    };
    this.createWithFaults(req, res, {
      create: () => this.stored(this.orders, order.id, order),
      answer: () => this.reply(res, 201, { id: order.id, status: order.status, payment: { method: 'pix' } }),
      reject,
    });
  }

  private payin(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const body = JSON.parse(raw) as {
      customer?: { id?: string; document?: { type?: string; number?: string } };
      payment_method?: string;
      transaction?: { id?: string; amount?: number; currency?: string };
    };
    const transactionId = body.transaction?.id ?? '';
    this.payinCalls.push({ transactionId, body: body as Record<string, unknown> });
    const reject = () => this.reply(res, 400, { message: 'The given data was invalid.' });
    if (!transactionId || typeof body.transaction?.amount !== 'number' || body.payment_method !== 'pix' || !body.customer?.document?.number) return reject();
    const now = new Date();
    const id = randomUUID();
    const payment: FakePayment = {
      id, transaction_id: transactionId, customer_id: body.customer?.id ?? '', amount: body.transaction.amount.toFixed(2), currency: body.transaction.currency ?? 'USD',
      status: 'pending', document: body.customer.document.number, qr_code: `00020101021226850014br.gov.bcb.pix2563qr.jumppag.test/${id}5204000053039865802BR6304ABCD`,
      expires_in: Math.floor(now.getTime() / 1000) + 3600, created_at: now.toISOString(), updated_at: now.toISOString(),
    };
    this.createWithFaults(req, res, {
      create: () => this.stored(this.payments, id, payment),
      answer: () => this.reply(res, 201, { id, status: 'pending', expires_in: payment.expires_in, payment: { method: 'pix', qr_code: payment.qr_code },
        values: { source_total: payment.amount, source_currency: payment.currency, exchanged_total: payment.amount, exchanged_currency: payment.currency, exchange: '1', fee: '0.00' } }),
      reject,
    });
  }
}
