import fc from 'fast-check';
import { expectSoundLedger, OPERATOR_TOKEN, startTestApp, TestApp } from '../support/app';
import { PLAYER_CPF } from '../support/payouts';
import { betBody, givenHub88, givenHub88Play, hub88Post, Hub88Signer } from '../support/hub88';
import { depositBody, givenAggregator, givenPlay, Play, PUBLIC_URL, rollbackBody, Signer, signedPost, withdrawBody } from '../support/wallet';

/**
 * Property-based hostile input: random and mutated bodies, headers and query strings against every endpoint.
 * Every answer must be a documented error or a correct success, never a 500, and a refused request moves no money.
 */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 150);
const SEED = Number(process.env.HOSTILE_SEED ?? 20261122);

const WALLET_CODES = new Set(['ERROR_INVALID_SIGNATURE', 'ERROR_BAD_REQUEST', 'ERROR_BAD_REQUEST_PLAYER_BLOCKED',
  'ERROR_INVALID_SESSION', 'ERROR_SESSION_EXPIRED', 'ERROR_TRANSACTION_DUPLICATE', 'ERROR_TRANSACTION_WITHDRAW_NOT_FOUND',
  'ERROR_TRANSACTION_INSUFFICIENT_FUNDS', 'ERROR_TRANSACTION_LIMIT_EXCEEDED', 'ERROR_TRANSACTION_REALITY_CHECK', 'ERROR_GAME_NOT_ACTIVE']);
const OPERATOR_CODES = new Set(['VALIDATION_ERROR', 'MALFORMED_JSON', 'INSUFFICIENT_FUNDS', 'UNAUTHORIZED', 'PLAYER_NOT_FOUND',
  'API_CLIENT_NOT_FOUND', 'NOT_FOUND', 'PLAYER_EXISTS', 'API_CLIENT_EXISTS', 'IDEMPOTENCY_CONFLICT', 'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE', 'BAD_REQUEST', 'PAYOUT_CURRENCY', 'PLAYER_BLOCKED', 'PLAYER_DOCUMENT_MISSING', 'PIX_KEY_NOT_OWNED',
  'PROVIDER_NOT_CONFIGURED', 'PAYOUT_NOT_FOUND', 'PAYOUT_NOT_CANCELLABLE', 'RATE_LIMITED']);

const SQL = ["' OR '1'='1", "'; DROP TABLE players; --", "1; DELETE FROM transfers", '$1', '?', '\\', '%', '_', "') OR pg_sleep(5) --", '"; SELECT 1; --'];

/** Text that cannot be stored as sent, or that encodes, dates or measures something impossible. */
const UNSTORABLE = ['a\u0000b', '\u0000', 'lone-\ud800-X', 'lone-\udbff-X', 'lone-\udc00-X', '%ff', '%E0%A4%A', '%00'];
/** The same as raw percent-encoding, for paths and query strings: NUL, bytes that are not UTF-8, a lone surrogate, cut short. */
const RAW_ENCODED = ['%00', '%ff', '%ED%A0%80', '%E0%A4%A', 'a%00b'];
const IMPOSSIBLE = ['2026-02-30', '2026-02-31', '2025-02-29', '2026-03-01junk', '2026-03-01T24:00:00Z', '2026-12-01T21:02:47.080',
  'P999999999D', 'PT99999999999999999999H', 'P36600D'];

/** Values that break naive servers: wrong types, edge numbers, long and strange strings, nesting, prototypes. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e21, Number.MAX_SAFE_INTEGER + 2, 0.1, 1e-7, '', ' ', '0', '-0', '1e400', 'NaN', 'Infinity', '12.345', '-5', '0x10'),
  fc.constantFrom(...SQL),
  fc.constantFrom(...UNSTORABLE),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constant('x'.repeat(5000)),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant({ __proto__: { admin: true } }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Text-level mutations JSON.stringify cannot make: raw number spellings, duplicate keys, deep nesting, truncation. */
