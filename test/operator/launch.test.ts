import { createHash, createHmac } from 'node:crypto';
import { balanceOf, expectSoundLedger, givenPlayer, startTestApp, TestApp } from '../support/app';
import { FakeFizzyBubbly } from '../support/fakes/fizzy-bubbly';
import { FB_PRIVATE_KEY, givenAggregator, PUBLIC_URL, Signer, signedPost, withdrawBody } from '../support/wallet';

const PUBLIC_KEY = 'fb-public-key';
const LAUNCH = { gameId: 'crash-1', locale: 'pt_br', platform: 'web', country: 'BR', ip: '203.0.113.7' };

let fake: FakeFizzyBubbly;
let t: TestApp;
let fb: Signer;

beforeAll(async () => {
  fake = await new FakeFizzyBubbly(PUBLIC_KEY, FB_PRIVATE_KEY).start();
  t = await startTestApp({ walletPublicUrl: PUBLIC_URL, launch: fake.settings() });
  fb = await givenAggregator(t, PUBLIC_KEY);
  await givenPlayer(t, 'lia', { currency: 'BRL', balance: '50.00' });
});
afterAll(async () => {
  await expectSoundLedger(t);
  await t.close();
  await fake.stop();
});
afterEach(() => fake.clearFaults());

async function sessionState(sessionId: string): Promise<{ expired: boolean; gameId: string | null }> {
  const row = await t.db('sessions').where({ id: sessionId }).first();
  return { expired: row.expires_at <= new Date(), gameId: row.game_id };
}

describe('POST /operator/players/:playerId/launch', () => {
  it('opens a session for the player and game, and answers the URL the aggregator gave for it', async () => {
    const res = await t.operator('post', '/players/lia/launch', { ...LAUNCH, lobbyUrl: 'https://casino.example/lobby', ttlSeconds: 600 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ sessionId: expect.any(String), playerId: 'lia', gameId: 'crash-1', url: expect.stringMatching(`^${fake.baseUrl}/play/crash-1`), expiresAt: expect.any(String) });
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(await sessionState(res.body.sessionId)).toEqual({ expired: false, gameId: 'crash-1' });
  });

  it('sends the aggregator exactly the contract fields, in wallet mode, with the brand and the player currency', async () => {
    const res = await t.operator('post', '/players/lia/launch', LAUNCH);
    expect(fake.launches.at(-1)!.body).toEqual({
      brandId: 'brand-7', country: 'BR', currency: 'BRL', gameId: 'crash-1', ip: '203.0.113.7', locale: 'pt_br', mode: 'wallet', platform: 'web', playerId: 'lia', sessionId: res.body.sessionId,
    });
  });

  it('signs the call like the wallet calls: HMAC-SHA256 over POST, the absolute URL and the upper-case MD5 of the raw body', async () => {
    const before = fake.received.length;
    await t.operator('post', '/players/lia/launch', LAUNCH).expect(201);
    const call = fake.received[before];
    expect(call.headers['public-key']).toBe(PUBLIC_KEY);
    const md5 = createHash('md5').update(call.raw).digest('hex').toUpperCase();
    const text = `POST\n${fake.baseUrl}/game/url\n${md5}`;
    expect(call.headers.signature).toBe(createHmac('sha256', FB_PRIVATE_KEY).update(text).digest('hex'));
  });

  it('the session it opened carries the round the aggregator then plays through the wallet', async () => {
    const { body: launched } = await t.operator('post', '/players/lia/launch', LAUNCH).expect(201);
    const play = { playerId: 'lia', sessionId: launched.sessionId, currency: 'BRL', gameId: 'crash-1' };
    const bet = await signedPost(t, fb, '/wallet/withdraw', withdrawBody(play, { transactionId: 'launch-bet-1', gameRoundId: 'launch-r1', amount: 2.5 }));
    expect(bet.status).toBe(200);
    expect(bet.body).toMatchObject({ balance: 47.5, currency: 'BRL' });
    expect(await balanceOf(t, 'lia')).toBe('47.50');
  });

  it('logs the outbound call with the request trace id, never the private key, and counts it by outcome', async () => {
    const res = await t.operator('post', '/players/lia/launch', LAUNCH).expect(201);
    const traceId = res.headers['x-trace-id'];
    expect(t.logs.find((l) => l.message === 'aggregator call' && l.traceId === traceId)).toMatchObject({ call: '/game/url', mode: 'wallet', outcome: 'ok' });
    expect(JSON.stringify(t.logs)).not.toContain(FB_PRIVATE_KEY);
    const metrics = await t.http.get('/metrics');
    expect(metrics.text).toMatch(/wallet_aggregator_calls_total\{aggregator="fizzy-bubbly",call="\/game\/url",outcome="ok"\} \d+/);
  });
});

