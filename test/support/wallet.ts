import nacl from 'tweetnacl';
import supertest from 'supertest';
import { hmacSignature, signingText } from '../../src/wallet';
import { expectSoundLedger, startTestApp, TestApp } from './app';

/** The URL the aggregator dials in these tests (WALLET_PUBLIC_URL), as in the contract's vectors. */
export const PUBLIC_URL = 'https://api.casino.com/n2';
export const FB_PRIVATE_KEY = 'XmsbLjUNrT4Ktj5YCBFdXvrR3EA6dMpB';

export type Signer = { publicKey: string; sign(text: string): string };

export function hmacSigner(publicKey: string, privateKey: string): Signer {
  return { publicKey, sign: (text) => hmacSignature(privateKey, text) };
}

export function ed25519Signer(keys = nacl.sign.keyPair()): Signer & { keys: nacl.SignKeyPair } {
  return {
    keys,
    publicKey: Buffer.from(keys.publicKey).toString('base64'),
    sign: (text) => Buffer.from(nacl.sign.detached(Buffer.from(text, 'utf8'), keys.secretKey)).toString('base64'),
  };
}

export async function registerSigner(t: TestApp, signer: Signer, privateKey?: string): Promise<number> {
  const res = await t.operator('post', '/api-clients', {
    name: `client-${signer.publicKey.slice(0, 8)}`,
    scheme: privateKey ? 'hmac-sha256' : 'ed25519',
    publicKey: signer.publicKey,
    ...(privateKey ? { privateKey } : {}),
  });
  if (res.status !== 201) throw new Error(`register client: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** A registered hmac client with the contract's published private key. */
export async function givenAggregator(t: TestApp, publicKey = 'fb-public-key'): Promise<Signer> {
  const signer = hmacSigner(publicKey, FB_PRIVATE_KEY);
  await registerSigner(t, signer, FB_PRIVATE_KEY);
  return signer;
}

/** POSTs exactly `raw` (or the JSON of an object) to a wallet path, signed for PUBLIC_URL + path. */
export function signedPost(
  t: TestApp,
  signer: Signer,
  path: string,
  body: string | object,
  options: { signedUrl?: string } = {},
): supertest.Test {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const signature = signer.sign(signingText('POST', options.signedUrl ?? `${PUBLIC_URL}${path}`, Buffer.from(raw)));
  return t.http
    .post(path)
    .set('Content-Type', 'application/json')
    .set('Public-Key', signer.publicKey)
    .set('Signature', signature)
    .send(raw);
}

export interface Play {
  playerId: string;
  sessionId: string;
  currency?: string;
  gameId?: string;
}

let counter = 0;
export const uniqueId = (prefix: string) => `${prefix}-${++counter}-${process.hrtime.bigint()}`;

function callFields(play: Play, fields: { transactionId: string; gameRoundId: string }) {
  return {
    playerId: play.playerId,
    sessionId: play.sessionId,
    currency: play.currency ?? 'EUR',
    gameId: play.gameId ?? 'slot-1',
    gameRoundId: fields.gameRoundId,
    transactionId: fields.transactionId,
  };
}

export function withdrawBody(play: Play, fields: { transactionId: string; gameRoundId: string; amount: number | string; finished?: boolean }) {
  return {
    ...callFields(play, fields),
    amount: fields.amount,
    cashAmount: fields.amount,
    jackpotAmount: null,
    isGameRoundFinished: fields.finished ?? false,
  };
}

export function depositBody(
  play: Play,
  fields: { transactionId: string; withdrawTransactionId: string; gameRoundId: string; amount: number | string; finished?: boolean },
) {
  return {
    ...withdrawBody(play, { ...fields, finished: fields.finished ?? true }),
    withdrawTransactionId: fields.withdrawTransactionId,
  };
}

export function rollbackBody(play: Play, fields: { transactionId: string; withdrawTransactionId: string; gameRoundId: string }) {
  return { ...callFields(play, fields), withdrawTransactionId: fields.withdrawTransactionId };
}

/** A player with a balance and an open session, ready to play. */
export async function givenPlay(t: TestApp, playerId: string, balance: string, options: { currency?: string; ttlSeconds?: number } = {}): Promise<Play> {
  const created = await t.operator('post', '/players', { playerId, currency: options.currency ?? 'EUR' });
  if (created.status !== 201) throw new Error(`player: ${JSON.stringify(created.body)}`);
  if (Number(balance) > 0) {
    const topup = await t.operator('post', `/players/${playerId}/topups`, { amount: balance, transactionId: `seed-${playerId}` });
    if (topup.status !== 200) throw new Error(`topup: ${JSON.stringify(topup.body)}`);
  }
  const session = await t.operator('post', `/players/${playerId}/sessions`, options.ttlSeconds ? { ttlSeconds: options.ttlSeconds } : {});
  return { playerId, sessionId: session.body.sessionId, currency: options.currency };
}

export interface WalletSuite {
  t: TestApp;
  fb: Signer;
}

/**
 * Starts an app and a registered aggregator for a test file (filled in by beforeAll), and proves the ledger
 * sound before closing it.
 */
export function walletSuite(options: Parameters<typeof startTestApp>[0] | (() => Parameters<typeof startTestApp>[0]) = {}): WalletSuite {
  const suite = {} as WalletSuite;
  beforeAll(async () => {
    suite.t = await startTestApp({ walletPublicUrl: PUBLIC_URL, ...(typeof options === 'function' ? options() : options) });
    suite.fb = await givenAggregator(suite.t);
  });
  afterAll(async () => {
    try {
      await expectSoundLedger(suite.t);
    } finally {
      await suite.t.close();
    }
  });
  return suite;
}
