import { createHash } from 'node:crypto';
import { hmacSignature, signingText } from '../../src/wallet';
import { startTestApp, TestApp } from '../support/app';
import {
  ed25519Signer,
  FB_PRIVATE_KEY,
  givenAggregator,
  givenPlay,
  hmacSigner,
  PUBLIC_URL,
  registerSigner,
  signedPost,
  Signer,
  withdrawBody,
} from '../support/wallet';

const KEY = FB_PRIVATE_KEY;
const V3_BODY =
  '{"amount":1.00,"cashAmount":1.00,"currency":"EUR","gameId":"g1","gameRoundId":"r1","isGameRoundFinished":false,"jackpotAmount":null,"playerId":"p1","sessionId":"s1","transactionId":"t1"}';
const V4_BODY = V3_BODY.replace(/1\.00/g, '1');
const VECTORS = [
  ['V1', 'https://api.casino.com/n2/wallet/balance', '{"sessionId":"HyvN1Sd2Pm3LAAzd9HV5","playerId":"b2996ddb9a51","currency":"EUR"}', 'E3760D425889FB7F9DF770FEEFF2018C', '1fa24ceaff03a97aff58c23d5a41b72a6c24c2abe20dcfb41a03c5e4c9bd939c'],
  ['V2', 'https://api.casino.com/n2/wallet/balance', '', 'D41D8CD98F00B204E9800998ECF8427E', 'faa185cc87c1edc33070f95bcfcf158047e7a0b9d891ebe18d37841155352d4f'],
  ['V3', 'https://api.casino.com/n2/wallet/withdraw', V3_BODY, '66C7174479A972A091E0D1EA32113FF4', '0dfdddb1b3fb55f4c21c238bcb010bd998726395aa43db50168eabb85f0d077e'],
  ['V4', 'https://api.casino.com/n2/wallet/withdraw', V4_BODY, '4F111EA35DA54FFAB4E7AD2562314BB1', 'cc0afcaa3e6afa5e21625e8d2d8857491bda2ffe051db6f700653a0760b2f803'],
];

describe('request signing: the contract test vectors', () => {
  it.each(VECTORS)('%s: MD5 and HMAC-SHA256 match the contract', (_name, url, body, md5, signature) => {
    expect(createHash('md5').update(body).digest('hex').toUpperCase()).toBe(md5);
    const text = signingText('POST', url, Buffer.from(body));
    expect(text).toBe(`POST\n${url}\n${md5}`);
    expect(hmacSignature(KEY, text)).toBe(signature);
  });
});