describe('launch refusals: nothing is opened and the aggregator is not called', () => {
  beforeAll(async () => {
    await givenPlayer(t, 'blocked-bo', { currency: 'BRL' });
    await t.operator('patch', '/players/blocked-bo', { status: 'blocked' }).expect(200);
    await t.operator('put', '/games/old-slot', { active: false }).expect(200);
  });

  it.each([
    ['a blocked player', 'blocked-bo', {}, 400, 'PLAYER_BLOCKED', undefined],
    ['a disabled game', 'lia', { gameId: 'old-slot' }, 400, 'GAME_NOT_ACTIVE', 'gameId'],
    ['a player that does not exist', 'nobody', {}, 404, 'PLAYER_NOT_FOUND', undefined],
    ['a locale outside the contract list', 'lia', { locale: 'pt-BR' }, 400, 'VALIDATION_ERROR', 'locale'],
    ['a platform other than web or mobile', 'lia', { platform: 'desktop' }, 400, 'VALIDATION_ERROR', 'platform'],
    ['a country that is not ISO 3166-1 alpha-2', 'lia', { country: 'UK' }, 400, 'VALIDATION_ERROR', 'country'],
    ['a country in lower case', 'lia', { country: 'br' }, 400, 'VALIDATION_ERROR', 'country'],
    ['an ip that is not an IP', 'lia', { ip: '203.0.113.300' }, 400, 'VALIDATION_ERROR', 'ip'],
    ['a lobby URL that is not a web URL', 'lia', { lobbyUrl: 'javascript:alert(1)' }, 400, 'VALIDATION_ERROR', 'lobbyUrl'],
    ['an unknown field', 'lia', { mode: 'demo' }, 400, 'VALIDATION_ERROR', 'mode'],
  ])('%s answers %s %s', async (_what, playerId, change, status, code, field) => {
    const sessions = (await t.db('sessions').count<{ count: string }[]>('* as count'))[0].count;
    const calls = fake.received.length;
    const res = await t.operator('post', `/players/${playerId}/launch`, { ...LAUNCH, ...change });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, ...(field ? { field } : {}) });
    expect(fake.received.length).toBe(calls);
    expect((await t.db('sessions').count<{ count: string }[]>('* as count'))[0].count).toBe(sessions);
  });

  it('without an ip, sends the address the launch request came from', async () => {
    await t.operator('post', '/players/lia/launch', { ...LAUNCH, ip: undefined }).expect(201);
    expect(fake.launches.at(-1)!.body.ip).toBe('127.0.0.1');
  });

  it('accepts XX, the contract country for unknown, and an IPv6 address', async () => {
    await t.operator('post', '/players/lia/launch', { ...LAUNCH, country: 'XX', ip: '2001:db8::7', platform: 'mobile' }).expect(201);
  });
});

