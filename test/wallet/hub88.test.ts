import fs from 'node:fs';
import path from 'node:path';
import { createPublicKey } from 'node:crypto';
import { signs } from '../../src/wallet/contracts/hub88/signature';
import { BY_REASON } from '../../src/wallet/contracts/hub88/statuses';
import { balanceOf } from '../support/app';
import { betBody, givenHub88, givenHub88Play, hub88Post, hub88Signature, Hub88Signer, txUuid } from '../support/hub88';
import { signedPost, walletSuite, withdrawBody } from '../support/wallet';

const s = walletSuite();
let hub: Hub88Signer;
beforeAll(async () => {
  hub = await givenHub88(s.t);
});

type Play = Awaited<ReturnType<typeof givenHub88Play>>;
let players = 0;
const play = (balance = '100.00', currency = 'EUR', options: { ttlSeconds?: number } = {}) => givenHub88Play(s.t, `h88-${++players}`, balance, currency, options);
const post = (route: string, body: string | object, options?: { signature?: string | null }) => hub88Post(s.t, hub, route, body, options);
const bet = (p: Play, fields: Parameters<typeof betBody>[1]) => post('/transaction/bet', betBody(p, fields));
const win = (p: Play, fields: { tx: string; ref?: string | null; amount: number; round?: string | null; promo?: boolean }) => post('/transaction/win', {
  user: p.user, token: p.token, currency: p.currency, transaction_uuid: fields.tx, game_code: 'clt_dragonrising', round: fields.round ?? null,
  round_closed: true, amount: fields.amount, ...(fields.ref === null ? {} : { reference_transaction_uuid: fields.ref }), ...(fields.promo ? { is_supplier_promo: true } : {}),
});
const rollback = (p: Play, fields: { tx: string; ref: string; token?: string }) => post('/transaction/rollback', {
  user: p.user, token: fields.token ?? p.token, transaction_uuid: fields.tx, reference_transaction_uuid: fields.ref, game_code: 'clt_dragonrising',
});
const movements = async (p: Play) => Number((await s.t.db('ledger_movements as t').join('accounts as a', function legs() {
  this.on('a.id', 't.debit_account_id').orOn('a.id', 't.credit_account_id');
}).join('players as pl', 'pl.id', 'a.player_id').where('pl.external_id', p.user).count<{ n: string }[]>('* as n'))[0].n);

