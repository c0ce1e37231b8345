import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { FakeServer } from './server';

export interface OrkestraWithdrawal {
  id: string;
  externalIdentifier: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  status: string;
  customer: { documentNumber: string; firstName: string; lastName: string };
  bankAccount: { key: string };
}

export interface FakeOrder {
  id: number;
  merchantOrderId: string;
  amount: number;
  paidAmount: number;
  currency: string;
  allowsThirdPartyPayments: boolean;
  status: string;
  charges: { customer: { document: string; documentType: string }; transactions: { paymentMethod: string; pix: Record<string, unknown> }[] }[];
}

/**
 * Orkestra GG as documented (Basic auth, POST /withdrawals answering the withdrawal with status PENDING), plus the
 * status and lookup calls the notes ask Orkestra for, at the default configured paths. Its page documents no
 * refusal of a reused externalIdentifier, so a second create here is a second withdrawal: the worst case. Its
 * Orders API for PIX pay-in (POST /orders, GET /orders/{id}, GET /orders?merchantOrderId=): the order with its PIX
 * transaction's qrCode, and order notifications carrying referenceId (our id) and the Basic credential.
 */
export class FakeOrkestra extends FakeServer {
  readonly username = 'ork-user';
  readonly password = 'ork-pass';
  readonly webhookUsername = 'ork-hook';
  readonly webhookPassword = 'ork-hook-pass';
  readonly withdrawals = new Map<string, OrkestraWithdrawal>();
  readonly createCalls: string[] = [];
  readonly orders = new Map<string, FakeOrder>();
  readonly orderCalls: Record<string, unknown>[] = [];
  private nextOrderId = 9_000_000_001;

  settings() {
    return { baseUrl: this.baseUrl, username: this.username, password: this.password, webhookUsername: this.webhookUsername, webhookPassword: this.webhookPassword };
  }

  byOurId(id: string): OrkestraWithdrawal | undefined {
    return [...this.withdrawals.values()].find((w) => w.externalIdentifier === id);
  }

  createsOf(id: string): number {
    return this.createCalls.filter((c) => c === id).length;
  }

  ordersOf(id: string): number {
    return [...this.withdrawals.values()].filter((w) => w.externalIdentifier === id).length;
  }

  async notify(url: string, withdrawal: OrkestraWithdrawal, credential = `${this.webhookUsername}:${this.webhookPassword}`): Promise<number> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(credential).toString('base64')}` },
      body: JSON.stringify({ id: withdrawal.id, externalIdentifier: withdrawal.externalIdentifier, status: withdrawal.status }),
    });
    return res.status;
  }

  orderOf(merchantOrderId: string): FakeOrder {
    const order = [...this.orders.values()].find((o) => o.merchantOrderId === merchantOrderId);
    if (!order) throw new Error(`no order for ${merchantOrderId}`);
    return order;
  }

  /** The player pays (another amount, if given), or the order ends another way. */
  setOrder(merchantOrderId: string, status: 'PAID' | 'FAILED' | 'CANCELLED', paidAmount?: number): FakeOrder {
    const order = this.orderOf(merchantOrderId);
    order.status = status;
    if (status === 'PAID') order.paidAmount = paidAmount ?? order.amount;
    return order;
  }

  /** An order notification as documented: the order's fields, referenceId being our merchantOrderId. */
  async notifyOrder(url: string, order: FakeOrder, credential = `${this.webhookUsername}:${this.webhookPassword}`): Promise<number> {
    const { merchantOrderId, ...rest } = order;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(credential).toString('base64')}` },
      body: JSON.stringify({ ...rest, referenceId: merchantOrderId, metadata: {}, transactions: rest.charges[0].transactions }),
    });
    return res.status;
  }

  private createOrder(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const body = JSON.parse(raw) as Omit<FakeOrder, 'id' | 'status' | 'paidAmount'>;
    this.orderCalls.push(body as unknown as Record<string, unknown>);
    const reject = () => this.json(res, 400, { message: 'invalid request' });
    const transaction = body.charges?.[0]?.transactions?.[0];
    if (!body.merchantOrderId || typeof body.amount !== 'number' || transaction?.paymentMethod !== 'PIX' || !body.charges[0].customer?.document) return reject();
    const id = this.nextOrderId++;
    const order: FakeOrder = { ...body, id, status: 'PENDING', paidAmount: 0,
      charges: [{ ...body.charges[0], transactions: [{ ...transaction, pix: { ...transaction.pix, qrCode: `00020126360014br.gov.bcb.pix0114orkestra-${id}5204000053039865802BR6304BEEF` } }] }] };
    this.createWithFaults(req, res, {
      create: () => this.stored(this.orders, String(id), order),
      answer: () => this.json(res, 201, order),
      reject,
    });
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): void {
    if (req.headers.authorization !== `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`) {
      return this.json(res, 401, { message: 'Unauthorized' });
    }
    if (req.method === 'POST' && url.pathname === '/withdrawals') return this.create(req, res, raw);
    if (req.method === 'POST' && url.pathname === '/orders') return this.createOrder(req, res, raw);
    if (req.method === 'GET' && url.pathname === '/orders') {
      const wanted = url.searchParams.get('merchantOrderId') ?? '';
      return this.json(res, 200, [...this.orders.values()].filter((o) => o.merchantOrderId === wanted && this.visible(o)));
    }
    const order = /^\/orders\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && order) {
      const found = [...this.orders.values()].find((o) => String(o.id) === order[1]);
      return found ? this.json(res, 200, found) : this.json(res, 404, { message: 'Not Found' });
    }
    if (req.method === 'GET' && url.pathname === '/withdrawals') {
      const wanted = url.searchParams.get('externalIdentifier') ?? '';
      return this.json(res, 200, [...this.withdrawals.values()].filter((w) => w.externalIdentifier === wanted && this.visible(w)));
    }
    const one = /^\/withdrawals\/([^/]+)$/.exec(url.pathname);
    const w = one ? this.withdrawals.get(decodeURIComponent(one[1])) : undefined;
    return w ? this.json(res, 200, w) : this.json(res, 404, { message: 'Not Found' });
  }

  private create(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const body = JSON.parse(raw) as OrkestraWithdrawal;
    this.createCalls.push(body.externalIdentifier);
    const reject = () => this.json(res, 400, { message: 'invalid request' });
    if (!body.externalIdentifier || typeof body.amount !== 'number' || body.paymentMethod !== 'PIX' || !body.bankAccount?.key || !body.customer?.documentNumber) return reject();
    const withdrawal: OrkestraWithdrawal = { ...body, id: randomUUID().replace(/-/g, '').slice(0, 24), status: 'PENDING' };
    this.createWithFaults(req, res, {
      create: () => this.stored(this.withdrawals, withdrawal.id, withdrawal),
      answer: () => this.json(res, 200, { ...withdrawal, message: null }),
      reject,
    });
  }
}
