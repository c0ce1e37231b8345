import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { FakeServer } from './server';

export interface HashleeWithdrawal {
  hash: string;
  gateway_unit_account_id: string;
  currency: string;
  amount: string;
  fee: string;
  net_amount: string;
  status: string;
  description: string | null;
  created_at: string;
}

const eight = (n: number) => n.toFixed(8);

/**
 * Hashlee's gateway as its 2018 wiki shows it: Authorization token, Signature (or Code) on create, form data,
 * amounts as 8-decimal strings with the fee on top, {data: …} envelopes, filters[] on the list, cancel while
 * OPEN only, Laravel-style errors, and a "wait 5 minutes" rate limit.
 */
export class FakeHashlee extends FakeServer {
  readonly token = 'hl-token';
  readonly signature = 'hl-signature';
  readonly unit = 'vojvzo';
  /** Accounts registered in Hashlee's back office, by gateway_unit_account_id: one per player, in their name. */
  readonly accounts = new Map<string, { holderDocument: string }>();
  readonly withdrawals = new Map<string, HashleeWithdrawal>();
  readonly createCalls: Record<string, string>[] = [];
  private rateLimited = 0;

  settings() {
    return { baseUrl: this.baseUrl, token: this.token, signature: this.signature, unit: this.unit };
  }

  registerAccount(id: string, holderDocument: string): void {
    this.accounts.set(id, { holderDocument });
  }

  rateLimitNext(requests: number): void {
    this.rateLimited = requests;
  }

  byOurId(id: string): HashleeWithdrawal | undefined {
    return [...this.withdrawals.values()].find((w) => w.description === id);
  }

  createsOf(id: string): number {
    return this.createCalls.filter((c) => c.description === id).length;
  }

  setStatus(id: string, status: string): void {
    this.byOurId(id)!.status = status;
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): void {
    if (this.rateLimited > 0) {
      this.rateLimited -= 1;
      return this.json(res, 429, { message: 'Exceeded the limit of attempts. Wait for 5 minutes for another try.' });
    }
    if (req.headers.authorization !== this.token) return this.json(res, 401, { message: 'Unauthorized' });
    const root = `/v1/gateway-units/${this.unit}/withdrawals`;
    if (req.method === 'POST' && url.pathname === root) return this.create(req, res, raw);
    if (req.method === 'GET' && url.pathname === root) return this.list(res, url);
    const one = new RegExp(`^${root}/([^/]+)(/cancel)?$`).exec(url.pathname);
    const withdrawal = one ? this.withdrawals.get(decodeURIComponent(one[1])) : undefined;
    if (!one || !withdrawal) return this.json(res, 404, { message: 'Invalid identifier to requested resource' });
    if (req.method === 'PATCH' && one[2]) {
      if (withdrawal.status !== 'OPEN') return this.json(res, 400, { message: 'Error on process your request' });
      withdrawal.status = 'CANCELED';
      return this.json(res, 200, {});
    }
    if (req.method === 'GET' && !one[2]) return this.json(res, 200, { data: withdrawal });
    this.json(res, 404, { message: 'Invalid identifier to requested resource' });
  }

  private list(res: http.ServerResponse, url: URL): void {
    const filters = url.searchParams.getAll('filters[]').map((f) => JSON.parse(f) as { field: keyof HashleeWithdrawal; operation: string; value: string });
    const comparable = (field: string, value: string) => (field.endsWith('_at') ? new Date(value).toISOString() : value);
    const holds = (w: HashleeWithdrawal, f: (typeof filters)[number]) => {
      const [a, b] = [comparable(f.field, String(w[f.field])), comparable(f.field, f.value)];
      return { '=': a === b, '>=': a >= b, '>': a > b, '<': a < b, '<=': a <= b, '<>': a !== b }[f.operation] ?? true;
    };
    const data = [...this.withdrawals.values()].filter((w) => this.visible(w) && filters.every((f) => holds(w, f)));
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const page = Number(url.searchParams.get('page') ?? 1);
    const pages = Math.max(1, Math.ceil(data.length / limit));
    const slice = data.slice((page - 1) * limit, page * limit);
    const next = page < pages ? { next: `${this.baseUrl}${url.pathname}?page=${page + 1}` } : {};
    this.json(res, 200, { data: slice, meta: { pagination: { total: data.length, count: slice.length, per_page: limit, current_page: page, total_pages: pages, links: next } } });
  }

  private create(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    if (req.headers.signature !== this.signature) return this.json(res, 401, { message: 'Unauthorized' });
    const form = Object.fromEntries(new URLSearchParams(raw));
    this.createCalls.push(form);
    const reject = () => this.json(res, 422, { message: 'The given data was invalid.', errors: { net_amount: ['The net amount field is required.'] } });
    if (!form.gateway_unit_account_id || !['BRL', 'BTC'].includes(form.currency) || !form.net_amount) return reject();
    if (!this.accounts.has(form.gateway_unit_account_id)) {
      return this.json(res, 422, { message: 'The given data was invalid.', errors: { gateway_unit_account_id: ['The selected gateway unit account id is invalid.'] } });
    }
    const net = Number(form.net_amount);
    const withdrawal: HashleeWithdrawal = {
      hash: randomUUID(),
      gateway_unit_account_id: form.gateway_unit_account_id,
      currency: form.currency,
      amount: eight(net + 5),
      fee: eight(5),
      net_amount: eight(net),
      status: 'OPEN',
      description: form.description ?? null,
      created_at: new Date().toISOString(),
    };
    this.createWithFaults(req, res, {
      create: () => this.stored(this.withdrawals, withdrawal.hash, withdrawal),
      answer: () => this.json(res, 200, { data: withdrawal }),
      reject,
    });
  }
}
