import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import jwt from 'jsonwebtoken';
import { FakeServer } from './server';

export interface PaystarOrder {
  externalId: string; // PayStar's order id
  ours: string; // externalTransactionId (direct) or externalId (Butler)
  amount: number;
  status: string;
  fields: { key: string; value: string }[];
}

/**
 * PayStar / InstantTransfer as documented: Bearer JWT (HS256, {publicKey}, signed with the private key), the direct
 * withdrawal-order (status by PayStar id or by our externalTransactionId) and the Butler bridge, 400 -1-4007 for a
 * reused id, and callbacks signed with SHA-256 of "externalId;status;amount;orderType;privateKey".
 */
export class FakePaystar extends FakeServer {
  readonly publicKey = 'ps-public';
  readonly privateKey = 'ps-private-key-for-payouts';
  readonly orders = new Map<string, PaystarOrder>();
  readonly createCalls: string[] = [];
  private hiddenLookups = 0;

  settings(mode: 'direct' | 'butler' = 'direct') {
    return { baseUrl: this.baseUrl, publicKey: this.publicKey, privateKey: this.privateKey, mode, pixFields: 'pixKey=pix_key,document=cpf' };
  }

  /** The next lookups by our id answer 404 although the order exists (a replica that has not caught up). */
  hideNextLookups(count: number): void {
    this.hiddenLookups = count;
  }

  createsOf(ours: string): number {
    return this.createCalls.filter((c) => c === ours).length;
  }

  orderOf(ours: string): PaystarOrder | undefined {
    return [...this.orders.values()].find((o) => o.ours === ours);
  }

  setStatus(ours: string, status: string): PaystarOrder {
    const order = this.orderOf(ours)!;
    order.status = status;
    return order;
  }

  /** A callback as PayStar sends it; `amountText` is written into the JSON as is (100, "100" or 100.00). */
  async notify(url: string, order: PaystarOrder, options: { amountText?: string; privateKey?: string } = {}): Promise<number> {
    const amountText = options.amountText ?? String(order.amount);
    const amountToken = amountText.startsWith('"') ? amountText.slice(1, -1) : amountText;
    const signature = createHash('sha256')
      .update(`${order.externalId};${order.status};${amountToken};Withdrawal;${options.privateKey ?? this.privateKey}`)
      .digest('hex');
    const body = `{"externalId":"${order.externalId}","status":"${order.status}","amount":${amountText},"orderType":"Withdrawal"}`;
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Signature: signature }, body });
    return res.status;
  }

  private authorised(req: http.IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    try {
      const claims = jwt.verify(header.replace(/^Bearer /, ''), this.privateKey, { algorithms: ['HS256'] }) as { publicKey?: string };
      return claims.publicKey === this.publicKey;
    } catch {
      return false;
    }
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): void {
    if (!this.authorised(req)) return this.json(res, 401, { message: 'Unauthorized' });
    const path = url.pathname.replace('/api/v1/integration', '');
    if (req.method === 'POST' && (path === '/withdrawal-order/' || path === '/butler/withdrawal-order')) return this.create(req, res, raw, path.startsWith('/butler'));
    const byOurs = /^\/withdrawal-order\/([^/]+)\/status-by-external-transaction-id$/.exec(path);
    const byTheirs = /^\/withdrawal-order\/([^/]+)\/status$/.exec(path);
    const butler = /^\/butler\/withdrawal-order\/([^/]+)$/.exec(path);
    const order = byOurs || butler ? this.orderOf(decodeURIComponent((byOurs ?? butler)![1])) : byTheirs ? this.orders.get(decodeURIComponent(byTheirs[1])) : undefined;
    if (req.method !== 'GET' || !(byOurs || byTheirs || butler)) return this.json(res, 404, { message: 'Not Found' });
    const lagging = order && (byOurs || butler) && !this.visible(order);
    if (!order || lagging || (byOurs && this.hiddenLookups-- > 0)) return this.json(res, 404, { message: 'Order Not Found' });
    if (butler) return this.json(res, 200, { amount: String(order.amount), status: order.status, externalId: order.ours, pspDepositOrderID: order.externalId });
    this.json(res, 200, { externalId: order.externalId, orderStatus: order.status, orderHistory: [{ time: new Date().toISOString(), action: '4.0.0.0' }] });
  }

  private create(req: http.IncomingMessage, res: http.ServerResponse, raw: string, butler: boolean): void {
    const body = JSON.parse(raw) as { externalTransactionId?: string; externalId?: string; amount?: number; currency?: string; additionalFields?: PaystarOrder['fields']; properties?: PaystarOrder['fields'] };
    const ours = (butler ? body.externalId : body.externalTransactionId) ?? '';
    this.createCalls.push(ours);
    const reject = () => this.json(res, 400, { label: 'VALIDATION_ERROR.', message: 'Amount is required', statusDescrption: '0-0000' });
    if (!ours || typeof body.amount !== 'number' || (!butler && !body.currency)) return reject();
    if (this.orderOf(ours)) {
      return this.json(res, 400, { label: 'VALIDATION_ERROR.', message: 'Order with this external_transaction_id already exist', statusDescrption: '-1-4007' });
    }
    const order: PaystarOrder = { externalId: `PSP-${randomUUID()}`, ours, amount: body.amount, status: 'Created', fields: (butler ? body.properties : body.additionalFields) ?? [] };
    this.createWithFaults(req, res, {
      create: () => this.stored(this.orders, order.externalId, order),
      answer: () =>
        butler
          ? this.json(res, 200, { externalId: ours, pspDepositOrderID: order.externalId, status: 'Created', amount: String(order.amount) })
          : this.json(res, 200, { externalId: order.externalId, status: 'Created', amount: order.amount }),
      reject,
    });
  }
}
