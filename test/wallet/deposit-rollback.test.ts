import { balanceOf } from '../support/app';
import { depositBody, givenPlay, Play, rollbackBody, signedPost, uniqueId, withdrawBody, walletSuite } from '../support/wallet';

const suite = walletSuite();

async function placeBet(play: Play, amount: number, round = uniqueId('round'), finished = false) {
  const transactionId = uniqueId('bet');
  const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId, gameRoundId: round, amount, finished }));
  expect(res.status).toBe(200);
  return { transactionId, round };
}
const win = (play: Play, withdrawTransactionId: string, gameRoundId: string, amount: number | string, transactionId = uniqueId('win')) =>
  signedPost(suite.t, suite.fb, '/wallet/deposit', depositBody(play, { transactionId, withdrawTransactionId, gameRoundId, amount }));
const undo = (play: Play, withdrawTransactionId: string, gameRoundId: string, transactionId = uniqueId('rb')) =>
  signedPost(suite.t, suite.fb, '/wallet/rollback', rollbackBody(play, { transactionId, withdrawTransactionId, gameRoundId }));

describe('POST /wallet/deposit', () => {
  it('credits the win and closes the round', async () => {
    const play = await givenPlay(suite.t, 'd-win', '10');
    const b = await placeBet(play, 2);
    const res = await win(play, b.transactionId, b.round, 5);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"balance":13.00,"currency":"EUR"}');
    const round = await suite.t.db('rounds').where({ game_round_id: b.round }).first();
    expect(round).toMatchObject({ bets: '200', wins: '500', deposit_count: 1 });
    expect(round.closed_at).toBeInstanceOf(Date);
  });

  it('a zero deposit is valid and closes a losing round', async () => {
    const play = await givenPlay(suite.t, 'd-zero', '10');
    const b = await placeBet(play, 2);
    const res = await win(play, b.transactionId, b.round, 0);
    expect(res.body).toEqual({ balance: 8, currency: 'EUR' });
    expect((await suite.t.db('rounds').where({ game_round_id: b.round }).first()).closed_at).toBeInstanceOf(Date);
  });

  it('several deposits for one withdraw are all paid', async () => {
    const play = await givenPlay(suite.t, 'd-multi', '10');
    const b = await placeBet(play, 1);
    await win(play, b.transactionId, b.round, 1);
    await win(play, b.transactionId, b.round, 2.5);
    expect(await balanceOf(suite.t, 'd-multi')).toBe('12.50');
  });

  it('is never refused for an expired session, a blocked player or a limit', async () => {
    const play = await givenPlay(suite.t, 'd-late', '10');
    const b = await placeBet(play, 1);
    await suite.t.db('sessions').where({ id: play.sessionId }).update({ expires_at: new Date(Date.now() - 1000) });
    await suite.t.operator('patch', '/players/d-late', { status: 'blocked', realityCheckPending: true, limits: { loss24h: '0', betMax: '0' } });
    const res = await win(play, b.transactionId, b.round, 4);
    expect(res.status).toBe(200);
    expect(res.body.balance).toBe(13);
  });

  it('an unknown withdrawTransactionId: ERROR_TRANSACTION_WITHDRAW_NOT_FOUND, and a retry succeeds once the withdraw exists', async () => {
    const play = await givenPlay(suite.t, 'd-early', '10');
    const betId = uniqueId('bet');
    const winId = uniqueId('win');
    const early = await win(play, betId, 'early-round', 3, winId);
    expect(early.status).toBe(400);
    expect(early.body.code).toBe('ERROR_TRANSACTION_WITHDRAW_NOT_FOUND');
    await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: betId, gameRoundId: 'early-round', amount: 1 }));
    const retry = await win(play, betId, 'early-round', 3, winId);
    expect(retry.status).toBe(200);
    expect(retry.body.balance).toBe(12);
  });

  it("a withdraw of another player or another round: ERROR_TRANSACTION_WITHDRAW_NOT_FOUND", async () => {
    const alice = await givenPlay(suite.t, 'd-alice', '10');
    const bob = await givenPlay(suite.t, 'd-bob', '10');
    const b = await placeBet(alice, 1);
    expect((await win(bob, b.transactionId, b.round, 5)).body.code).toBe('ERROR_TRANSACTION_WITHDRAW_NOT_FOUND');
    expect((await win(alice, b.transactionId, 'other-round', 5)).body.code).toBe('ERROR_TRANSACTION_WITHDRAW_NOT_FOUND');
    expect(await balanceOf(suite.t, 'd-bob')).toBe('10.00');
  });

  it('a withdraw that was refused cannot be won on', async () => {
    const play = await givenPlay(suite.t, 'd-refused', '1');
    const betId = uniqueId('bet');
    const refused = await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: betId, gameRoundId: 'rf', amount: 5 }));
    expect(refused.body.code).toBe('ERROR_TRANSACTION_INSUFFICIENT_FUNDS');
    expect((await win(play, betId, 'rf', 10)).body.code).toBe('ERROR_TRANSACTION_WITHDRAW_NOT_FOUND');
  });

  it('a deposit on a rolled-back withdraw: ERROR_BAD_REQUEST, no credit', async () => {
    const play = await givenPlay(suite.t, 'd-rolled', '10');
    const b = await placeBet(play, 2);
    await undo(play, b.transactionId, b.round);
    const res = await win(play, b.transactionId, b.round, 5);
    expect(res.body.code).toBe('ERROR_BAD_REQUEST');
    expect(await balanceOf(suite.t, 'd-rolled')).toBe('10.00');
  });

  it('a deposit on a withdraw that arrived after its rollback (tombstone): ERROR_BAD_REQUEST', async () => {
    const play = await givenPlay(suite.t, 'd-tomb', '10');
    const betId = uniqueId('bet');
    await undo(play, betId, 'tomb-round');
    expect((await win(play, betId, 'tomb-round', 5)).body.code).toBe('ERROR_BAD_REQUEST');
  });

  it('a deposit may arrive after the round was closed by the bet', async () => {
    const play = await givenPlay(suite.t, 'd-closed', '10');
    const b = await placeBet(play, 1, uniqueId('round'), true);
    expect((await win(play, b.transactionId, b.round, 2)).status).toBe(200);
  });
});