describe('Hub88 signing: X-Hub88-Signature, RSA-SHA256 over the raw body', () => {
  const fixtures = path.join(__dirname, '../fixtures/hub88');
  const demoKey = createPublicKey(fs.readFileSync(path.join(fixtures, 'demo-public.pem'), 'utf8'));
  const vectors = fs.readFileSync(path.join(fixtures, 'signatures.csv'), 'utf8').trim().split('\n').slice(1)
    .map((line) => [line.slice(0, line.lastIndexOf(';')), line.slice(line.lastIndexOf(';') + 1)] as const);

  it.each(vectors)("Hub88's published vector %s verifies, and fails with one byte changed", (data, signature) => {
    expect(signs(demoKey, Buffer.from(data), signature)).toBe(true);
    expect(signs(demoKey, Buffer.from(`${data} `), signature)).toBe(false);
  });

  it('a call signed with the registered key is answered; the answer echoes request_uuid, HTTP 200', async () => {
    const p = await play();
    const res = await post('/user/balance', { user: p.user, token: p.token, request_uuid: 'a3f0c1de-0000-4000-8000-000000000001' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: p.user, status: 'RS_OK', request_uuid: 'a3f0c1de-0000-4000-8000-000000000001', currency: 'EUR', balance: 10000000 });
  });

  it.each([
    ['no signature', null],
    ['a signature that is not base64', '%%%not-base64%%%'],
    ["another key's signature", hub88Signature(require('node:crypto').generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'x')],
  ])('%s: RS_ERROR_INVALID_SIGNATURE, HTTP 200, request_uuid echoed, nothing moves', async (_what, signature) => {
    const p = await play();
    const raw = JSON.stringify({ ...betBody(p, { tx: txUuid('sig'), amount: 100000 }), request_uuid: 'r-sig' });
    const res = await post('/transaction/bet', raw, { signature });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'RS_ERROR_INVALID_SIGNATURE', request_uuid: 'r-sig' });
    expect(await balanceOf(s.t, p.user)).toBe('100.00');
  });

  it('the body changed after signing, or only re-spaced, is refused: the signature covers the exact bytes', async () => {
    const p = await play();
    const raw = JSON.stringify({ ...betBody(p, { tx: txUuid('bytes'), amount: 100000 }), request_uuid: 'r-bytes' });
    const signature = hub88Signature(hub.privateKey, raw);
    const changed = await post('/transaction/bet', raw.replace('"amount":100000', '"amount":900000'), { signature });
    expect(changed.body.status).toBe('RS_ERROR_INVALID_SIGNATURE');
    const respaced = await post('/transaction/bet', JSON.stringify(JSON.parse(raw), null, 1), { signature });
    expect(respaced.body.status).toBe('RS_ERROR_INVALID_SIGNATURE');
    expect(await balanceOf(s.t, p.user)).toBe('100.00');
  });

  it('a rotated key: a second Hub88 client is accepted at once on the instance that registered it, and a retry under it replays the first key\'s bet', async () => {
    const p = await play();
    const body = { ...betBody(p, { tx: txUuid('rotate'), amount: 250000 }), request_uuid: 'r-rotate' };
    const first = await post('/transaction/bet', body);
    await post('/user/balance', { user: p.user, token: p.token }); // the keys were read just now: only the registration refreshes them
    const next = await givenHub88(s.t, 'hub88-next');
    const again = await hub88Post(s.t, next, '/transaction/bet', body);
    expect(again.body).toEqual(first.body);
    expect(await balanceOf(s.t, p.user)).toBe('97.50');
  });

  it('a key that is disabled signs nothing any more, at once on the instance that disabled it', async () => {
    const old = await givenHub88(s.t, 'hub88-old');
    const p = await play();
    expect((await hub88Post(s.t, old, '/user/balance', { user: p.user, token: p.token })).body.status).toBe('RS_OK');
    await s.t.operator('delete', `/api-clients/${old.clientId}`).expect(200);
    const res = await hub88Post(s.t, old, '/user/balance', { user: p.user, token: p.token });
    expect(res.body.status).toBe('RS_ERROR_INVALID_SIGNATURE');
  }, 15_000);

  it('registering Hub88 keys: a PEM RSA key of at least 2048 bits, without a private key', async () => {
    const weak = require('node:crypto').generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    expect((await s.t.operator('post', '/api-clients', { name: 'h', scheme: 'hub88-rsa-sha256', publicKey: weak })).body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'publicKey' });
    expect((await s.t.operator('post', '/api-clients', { name: 'h', scheme: 'hub88-rsa-sha256', publicKey: 'not a key at all' })).body.error.field).toBe('publicKey');
  });
});

