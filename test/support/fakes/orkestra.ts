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

/**
 * Orkestra GG as documented (Basic auth, POST /withdrawals answering the withdrawal with status PENDING), plus the
 * status and lookup calls the notes ask Orkestra for, at the default configured paths. Its page documents no
 * refusal of a reused externalIdentifier, so a second create here is a second withdrawal: the worst case.
 */
export class FakeOrkestra extends FakeServer {
  readonly username = 'ork-user';
  readonly password = 'ork-pass';
  readonly webhookUsername = 'ork-hook';
  readonly webhookPassword = 'ork-hook-pass';
  readonly withdrawals = new Map<string, OrkestraWithdrawal>();
  readonly createCalls: string[] = [];

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

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): void {
    if (req.headers.authorization !== `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`) {
      return this.json(res, 401, { message: 'Unauthorized' });
    }
    if (req.method === 'POST' && url.pathname === '/withdrawals') return this.create(req, res, raw);
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