describe('POST /wallet/rollback', () => {
  it('refunds exactly the withdraw amount, once', async () => {
    const play = await givenPlay(suite.t, 'r-ok', '10');
    const b = await placeBet(play, 3.25);
    const res = await undo(play, b.transactionId, b.round);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"balance":10.00,"currency":"EUR"}');
    const again = await undo(play, b.transactionId, b.round);
    expect(again.status).toBe(200);
    expect(await balanceOf(suite.t, 'r-ok')).toBe('10.00');
    const round = await suite.t.db('rounds').where({ game_round_id: b.round }).first();
    expect(round).toMatchObject({ bets: '325', refunds: '325', rollback_count: 1 });
  });

  it('rollback before its withdraw: 200 with the current balance, and the late withdraw is refused', async () => {
    const play = await givenPlay(suite.t, 'r-first', '10');
    const betId = uniqueId('bet');
    const rb = await undo(play, betId, 'late-round');
    expect(rb.status).toBe(200);
    expect(rb.body.balance).toBe(10);
    const late = await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: betId, gameRoundId: 'late-round', amount: 4 }));
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('ERROR_BAD_REQUEST');
    expect(await balanceOf(suite.t, 'r-first')).toBe('10.00');
  });

  it('a rollback aimed at a deposit: ERROR_BAD_REQUEST', async () => {
    const play = await givenPlay(suite.t, 'r-deposit', '10');
    const b = await placeBet(play, 1);
    const winId = uniqueId('win');
    await win(play, b.transactionId, b.round, 2, winId);
    const res = await undo(play, winId, b.round);
    expect(res.body.code).toBe('ERROR_BAD_REQUEST');
    expect(await balanceOf(suite.t, 'r-deposit')).toBe('11.00');
  });

  it('a rollback of a withdraw whose round already paid a win: ERROR_BAD_REQUEST', async () => {
    const play = await givenPlay(suite.t, 'r-paid', '10');
    const b = await placeBet(play, 1);
    await win(play, b.transactionId, b.round, 0);
    expect((await undo(play, b.transactionId, b.round)).body.code).toBe('ERROR_BAD_REQUEST');
    expect(await balanceOf(suite.t, 'r-paid')).toBe('9.00');
  });

  it('a rollback of another player\'s or another round\'s withdraw: ERROR_TRANSACTION_WITHDRAW_NOT_FOUND', async () => {
    const alice = await givenPlay(suite.t, 'r-alice', '10');
    const bob = await givenPlay(suite.t, 'r-bob', '10');
    const b = await placeBet(alice, 1);
    expect((await undo(bob, b.transactionId, b.round)).body.code).toBe('ERROR_TRANSACTION_WITHDRAW_NOT_FOUND');
    expect((await undo(alice, b.transactionId, 'wrong-round')).body.code).toBe('ERROR_TRANSACTION_WITHDRAW_NOT_FOUND');
    expect(await balanceOf(suite.t, 'r-alice')).toBe('9.00');
  });

  it('a second rollback id for the same withdraw answers 200 and moves nothing', async () => {
    const play = await givenPlay(suite.t, 'r-twice', '10');
    const b = await placeBet(play, 4);
    await undo(play, b.transactionId, b.round);
    const second = await undo(play, b.transactionId, b.round, uniqueId('rb-other'));
    expect(second.status).toBe(200);
    expect(second.body.balance).toBe(10);
  });

  it('is never refused for an expired session', async () => {
    const play = await givenPlay(suite.t, 'r-expired', '10');
    const b = await placeBet(play, 2);
    await suite.t.db('sessions').where({ id: play.sessionId }).update({ expires_at: new Date(Date.now() - 1000) });
    expect((await undo(play, b.transactionId, b.round)).body.balance).toBe(10);
  });

  it('a rollback in another currency: ERROR_BAD_REQUEST', async () => {
    const play = await givenPlay(suite.t, 'r-ccy', '10');
    const b = await placeBet(play, 2);
    expect((await undo({ ...play, currency: 'USD' }, b.transactionId, b.round)).body.code).toBe('ERROR_BAD_REQUEST');
  });

  it('a rollback naming its own transactionId as the withdraw: ERROR_BAD_REQUEST, the same on every retry, nothing stored', async () => {
    const play = await givenPlay(suite.t, 'r-self', '10');
    const id = uniqueId('self');
    const body = rollbackBody(play, { transactionId: id, withdrawTransactionId: id, gameRoundId: 'rs' });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const res = await signedPost(suite.t, suite.fb, '/wallet/rollback', body);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'ERROR_BAD_REQUEST' });
    }
    expect(await suite.t.db('wallet_transactions').where({ transaction_id: id })).toHaveLength(0);
    expect(await balanceOf(suite.t, 'r-self')).toBe('10.00');
  });
});