describe('POST /hub88/transaction/bet', () => {
  it('debits the amount in 1/100000 units exactly and answers the balance in them', async () => {
    const p = await play();
    const res = await bet(p, { tx: txUuid('bet'), amount: 150000 });
    expect(res.body).toMatchObject({ status: 'RS_OK', user: p.user, currency: 'EUR', balance: 9850000 });
    expect(await balanceOf(s.t, p.user)).toBe('98.50');
  });

  it('in JPY (no decimals) 100000 units are 1 yen', async () => {
    const p = await play('1000', 'JPY');
    expect((await bet(p, { tx: txUuid('jpy'), amount: 500000 })).body).toMatchObject({ status: 'RS_OK', balance: 99500000 });
    expect(await balanceOf(s.t, p.user)).toBe('995');
  });

  it('insufficient funds: RS_ERROR_NOT_ENOUGH_MONEY with the balance and currency', async () => {
    const p = await play('1.00');
    expect((await bet(p, { tx: txUuid('poor'), amount: 200000 })).body).toMatchObject({ status: 'RS_ERROR_NOT_ENOUGH_MONEY', currency: 'EUR', balance: 100000 });
  });

  it('the same transaction_uuid with the same fields is answered again and debits once', async () => {
    const p = await play();
    const body = betBody(p, { tx: txUuid('again'), amount: 100000 });
    const first = await post('/transaction/bet', body);
    const again = await post('/transaction/bet', { ...body, round_closed: true, meta: { other: 1 } });
    expect({ ...again.body, request_uuid: 0 }).toEqual({ ...first.body, request_uuid: 0 });
    expect(await balanceOf(s.t, p.user)).toBe('99.00');
  });

  it('the same transaction_uuid with another amount, round, game or user is RS_ERROR_DUPLICATE_TRANSACTION', async () => {
    const p = await play();
    const tx = txUuid('dup');
    await bet(p, { tx, amount: 100000 });
    for (const change of [{ amount: 200000 }, { round: 'other' }, { game: 'other-game' }]) {
      expect((await bet(p, { tx, amount: 100000, ...change })).body.status).toBe('RS_ERROR_DUPLICATE_TRANSACTION');
    }
    expect(await balanceOf(s.t, p.user)).toBe('99.00');
  });

  it('two identical deliveries at once: one debit, the same answer twice', async () => {
    const p = await play();
    const body = { ...betBody(p, { tx: txUuid('par'), amount: 300000 }), request_uuid: 'r-par' };
    const [a, b] = await Promise.all([post('/transaction/bet', body), post('/transaction/bet', body)]);
    expect(a.body).toEqual(b.body);
    expect(await balanceOf(s.t, p.user)).toBe('97.00');
  });

  it.each([
    ['a float amount', '150000.0', 'RS_ERROR_WRONG_TYPES'],
    ['an amount with an exponent', '1.5e5', 'RS_ERROR_WRONG_TYPES'],
    ['an amount as a string', '"150000"', 'RS_ERROR_WRONG_TYPES'],
    ['a negative amount', '-150000', 'RS_ERROR_WRONG_TYPES'],
    ['an amount below a cent (150001 of EUR)', '150001', 'RS_ERROR_WRONG_TYPES'],
    ['an amount beyond Int64', '9223372036854775808', 'RS_ERROR_WRONG_TYPES'],
  ])('%s is %s and moves nothing', async (_what, amountText, status) => {
    const p = await play();
    const raw = JSON.stringify({ ...betBody(p, { tx: txUuid('types'), amount: 1 }), request_uuid: 'r-types' }).replace('"amount":1', `"amount":${amountText}`);
    expect((await post('/transaction/bet', raw)).body).toMatchObject({ status, request_uuid: 'r-types' });
    expect(await balanceOf(s.t, p.user)).toBe('100.00');
  });

  it('a missing transaction_uuid is RS_ERROR_WRONG_SYNTAX, and so is a body that is not JSON', async () => {
    const p = await play();
    const { transaction_uuid: _tx, ...body } = betBody(p, { tx: 'x', amount: 100000 });
    expect((await post('/transaction/bet', body)).body.status).toBe('RS_ERROR_WRONG_SYNTAX');
    expect((await post('/transaction/bet', '{"request_uuid":"r-bad",')).body).toEqual({ status: 'RS_ERROR_WRONG_SYNTAX' });
  });

  it('another currency than the wallet\'s, or one Hub88 may send but we do not hold, is RS_ERROR_WRONG_CURRENCY', async () => {
    const p = await play();
    expect((await post('/transaction/bet', { ...betBody(p, { tx: txUuid('ccy'), amount: 100000 }), currency: 'USD' })).body).toMatchObject({ status: 'RS_ERROR_WRONG_CURRENCY', balance: 10000000 });
    expect((await post('/transaction/bet', { ...betBody(p, { tx: txUuid('ccy'), amount: 100000 }), currency: 'mBTC' })).body.status).toBe('RS_ERROR_WRONG_CURRENCY');
  });

  it('a blocked player is RS_ERROR_USER_DISABLED; a bet above the bet limit is RS_ERROR_LIMIT_REACHED with the balance', async () => {
    const blocked = await play();
    await s.t.operator('patch', `/players/${blocked.user}`, { status: 'blocked' }).expect(200);
    expect((await bet(blocked, { tx: txUuid('blocked'), amount: 100000 })).body.status).toBe('RS_ERROR_USER_DISABLED');
    const limited = await play();
    await s.t.operator('patch', `/players/${limited.user}`, { limits: { betMax: '5.00' } }).expect(200);
    expect((await bet(limited, { tx: txUuid('limit'), amount: 600000 })).body).toMatchObject({ status: 'RS_ERROR_LIMIT_REACHED', balance: 10000000, currency: 'EUR' });
  });

  it('an expired token is RS_ERROR_TOKEN_EXPIRED; an unknown one, or a Fizzy Bubbly session, RS_ERROR_INVALID_TOKEN', async () => {
    const p = await play('100.00', 'EUR', { ttlSeconds: 60 });
    await s.t.db('sessions').where({ id: p.token }).update({ expires_at: new Date(Date.now() - 1000) });
    expect((await bet(p, { tx: txUuid('expired'), amount: 100000 })).body.status).toBe('RS_ERROR_TOKEN_EXPIRED');
    expect((await bet({ ...p, token: 'no-such-token' }, { tx: txUuid('unknown'), amount: 100000 })).body.status).toBe('RS_ERROR_INVALID_TOKEN');
    const fbSession = (await s.t.operator('post', `/players/${p.user}/sessions`, {}).expect(201)).body.sessionId;
    expect((await bet({ ...p, token: fbSession }, { tx: txUuid('fb-token'), amount: 100000 })).body.status).toBe('RS_ERROR_INVALID_TOKEN');
  });

  it('a Hub88 token is refused by the Fizzy Bubbly contract', async () => {
    const p = await play();
    const res = await signedPost(s.t, s.fb, '/wallet/withdraw', withdrawBody({ playerId: p.user, sessionId: p.token }, { transactionId: txUuid('cross'), gameRoundId: 'r', amount: 1 }));
    expect(res.body.code).toBe('ERROR_INVALID_SESSION');
  });

  it('a free bet (is_free) moves no cash; its win is real money', async () => {
    const p = await play();
    const tx = txUuid('free');
    expect((await bet(p, { tx, amount: 500000, free: true })).body).toMatchObject({ status: 'RS_OK', balance: 10000000 });
    expect((await win(p, { tx: txUuid('free-win'), ref: tx, amount: 700000 })).body).toMatchObject({ status: 'RS_OK', balance: 10700000 });
  });
});

