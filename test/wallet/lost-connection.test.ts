import { balanceOf } from '../support/app';
import { CutProxy } from '../support/cut-proxy';
import { depositBody, givenPlay, signedPost, uniqueId, withdrawBody, walletSuite } from '../support/wallet';

// The app reaches its database through a proxy that can cut one call's connection: after the call committed and
// before its answer came back, or before the call was sent at all.
let proxy: CutProxy;
const suite = walletSuite({
  via: async (url) => {
    proxy = await new CutProxy(url).start();
    return proxy.url();
  },
});
afterAll(() => proxy.stop());

const transfersFor = async (reference: string) => Number((await suite.t.db('ledger_movements').where({ reference }).count<{ n: string }[]>('* as n'))[0].n);

describe('a call whose connection breaks is answered with what really happened', () => {
  it('a bet that committed before its answer was lost is answered 200 with its balance, and moved once', async () => {
    const play = await givenPlay(suite.t, 'lost-after', '10');
    const body = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'la', amount: 3 });
    proxy.cutNext('wallet_withdraw', 'after');
    const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { balance: 7, currency: 'EUR' } });
    expect(await transfersFor(body.transactionId)).toBe(1);
    expect(await balanceOf(suite.t, 'lost-after')).toBe('7.00');
  });

  it('a win that committed before its answer was lost is answered 200, and paid once', async () => {
    const play = await givenPlay(suite.t, 'lost-win', '10');
    const bet = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'lw', amount: 2 });
    await signedPost(suite.t, suite.fb, '/wallet/withdraw', bet).expect(200);
    const win = depositBody(play, { transactionId: uniqueId('tx'), withdrawTransactionId: bet.transactionId, gameRoundId: 'lw', amount: 5 });
    proxy.cutNext('wallet_deposit', 'after');
    const res = await signedPost(suite.t, suite.fb, '/wallet/deposit', win);
    expect(res.body).toEqual({ balance: 13, currency: 'EUR' });
    expect(await transfersFor(win.transactionId)).toBe(1);
  });

  it('a bet whose connection broke before it was sent is made once, on the fresh connection, and answered 200', async () => {
    const play = await givenPlay(suite.t, 'lost-before', '10');
    const body = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'lb', amount: 4 });
    proxy.cutNext('wallet_withdraw', 'before');
    const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    expect(res.body).toEqual({ balance: 6, currency: 'EUR' });
    expect(await transfersFor(body.transactionId)).toBe(1);
  });

  it('when the database stays out of reach, the answer says the outcome is not known, and the retry later tells the truth', async () => {
    const play = await givenPlay(suite.t, 'lost-down', '10');
    const body = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'ld', amount: 1 });
    proxy.cutNext('wallet_withdraw', 'after', true);
    const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    proxy.up();
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 'ERROR_UNKNOWN_ERROR', description: expect.stringContaining('could not be found out') });
    expect(res.body.description).not.toContain('nothing was changed');
    const retry = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    expect(retry.body).toEqual({ balance: 9, currency: 'EUR' });
    expect(await transfersFor(body.transactionId)).toBe(1);
  });
});

describe('an operator request whose connection breaks at COMMIT is answered with what really happened', () => {
  it('a top-up that committed is answered 200 with its balance, and credited once', async () => {
    await suite.t.operator('post', '/players', { playerId: 'lost-topup', currency: 'EUR' }).expect(201);
    proxy.cutNext('COMMIT', 'after');
    const res = await suite.t.operator('post', '/players/lost-topup/topups', { amount: '25.00', transactionId: 'lost-topup-1' });
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { playerId: 'lost-topup', transactionId: 'lost-topup-1', balance: '25.00', currency: 'EUR' } });
    expect(await transfersFor('lost-topup-1')).toBe(1);
  });

  it('a top-up whose COMMIT never left is made once on the fresh connection', async () => {
    await suite.t.operator('post', '/players', { playerId: 'lost-topup-2', currency: 'EUR' }).expect(201);
    proxy.cutNext('COMMIT', 'before');
    const res = await suite.t.operator('post', '/players/lost-topup-2/topups', { amount: '5.00', transactionId: 'lost-topup-2' });
    expect(res.body.balance).toBe('5.00');
    expect(await transfersFor('lost-topup-2')).toBe(1);
  });

  it('with the database kept away, the answer is 500 OUTCOME_UNKNOWN, and the retry tells the truth', async () => {
    await suite.t.operator('post', '/players', { playerId: 'lost-topup-3', currency: 'EUR' }).expect(201);
    proxy.cutNext('COMMIT', 'after', true);
    const res = await suite.t.operator('post', '/players/lost-topup-3/topups', { amount: '7.00', transactionId: 'lost-topup-3' });
    proxy.up();
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('OUTCOME_UNKNOWN');
    const retry = await suite.t.operator('post', '/players/lost-topup-3/topups', { amount: '7.00', transactionId: 'lost-topup-3' });
    expect(retry.body.balance).toBe('7.00');
    expect(await transfersFor('lost-topup-3')).toBe(1);
  });
});