const rawMutation = fc.constantFrom(
  (json: string) => json.replace(/"amount":[^,}]+/, '"amount":1e400'),
  (json: string) => json.replace(/"amount":[^,}]+/, '"amount":-0'),
  (json: string) => json.replace(/"amount":[^,}]+/, '"amount":1.0000000001'),
  (json: string) => json.replace(/"amount":[^,}]+/, '"amount":100000000000000000000000000000'),
  (json: string) => json.replace(/^\{/, '{"transactionId":"dup",'),
  (json: string) => json.replace(/^\{/, '{"same":1,"same":1,'),
  // an id that refers to itself: the rollback's own transactionId as its withdraw
  (json: string) => json.replace(/"transactionId":"([^"]*)"(.*)"withdrawTransactionId":"[^"]*"/, '"transactionId":"$1"$2"withdrawTransactionId":"$1"'),
  (json: string) => json.replace(/^\{/, '{"__proto__":{"polluted":1},'),
  (json: string) => json.replace(/^\{/, `{"deep":${'['.repeat(3000)}${']'.repeat(3000)},`),
  (json: string) => json.slice(0, Math.max(1, json.length - 3)),
  (json: string) => `${json}garbage`,
  (json: string) => json.replace(/"/g, "'"),
  (json: string) => json,
);

function mutate(body: Record<string, unknown>, field: string, value: unknown, extra: [string, unknown] | null): Record<string, unknown> {
  const mutated: Record<string, unknown> = { ...body };
  if (value === undefined) delete mutated[field];
  else mutated[field] = value;
  if (extra) mutated[extra[0]] = extra[1];
  return mutated;
}

let t: TestApp;
let fb: Signer;
let hub: Hub88Signer;
let hubPlay: Awaited<ReturnType<typeof givenHub88Play>>;
let play: Play;
let n = 0;

beforeAll(async () => {
  t = await startTestApp({ walletPublicUrl: PUBLIC_URL });
  fb = await givenAggregator(t);
  play = await givenPlay(t, 'target', '1000');
  hub = await givenHub88(t);
  hubPlay = await givenHub88Play(t, 'hub88-target', '1000');
  await t.operator('post', '/players', { playerId: 'pix-target', currency: 'BRL', documentNumber: PLAYER_CPF }).expect(201);
});

afterAll(async () => {
  // the tables are all still there, nothing was injected, and the books balance
  expect(Number((await t.db('players').count({ n: '*' }))[0].n)).toBeGreaterThanOrEqual(2);
  await expectSoundLedger(t);
  await t.close();
});

async function moneyState() {
  const [{ transfers }] = (await t.db.raw('SELECT count(*)::int AS transfers FROM transfers')).rows;
  return transfers as number;
}

describe('wallet endpoints under random and mutated bodies', () => {
  const paths = ['/wallet/balance', '/wallet/withdraw', '/wallet/deposit', '/wallet/rollback'] as const;
  const validBody = (path: (typeof paths)[number], id: string): Record<string, unknown> => {
    const fields = { transactionId: id, gameRoundId: `round-${id}`, withdrawTransactionId: `w-${id}` };
    if (path === '/wallet/withdraw') return withdrawBody(play, { ...fields, amount: 1 });
    if (path === '/wallet/deposit') return depositBody(play, { ...fields, amount: 1 });
    if (path === '/wallet/rollback') return rollbackBody(play, fields);
    return { playerId: play.playerId, sessionId: play.sessionId, currency: 'EUR', gameId: 'slot-1' };
  };

  it('answers every signed body with a documented code or a correct success, never 500, and moves money only on success', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom('playerId', 'sessionId', 'currency', 'gameId', 'gameRoundId', 'transactionId', 'amount', 'cashAmount',
          'jackpotAmount', 'isGameRoundFinished', 'withdrawTransactionId'),
        fc.option(hostileValue, { nil: undefined }),
        fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'extra', 'amount '), hostileValue), { nil: null }),
        rawMutation,
        async (path, field, value, extra, raw) => {
          const body = raw(JSON.stringify(mutate(validBody(path, `fc-${++n}`), field, value, extra)));
          const before = await moneyState();
          const res = await signedPost(t, fb, path, body);
          expect(res.status).not.toBeGreaterThanOrEqual(500);
          if (res.status !== 200) {
            expect(WALLET_CODES).toContain(res.body.code);
            expect(await moneyState()).toBe(before);
          } else {
            expect(res.body).toMatchObject({ balance: expect.any(Number), currency: 'EUR' });
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('refuses every mutated header with a documented code and moves nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('Public-Key', 'Signature', 'Content-Type'),
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 200 }), fc.constantFrom(...SQL), fc.constant('A'.repeat(8000))),
        async (header, value) => {
          const before = await moneyState();
          const req = signedPost(t, fb, '/wallet/withdraw', withdrawBody(play, { transactionId: `h-${++n}`, gameRoundId: 'h', amount: 1 }));
          if (value === undefined) req.unset(header);
          else req.set(header, value.replace(/[\r\n]/g, ''));
          const res = await req;
          expect([200, 400, 401, 413, 415, 431]).toContain(res.status);
          if (res.status !== 200) expect(await moneyState()).toBe(before);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

const HUB88_STATUSES = new Set(['RS_OK', 'RS_ERROR_WRONG_SYNTAX', 'RS_ERROR_WRONG_TYPES', 'RS_ERROR_WRONG_CURRENCY', 'RS_ERROR_INVALID_TOKEN',
  'RS_ERROR_TOKEN_EXPIRED', 'RS_ERROR_USER_DISABLED', 'RS_ERROR_INVALID_GAME', 'RS_ERROR_DUPLICATE_TRANSACTION', 'RS_ERROR_NOT_ENOUGH_MONEY',
  'RS_ERROR_LIMIT_REACHED', 'RS_ERROR_TRANSACTION_DOES_NOT_EXIST', 'RS_ERROR_TRANSACTION_ROLLED_BACK', 'RS_ERROR_INVALID_SIGNATURE', 'RS_ERROR_UNKNOWN']);

describe('Hub88 endpoints under random and mutated bodies', () => {
  const paths = ['/user/info', '/user/balance', '/transaction/bet', '/transaction/win', '/transaction/rollback'] as const;
  const validBody = (path: (typeof paths)[number], id: string): Record<string, unknown> => {
    const bet = { ...betBody(hubPlay, { tx: id, amount: 1000 }), request_uuid: `req-${id}` };
    if (path === '/transaction/win') return { ...bet, reference_transaction_uuid: `w-${id}` };
    if (path === '/transaction/rollback') return { user: hubPlay.user, token: hubPlay.token, transaction_uuid: id, reference_transaction_uuid: `w-${id}`, request_uuid: `req-${id}` };
    if (path === '/transaction/bet') return bet;
    return { user: hubPlay.user, token: hubPlay.token, request_uuid: `req-${id}` };
  };

  it('answers every signed body HTTP 200 with a Hub88 status, never a 500, and moves money only on RS_OK', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom('user', 'token', 'currency', 'game_code', 'round', 'transaction_uuid', 'reference_transaction_uuid', 'amount',
          'round_closed', 'is_free', 'is_supplier_promo', 'request_uuid'),
        fc.option(hostileValue, { nil: undefined }),
        fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'extra', 'amount '), hostileValue), { nil: null }),
        rawMutation,
        async (path, field, value, extra, raw) => {
          const body = raw(JSON.stringify(mutate(validBody(path, `h88-${++n}`), field, value, extra)));
          const before = await moneyState();
          const res = await hub88Post(t, hub, path, body);
          expect(res.status).toBe(200);
          expect(HUB88_STATUSES).toContain(res.body.status);
          if (res.body.status !== 'RS_OK') expect(await moneyState()).toBe(before);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('operator endpoints under random and mutated bodies and queries', () => {
  const routes: [string, string, Record<string, unknown>][] = [
    ['post', '/players', { playerId: 'p', currency: 'EUR' }],
    ['patch', '/players/target', { status: 'active' }],
    ['post', '/players/target/sessions', { gameId: 'slot-1' }],
    ['post', '/players/target/topups', { amount: '1.00', transactionId: 't' }],
    ['post', '/players/target/adjustments', { amount: '-1.00', reason: 'r', transactionId: 'a' }],
    ['post', '/players/pix-target/payouts', { amount: '10.00', pixKey: PLAYER_CPF, transactionId: 'po' }],
    ['post', '/api-clients', { name: 'c', scheme: 'hmac-sha256', publicKey: 'k', privateKey: 's' }],
    ['put', '/games/slot-1', { active: true }],
  ];

  it('answers every body with a documented error or a success, never 500, and a refusal moves no money', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom('playerId', 'currency', 'status', 'amount', 'transactionId', 'reason', 'pixKey', 'name', 'scheme',
          'publicKey', 'privateKey', 'active', 'gameId', 'ttlSeconds', 'limits', 'firstName'),
        fc.option(hostileValue, { nil: undefined }),
        rawMutation,
        async ([method, path, body], field, value, raw) => {
          const unique = { ...body, ...('transactionId' in body ? { transactionId: `op-${++n}` } : {}), ...('playerId' in body ? { playerId: `op-${++n}` } : {}) };
          const before = await moneyState();
          const res = await t.http[method as 'post'](`/operator${path}`)
            .set('Authorization', `Bearer ${OPERATOR_TOKEN}`)
            .set('Content-Type', 'application/json')
            .send(raw(JSON.stringify(mutate(unique, field, value, null))));
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(OPERATOR_CODES).toContain(res.body.error?.code);
            expect(res.body.error.traceId).toEqual(expect.any(String));
            expect(await moneyState()).toBe(before);
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('answers every report and list query with a documented error or a success, never 500', async () => {
    const paths = ['/reports/rounds', '/reports/open-rounds', '/reports/summary', '/reports/payouts', '/reports/payout-reconciliation',
      '/payouts', '/players', '/players/target/transactions', '/players/target', '/api-clients'];
    const params = ['from', 'to', 'playerId', 'gameId', 'status', 'limit', 'cursor', 'format', 'groupBy', 'olderThan', 'provider', 'manualReview', 'search'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.array(fc.tuple(fc.constantFrom(...params), fc.oneof(
          fc.string({ maxLength: 30 }).map(encodeURIComponent),
          fc.constantFrom(...SQL, ...IMPOSSIBLE, '2026-03-01', '-1', '99999999999999999999', 'PT2H', 'csv').map(encodeURIComponent),
          fc.constantFrom(...RAW_ENCODED),
        )), { maxLength: 4 }),
        async (path, query) => {
          const search = query.map(([k, v]) => `${k}=${v}`).join('&');
          const res = await t.operator('get', `${path}?${search}`);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(OPERATOR_CODES).toContain(res.body.error?.code);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('operator paths with hostile segments', () => {
  it('answers every path segment, however it is encoded, with a documented error or a success, never 500', async () => {
    const routes = ['/players/{}', '/players/{}/transactions', '/players/{}/payout-accounts', '/payouts/{}', '/players/{}/topups'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.constantFrom(...RAW_ENCODED), fc.constantFrom(...SQL, ...IMPOSSIBLE).map(encodeURIComponent), fc.string({ maxLength: 20 }).map(encodeURIComponent)),
        async (route, segment) => {
          const path = route.replace('{}', segment);
          const res = route.endsWith('topups')
            ? await t.operator('post', path, { amount: '1.00', transactionId: `seg-${++n}` })
            : await t.operator('get', path);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(OPERATOR_CODES).toContain(res.body.error?.code);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('nothing secret or internal leaks', () => {
  it('no answer carries a stack trace or SQL, and no log line carries a secret', async () => {
    const res = await t.operator('post', '/players/target/topups', { amount: "1'; DROP TABLE players; --", transactionId: 'x' });
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|\.ts:\d+|SELECT|INSERT|syntax error/i);
    const logs = JSON.stringify(t.logs);
    expect(logs).not.toContain(OPERATOR_TOKEN);
    expect(logs).not.toContain('XmsbLjUNrT4Ktj5YCBFdXvrR3EA6dMpB'); // the aggregator's hmac secret
    expect(logs).not.toMatch(/"signature":"[0-9a-f]{64}"/i);
  });

  it('every answer carries helmet headers', async () => {
    const res = await t.http.get('/healthz');
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN', 'strict-transport-security': expect.any(String) });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