describe('POST /hub88/transaction/win', () => {
  it('credits the win on its bet, even after the token expired', async () => {
    const p = await play();
    const tx = txUuid('w');
    await bet(p, { tx, amount: 100000 });
    await s.t.db('sessions').where({ id: p.token }).update({ expires_at: new Date(Date.now() - 1000) });
    expect((await win(p, { tx: txUuid('w-win'), ref: tx, amount: 350000 })).body).toMatchObject({ status: 'RS_OK', balance: 10250000 });
  });

  it('a repeated win is answered again and credited once; a second win on the same bet is credited too; a zero win moves nothing', async () => {
    const p = await play();
    const tx = txUuid('multi');
    await bet(p, { tx, amount: 100000 });
    const w1 = txUuid('multi-w1');
    await win(p, { tx: w1, ref: tx, amount: 200000 });
    expect((await win(p, { tx: w1, ref: tx, amount: 200000 })).body).toMatchObject({ status: 'RS_OK', balance: 10100000 });
    expect((await win(p, { tx: txUuid('multi-w2'), ref: tx, amount: 50000 })).body).toMatchObject({ status: 'RS_OK', balance: 10150000 });
    expect((await win(p, { tx: txUuid('multi-w3'), ref: tx, amount: 0 })).body).toMatchObject({ status: 'RS_OK', balance: 10150000 });
  });

  it('a win on an unknown or rolled-back bet is RS_ERROR_TRANSACTION_DOES_NOT_EXIST', async () => {
    const p = await play();
    expect((await win(p, { tx: txUuid('orphan'), ref: 'never-sent', amount: 100000 })).body).toMatchObject({ status: 'RS_ERROR_TRANSACTION_DOES_NOT_EXIST', balance: 10000000 });
    const tx = txUuid('rolled');
    await bet(p, { tx, amount: 100000 });
    await rollback(p, { tx: txUuid('rolled-rb'), ref: tx });
    expect((await win(p, { tx: txUuid('rolled-win'), ref: tx, amount: 100000 })).body.status).toBe('RS_ERROR_TRANSACTION_DOES_NOT_EXIST');
    expect(await balanceOf(s.t, p.user)).toBe('100.00');
  });

  it('a supplier promotion: a zero bet, then a win that names no bet, credited as real money', async () => {
    const p = await play();
    const round = txUuid('promo-round');
    expect((await post('/transaction/bet', { ...betBody(p, { tx: txUuid('promo-bet'), amount: 0, round }), is_supplier_promo: true })).body.status).toBe('RS_OK');
    expect((await win(p, { tx: txUuid('promo-win'), ref: null, amount: 1000000, round, promo: true })).body).toMatchObject({ status: 'RS_OK', balance: 11000000 });
  });

  it('a supplier promotion win with no bet in its round is credited as a win of its round, once, and finance sees it in the rounds report', async () => {
    const p = await play();
    const lone = { tx: txUuid('lone-promo'), ref: null, amount: 1000000, round: 'promo-no-bet', promo: true };
    expect((await win(p, lone)).body).toMatchObject({ status: 'RS_OK', balance: 11000000 });
    expect((await win(p, lone)).body).toMatchObject({ status: 'RS_OK', balance: 11000000 });
    expect((await win(p, { ...lone, amount: 2000000 })).body.status).toBe('RS_ERROR_DUPLICATE_TRANSACTION');
    expect(await balanceOf(s.t, p.user)).toBe('110.00');
    const { body } = await s.t.operator('get', `/reports/rounds?playerId=${p.user}`).expect(200);
    expect(body.rows).toContainEqual(expect.objectContaining({ roundId: 'promo-no-bet', bets: '0.00', wins: '10.00', aggregator: 'hub88' }));
    expect((await win(p, { ...lone, tx: txUuid('not-promo'), promo: false })).body.status).toBe('RS_ERROR_WRONG_SYNTAX');
  });
});