describe('POST /wallet/balance', () => {
  it('returns the live balance', async () => {
    const play = await givenPlay(suite.t, 'b-live', '7.77');
    const res = await signedPost(suite.t, suite.fb, '/wallet/balance', { playerId: play.playerId, sessionId: play.sessionId, currency: 'EUR' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"balance":7.77,"currency":"EUR"}');
  });

  it('needs a valid session of the player and the wallet currency', async () => {
    const play = await givenPlay(suite.t, 'b-session', '1');
    const other = await givenPlay(suite.t, 'b-other', '1');
    const ask = (body: object) => signedPost(suite.t, suite.fb, '/wallet/balance', { playerId: play.playerId, sessionId: play.sessionId, currency: 'EUR', ...body });
    expect((await ask({ sessionId: other.sessionId })).body.code).toBe('ERROR_INVALID_SESSION');
    expect((await ask({ currency: 'USD' })).body.code).toBe('ERROR_BAD_REQUEST');
    expect((await ask({ playerId: 'nobody' })).body.code).toBe('ERROR_BAD_REQUEST');
    expect((await ask({ currency: 5 })).body.code).toBe('ERROR_BAD_REQUEST');
    await suite.t.db('sessions').where({ id: play.sessionId }).update({ expires_at: new Date(Date.now() - 1000) });
    expect((await ask({})).body.code).toBe('ERROR_SESSION_EXPIRED');
  });

  it('a JPY wallet answers whole numbers', async () => {
    const play = await givenPlay(suite.t, 'b-yen', '1500', { currency: 'JPY' });
    const res = await signedPost(suite.t, suite.fb, '/wallet/balance', { playerId: play.playerId, sessionId: play.sessionId, currency: 'JPY' });
    expect(res.text).toBe('{"balance":1500,"currency":"JPY"}');
  });
});