describe('launch failures of the aggregator: 502, and the session just opened is closed', () => {
  it.each([
    ['it does not answer in time', 'timeout-before-create', 'AGGREGATOR_UNAVAILABLE', /no answer within 1000 ms/],
    ['it answers 500', '500-before-create', 'AGGREGATOR_UNAVAILABLE', /answered 500/],
    ['it answers something that is not JSON', 'garbage-after-create', 'AGGREGATOR_UNAVAILABLE', /no launch URL/],
    ['it drops the connection', 'reset-before-create', 'AGGREGATOR_UNAVAILABLE', /could not be reached/],
    ['it refuses with a 4xx', 'reject', 'AGGREGATOR_REFUSED', /400 ERROR_GAME_NOT_FOUND game crash-1 is not enabled/],
  ] as const)('%s: %s', async (_what, fault, code, message) => {
    fake.failNextCreate(fault);
    const res = await t.operator('post', '/players/lia/launch', LAUNCH);
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code, message: expect.stringMatching(message) });
    const session = await t.db('sessions').orderBy('created_at', 'desc').first();
    expect(session.expires_at <= new Date()).toBe(true);
    const play = { playerId: 'lia', sessionId: session.id, currency: 'BRL', gameId: 'crash-1' };
    const bet = await signedPost(t, fb, '/wallet/withdraw', withdrawBody(play, { transactionId: `closed-${fault}`, gameRoundId: `closed-${fault}`, amount: 1 }));
    expect(bet.body.code).toBe('ERROR_SESSION_EXPIRED');
  });

  it('a refusal carries the aggregator status, code and description', async () => {
    fake.failNextCreate('reject');
    const res = await t.operator('post', '/players/lia/launch', LAUNCH).expect(502);
    expect(res.body.error.aggregator).toEqual({ status: 400, code: 'ERROR_GAME_NOT_FOUND', description: 'game crash-1 is not enabled for brand brand-7' });
  });

  it('a wrong key pair is refused by the aggregator (401) and answered AGGREGATOR_REFUSED', async () => {
    const other = await startTestApp({ launch: { ...fake.settings(), privateKey: 'not-the-key-fb-issued-0000' } });
    try {
      await givenPlayer(other, 'kim', { currency: 'BRL' });
      const res = await other.operator('post', '/players/kim/launch', LAUNCH).expect(502);
      expect(res.body.error).toMatchObject({ code: 'AGGREGATOR_REFUSED', aggregator: { status: 401, code: 'ERROR_INVALID_SIGNATURE' } });
    } finally {
      await other.close();
    }
  });
});

describe('POST /operator/launch/demo', () => {
  it('asks for a demo URL: demo mode, no player, no session, nothing written', async () => {
    const sessions = (await t.db('sessions').count<{ count: string }[]>('* as count'))[0].count;
    const res = await t.operator('post', '/launch/demo', { ...LAUNCH, currency: 'BRL' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ url: expect.stringMatching(`^${fake.baseUrl}/play/crash-1`) });
    expect(fake.launches.at(-1)!.body).toEqual({ brandId: 'brand-7', country: 'BR', currency: 'BRL', gameId: 'crash-1', ip: '203.0.113.7', locale: 'pt_br', mode: 'demo', platform: 'web' });
    expect((await t.db('sessions').count<{ count: string }[]>('* as count'))[0].count).toBe(sessions);
  });

  it('an aggregator that is down is a 502 here too', async () => {
    fake.failNextCreate('500-before-create');
    const res = await t.operator('post', '/launch/demo', LAUNCH);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('AGGREGATOR_UNAVAILABLE');
  });
});

describe('launching without FB_API_URL', () => {
  it('answers 503 LAUNCH_NOT_CONFIGURED, opens nothing, and leaves everything else working', async () => {
    const off = await startTestApp();
    try {
      await givenPlayer(off, 'noa', { currency: 'BRL' });
      const res = await off.operator('post', '/players/noa/launch', LAUNCH);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('LAUNCH_NOT_CONFIGURED');
      expect((await off.operator('post', '/launch/demo', LAUNCH)).status).toBe(503);
      expect(await off.db('sessions').count<{ count: string }[]>('* as count')).toEqual([{ count: '0' }]);
      await off.operator('post', '/players/noa/sessions', { gameId: 'crash-1' }).expect(201);
    } finally {
      await off.close();
    }
  });
});