describe('request signing over HTTP', () => {
  let t: TestApp;
  let fb: Signer;

  beforeAll(async () => {
    t = await startTestApp({ walletPublicUrl: PUBLIC_URL });
    fb = await givenAggregator(t);
    await givenPlay(t, 'p1', '10');
    const player = await t.db('players').where({ external_id: 'p1' }).first();
    await t.db('sessions').insert({ id: 's1', player_id: player.id, expires_at: new Date(Date.now() + 3600_000) });
  });
  afterAll(() => t.close());

  const raw = (body: string, signature: string, path = '/wallet/withdraw', publicKey = fb.publicKey) =>
    t.http.post(path).set('Content-Type', 'application/json').set('Public-Key', publicKey).set('Signature', signature).send(body);

  it('V3 sent byte for byte is accepted and debits 1.00; its retry as V4 (1 instead of 1.00) is the same request', async () => {
    const v3 = await raw(V3_BODY, VECTORS[2][4]);
    expect(v3.status).toBe(200);
    expect(v3.text).toBe('{"balance":9.00,"currency":"EUR"}');
    const v4 = await raw(V4_BODY, VECTORS[3][4]);
    expect(v4.status).toBe(200);
    expect(v4.text).toBe(v3.text);
  });

  it("V3's signature on V4's bytes is refused: the signature covers the raw body, not its parsed value", async () => {
    const res = await raw(V4_BODY, VECTORS[2][4]);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'ERROR_INVALID_SIGNATURE', traceId: expect.any(String) });
  });

  it('an upper-case hex signature is accepted', async () => {
    const body = V3_BODY.replace('"t1"', '"t-upper"');
    const signature = hmacSignature(KEY, signingText('POST', `${PUBLIC_URL}/wallet/withdraw`, Buffer.from(body)));
    expect((await raw(body, signature.toUpperCase())).status).toBe(200);
  });

  it('a tampered body is refused and moves nothing', async () => {
    const body = V3_BODY.replace('"t1"', '"t-tamper"');
    const signature = hmacSignature(KEY, signingText('POST', `${PUBLIC_URL}/wallet/withdraw`, Buffer.from(body)));
    const res = await raw(body.replace('1.00,"cashAmount":1.00', '9.00,"cashAmount":9.00'), signature);
    expect(res.status).toBe(401);
    expect(await t.db('wallet_transactions').where({ transaction_id: 't-tamper' })).toHaveLength(0);
  });

  it('a signature made for one URL is refused on another', async () => {
    const body = withdrawBody({ playerId: 'p1', sessionId: 's1' }, { transactionId: 't-url', gameRoundId: 'r-url', amount: 1 });
    const res = await signedPost(t, fb, '/wallet/withdraw', body, { signedUrl: `${PUBLIC_URL}/wallet/deposit` });
    expect(res.status).toBe(401);
  });

  it.each([
    ['no Signature header', (r: ReturnType<TestApp['http']['post']>) => r.set('Public-Key', 'fb-public-key')],
    ['no Public-Key header', (r: ReturnType<TestApp['http']['post']>) => r.set('Signature', VECTORS[2][4])],
    ['an unknown Public-Key', (r: ReturnType<TestApp['http']['post']>) => r.set('Public-Key', 'nobody').set('Signature', VECTORS[2][4])],
    ['a signature that is not hex', (r: ReturnType<TestApp['http']['post']>) => r.set('Public-Key', 'fb-public-key').set('Signature', 'zz')],
  ])('%s is a 401 ERROR_INVALID_SIGNATURE', async (_name, build) => {
    const res = await build(t.http.post('/wallet/balance').set('Content-Type', 'application/json')).send(VECTORS[0][2]);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('ERROR_INVALID_SIGNATURE');
  });

  it('a disabled client is refused at once, even while its key is cached', async () => {
    const signer = hmacSigner('soon-disabled', 'soon-disabled-private-key');
    const id = await registerSigner(t, signer, 'soon-disabled-private-key');
    const body = { playerId: 'p1', sessionId: 's1', currency: 'EUR' };
    expect((await signedPost(t, signer, '/wallet/balance', body)).status).toBe(200);
    await t.operator('delete', `/api-clients/${id}`);
    const res = await signedPost(t, signer, '/wallet/balance', body);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('ERROR_INVALID_SIGNATURE');
  });

  it('an ed25519 client signs with a key the server never sees', async () => {
    const ours = ed25519Signer();
    await registerSigner(t, ours);
    const body = { playerId: 'p1', sessionId: 's1', currency: 'EUR' };
    const ok = await signedPost(t, ours, '/wallet/balance', body);
    expect(ok.status).toBe(200);
    const stranger = ed25519Signer();
    const forged = { ...stranger, publicKey: ours.publicKey };
    expect((await signedPost(t, forged, '/wallet/balance', body)).status).toBe(401);
  });

  it('an ed25519 signature over other bytes, cut short, or not base64 is refused and moves nothing', async () => {
    const ours = ed25519Signer();
    await registerSigner(t, ours);
    const body = V3_BODY.replace('"t1"', '"t-ed-tamper"');
    const signature = ours.sign(signingText('POST', `${PUBLIC_URL}/wallet/withdraw`, Buffer.from(body)));
    const tampered = body.replace('1.00,"cashAmount":1.00', '9.00,"cashAmount":9.00');
    for (const [sent, sig] of [[tampered, signature], [body, signature.slice(0, 40)], [body, `${signature.slice(0, -4)}!!!!`]]) {
      const res = await raw(sent, sig, '/wallet/withdraw', ours.publicKey);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('ERROR_INVALID_SIGNATURE');
    }
    expect(await t.db('wallet_transactions').where({ transaction_id: 't-ed-tamper' })).toHaveLength(0);
    expect((await raw(body, signature, '/wallet/withdraw', ours.publicKey)).status).toBe(200);
  });
});
