import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import supertest from 'supertest';
import { TestApp } from './app';

/** Hub88's side of the contract: a throwaway RSA key pair, registered as Hub88's public key. */
export interface Hub88Signer {
  privateKey: KeyObject;
  publicPem: string;
  clientId: number;
}

export function hub88KeyPair(): { privateKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export async function givenHub88(t: TestApp, name = 'hub88'): Promise<Hub88Signer> {
  const pair = hub88KeyPair();
  const res = await t.operator('post', '/api-clients', { name, scheme: 'hub88-rsa-sha256', publicKey: pair.publicPem });
  if (res.status !== 201) throw new Error(`register hub88: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...pair, clientId: res.body.id };
}

export function hub88Signature(privateKey: KeyObject, raw: string | Buffer): string {
  return sign('sha256', Buffer.from(raw), privateKey).toString('base64');
}

let requests = 0;
export const requestUuid = () => `00000000-0000-4000-8000-${String(++requests).padStart(12, '0')}`;

/** POSTs exactly `raw` (or an object's JSON, with a fresh request_uuid unless it has one) to a Hub88 path, signed. */
export function hub88Post(t: TestApp, signer: { privateKey: KeyObject }, path: string, body: string | object, options: { signature?: string | null } = {}): supertest.Test {
  const raw = typeof body === 'string' ? body : JSON.stringify({ request_uuid: requestUuid(), ...body });
  const test = t.http.post(`/hub88${path}`).set('Content-Type', 'application/json');
  const signature = options.signature === undefined ? hub88Signature(signer.privateKey, raw) : options.signature;
  return (signature === null ? test : test.set('X-Hub88-Signature', signature)).send(raw);
}

/** A player with a Hub88 session; amounts in the contract's wire units (1/100000). */
export async function givenHub88Play(t: TestApp, playerId: string, balance: string, currency = 'EUR', options: { ttlSeconds?: number } = {}) {
  const created = await t.operator('post', '/players', { playerId, currency });
  if (created.status !== 201) throw new Error(`player: ${JSON.stringify(created.body)}`);
  if (Number(balance) > 0) await t.operator('post', `/players/${playerId}/topups`, { amount: balance, transactionId: `seed-${playerId}` }).expect(200);
  const session = await t.operator('post', `/players/${playerId}/sessions`, { aggregator: 'hub88', ...(options.ttlSeconds ? { ttlSeconds: options.ttlSeconds } : {}) }).expect(201);
  return { user: playerId, token: session.body.sessionId as string, currency };
}

let transactions = 0;
export const txUuid = (label: string) => `${label}-${++transactions}-${process.hrtime.bigint()}`;

export function betBody(play: { user: string; token: string; currency: string }, fields: { tx: string; amount: number | string; round?: string | null; game?: string; closed?: boolean; free?: boolean }) {
  return {
    user: play.user, token: play.token, currency: play.currency, transaction_uuid: fields.tx, game_code: fields.game ?? 'clt_dragonrising',
    round: fields.round === undefined ? `round-${fields.tx}` : fields.round, round_closed: fields.closed ?? false, is_free: fields.free ?? false,
    supplier_transaction_id: `sup-${fields.tx}`, supplier_user: `cg_${play.user}`, bet: 'zero', meta: { odds: 2.5 }, amount: fields.amount,
  };
}