describe('POST /hub88/transaction/rollback', () => {
  it('refunds the bet and answers the balance; again under its id, or under another id, it moves nothing more', async () => {
    const p = await play();
    const tx = txUuid('rb');
    await bet(p, { tx, amount: 400000 });
    const rb = txUuid('rb-1');
    expect((await rollback(p, { tx: rb, ref: tx })).body).toMatchObject({ status: 'RS_OK', balance: 10000000 });
    expect((await rollback(p, { tx: rb, ref: tx })).body).toMatchObject({ status: 'RS_OK', balance: 10000000 });
    expect((await rollback(p, { tx: txUuid('rb-2'), ref: tx })).body).toMatchObject({ status: 'RS_OK', balance: 10000000 });
    expect(await movements(p)).toBe(3); // top-up, bet, refund
  });

  it('of a bet never seen: RS_OK, nothing moves, and the bet arriving late is refused with RS_ERROR_TRANSACTION_ROLLED_BACK', async () => {
    const p = await play();
    const tx = txUuid('late');
    expect((await rollback(p, { tx: txUuid('early-rb'), ref: tx })).body).toMatchObject({ status: 'RS_OK', balance: 10000000 });
    expect((await bet(p, { tx, amount: 100000 })).body).toMatchObject({ status: 'RS_ERROR_TRANSACTION_ROLLED_BACK', balance: 10000000 });
    expect(await balanceOf(s.t, p.user)).toBe('100.00');
  });

  it('with an expired or unknown token it still rolls back', async () => {
    const p = await play();
    const tx = txUuid('rb-expired');
    await bet(p, { tx, amount: 100000 });
    await s.t.db('sessions').where({ id: p.token }).update({ expires_at: new Date(Date.now() - 1000) });
    expect((await rollback(p, { tx: txUuid('rb-e'), ref: tx, token: 'gone' })).body).toMatchObject({ status: 'RS_OK', balance: 10000000 });
  });

  it('of a bet whose round has a win: the stake comes back and the win stays (decision in docs/wallet.md)', async () => {
    const p = await play();
    const tx = txUuid('won');
    await bet(p, { tx, amount: 100000, round: `r-${tx}` });
    await win(p, { tx: txUuid('won-win'), ref: tx, amount: 300000, round: `r-${tx}` });
    expect((await rollback(p, { tx: txUuid('won-rb'), ref: tx })).body).toMatchObject({ status: 'RS_OK', balance: 10300000 });
  });

  it('naming a win: RS_OK and nothing moves (decision in docs/wallet.md)', async () => {
    const p = await play();
    const tx = txUuid('b');
    await bet(p, { tx, amount: 100000 });
    const w = txUuid('w');
    await win(p, { tx: w, ref: tx, amount: 300000 });
    expect((await rollback(p, { tx: txUuid('rb-win'), ref: w })).body).toMatchObject({ status: 'RS_OK', balance: 10200000 });
  });
});

describe('POST /hub88/user/info and /hub88/user/balance', () => {
  it('info answers the user; an unknown one RS_ERROR_UNKNOWN', async () => {
    const p = await play();
    expect((await post('/user/info', { user: p.user })).body).toMatchObject({ status: 'RS_OK', user: p.user });
    expect((await post('/user/info', { user: 'nobody-here' })).body.status).toBe('RS_ERROR_UNKNOWN');
  });

  it('balance still answers once the token expired (the user is named)', async () => {
    const p = await play();
    await s.t.db('sessions').where({ id: p.token }).update({ expires_at: new Date(Date.now() - 1000) });
    expect((await post('/user/balance', { user: p.user, token: p.token })).body).toMatchObject({ status: 'RS_OK', balance: 10000000 });
  });
});

describe('Hub88 statuses from the routines', () => {
  it('every reason the mapping reads is one routines.sql gives', () => {
    const sql = fs.readFileSync(path.join(__dirname, '../../src/wallet/routines.sql'), 'utf8');
    for (const [start] of BY_REASON) expect({ start, found: sql.includes(`'${start}`) }).toEqual({ start, found: true });
  });
});
