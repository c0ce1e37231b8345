import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { hmacSignature, signingText } from '../../../src/wallet';
import { FakeServer } from './server';

export interface LaunchCall {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
}

const WALLET_FIELDS = ['brandId', 'country', 'currency', 'gameId', 'ip', 'locale', 'mode', 'platform', 'playerId', 'sessionId'];
const DEMO_FIELDS = ['brandId', 'country', 'currency', 'gameId', 'ip', 'locale', 'mode', 'platform'];

/**
 * Fizzy Bubbly's Games API as wallet-contract.md §7 describes it: POST /game/url, signed with Public-Key and
 * Signature (HMAC-SHA256 over "POST\n" + the absolute URL + "\n" + the upper-case MD5 of the raw body), the exact
 * fields of the mode, and `{url}` back. A bad signature answers 401 and a body it does not accept 400, both in the
 * contract's error shape; faults can be queued for the next launch.
 */
export class FakeFizzyBubbly extends FakeServer {
  readonly launches: LaunchCall[] = [];
  /** Every request that reached /game/url, accepted or not. */
  readonly received: LaunchCall[] = [];

  constructor(
    readonly publicKey: string,
    private readonly privateKey: string,
    readonly brandId = 'brand-7',
  ) {
    super();
  }

  settings() {
    return { apiUrl: this.baseUrl, brandId: this.brandId, publicKey: this.publicKey, privateKey: this.privateKey, timeoutMs: 1000 };
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: string): void {
    if (req.method !== 'POST' || url.pathname !== '/game/url') return this.json(res, 404, { code: 'ERROR_NOT_FOUND', description: 'no such route' });
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    const call = { headers: req.headers, raw, body };
    this.received.push(call);
    const expected = hmacSignature(this.privateKey, signingText('POST', `${this.baseUrl}/game/url`, Buffer.from(raw)));
    if (req.headers['public-key'] !== this.publicKey || req.headers.signature !== expected) {
      return this.error(res, 401, 'ERROR_INVALID_SIGNATURE', 'Request public key or signature is missing or invalid');
    }
    const problem = this.fieldProblem(body);
    if (problem) return this.error(res, 400, 'ERROR_BAD_REQUEST', problem);
    this.createWithFaults(req, res, {
      create: () => this.launches.push(call),
      answer: () => this.json(res, 200, { url: `${this.baseUrl}/play/${body.gameId}?token=${randomUUID()}` }),
      reject: () => this.error(res, 400, 'ERROR_GAME_NOT_FOUND', `game ${body.gameId} is not enabled for brand ${body.brandId}`),
    });
  }

  private fieldProblem(body: Record<string, unknown>): string | undefined {
    const allowed = body.mode === 'demo' ? DEMO_FIELDS : WALLET_FIELDS;
    const missing = allowed.filter((name) => typeof body[name] !== 'string' || body[name] === '');
    if (missing.length > 0) return `missing ${missing.join(', ')}`;
    const extra = Object.keys(body).filter((name) => !allowed.includes(name) && name !== 'lobbyUrl');
    if (extra.length > 0) return `unknown ${extra.join(', ')}`;
    if (body.brandId !== this.brandId) return `unknown brand ${body.brandId}`;
    return undefined;
  }

  private error(res: http.ServerResponse, status: number, code: string, description: string): void {
    this.json(res, status, { code, description, traceId: randomUUID() });
  }
}
