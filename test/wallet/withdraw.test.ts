import { balanceOf } from '../support/app';
import { givenPlay, Play, signedPost, uniqueId, withdrawBody, walletSuite } from '../support/wallet';

const suite = walletSuite();

const bet = (play: Play, amount: number | string, fields: Partial<{ transactionId: string; gameRoundId: string; finished: boolean }> = {}) =>
  signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, {
    transactionId: fields.transactionId ?? uniqueId('tx'),
    gameRoundId: fields.gameRoundId ?? uniqueId('round'),
    amount,
    finished: fields.finished,
  }));

describe('POST /wallet/withdraw', () => {
  it('debits the bet and answers the new balance as a JSON number with the currency', async () => {
    const play = await givenPlay(suite.t, 'w-ok', '10');
    const res = await bet(play, 2.5);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(res.text).toBe('{"balance":7.50,"currency":"EUR"}');
    expect(res.body).toEqual({ balance: 7.5, currency: 'EUR' });
  });

  it('a bet of the whole balance leaves exactly zero', async () => {
    const play = await givenPlay(suite.t, 'w-all', '3.33');
    expect((await bet(play, 3.33)).body.balance).toBe(0);
  });

  it('insufficient funds: ERROR_TRANSACTION_INSUFFICIENT_FUNDS and nothing moves', async () => {
    const play = await givenPlay(suite.t, 'w-poor', '1');
    const res = await bet(play, 1.01);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'ERROR_TRANSACTION_INSUFFICIENT_FUNDS', traceId: expect.any(String) });
    expect(await balanceOf(suite.t, 'w-poor')).toBe('1.00');
  });

  it('an unknown session: ERROR_INVALID_SESSION', async () => {
    const play = await givenPlay(suite.t, 'w-nosession', '10');
    const res = await bet({ ...play, sessionId: 'made-up' }, 1);
    expect(res.body.code).toBe('ERROR_INVALID_SESSION');
  });

  it("another player's session: ERROR_INVALID_SESSION", async () => {
    const mine = await givenPlay(suite.t, 'w-mine', '10');
    const theirs = await givenPlay(suite.t, 'w-theirs', '10');
    const res = await bet({ ...mine, sessionId: theirs.sessionId }, 1);
    expect(res.body.code).toBe('ERROR_INVALID_SESSION');
    expect(await balanceOf(suite.t, 'w-mine')).toBe('10.00');
  });

  it('a session opened for another game: ERROR_INVALID_SESSION', async () => {
    const play = await givenPlay(suite.t, 'w-game-session', '10');
    const session = await suite.t.operator('post', '/players/w-game-session/sessions', { gameId: 'roulette' });
    const res = await bet({ ...play, sessionId: session.body.sessionId, gameId: 'slot-1' }, 1);
    expect(res.body.code).toBe('ERROR_INVALID_SESSION');
  });

  it('an expired session: ERROR_SESSION_EXPIRED and nothing moves', async () => {
    const play = await givenPlay(suite.t, 'w-expired', '10');
    await suite.t.db('sessions').where({ id: play.sessionId }).update({ expires_at: new Date(Date.now() - 1000) });
    const res = await bet(play, 1);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERROR_SESSION_EXPIRED');
    expect(await balanceOf(suite.t, 'w-expired')).toBe('10.00');
  });

  it('a blocked player: ERROR_BAD_REQUEST_PLAYER_BLOCKED', async () => {
    const play = await givenPlay(suite.t, 'w-blocked', '10');
    await suite.t.operator('patch', '/players/w-blocked', { status: 'blocked' });
    expect((await bet(play, 1)).body.code).toBe('ERROR_BAD_REQUEST_PLAYER_BLOCKED');
    expect(await balanceOf(suite.t, 'w-blocked')).toBe('10.00');
  });

  it('a currency other than the wallet currency: ERROR_BAD_REQUEST', async () => {
    const play = await givenPlay(suite.t, 'w-usd', '10');
    const res = await bet({ ...play, currency: 'USD' }, 1);
    expect(res.body.code).toBe('ERROR_BAD_REQUEST');
    expect(res.body.description).toMatch(/currency/);
  });

  it('cashAmount + jackpotAmount must equal amount: ERROR_BAD_REQUEST', async () => {
    const play = await givenPlay(suite.t, 'w-split', '10');
    const body = { ...withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'r', amount: 2 }), cashAmount: 1.5, jackpotAmount: 0.4 };
    const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    expect(res.body.code).toBe('ERROR_BAD_REQUEST');
    const ok = await signedPost(suite.t, suite.fb, '/wallet/withdraw', { ...body, transactionId: uniqueId('tx'), jackpotAmount: 0.5 });
    expect(ok.body.balance).toBe(8);
  });

  it('more decimals than the currency has: ERROR_BAD_REQUEST, nothing moves', async () => {
    const play = await givenPlay(suite.t, 'w-precision', '10');
    const res = await bet(play, 0.001);
    expect(res.body.code).toBe('ERROR_BAD_REQUEST');
    expect(res.body.description).toMatch(/decimal/);
    expect(await balanceOf(suite.t, 'w-precision')).toBe('10.00');
  });

  it('a pending reality check: ERROR_TRANSACTION_REALITY_CHECK', async () => {
    const play = await givenPlay(suite.t, 'w-reality', '10');
    await suite.t.operator('patch', '/players/w-reality', { realityCheckPending: true });
    expect((await bet(play, 1)).body.code).toBe('ERROR_TRANSACTION_REALITY_CHECK');
    await suite.t.operator('patch', '/players/w-reality', { realityCheckPending: false });
    expect((await bet(play, 1)).status).toBe(200);
  });

  it('a disabled game: ERROR_GAME_NOT_ACTIVE', async () => {
    const play = await givenPlay(suite.t, 'w-game', '10');
    await suite.t.operator('put', '/games/broken-slot', { active: false });
    expect((await bet({ ...play, gameId: 'broken-slot' }, 1)).body.code).toBe('ERROR_GAME_NOT_ACTIVE');
    await suite.t.operator('put', '/games/broken-slot', { active: true });
    expect((await bet({ ...play, gameId: 'broken-slot' }, 1)).status).toBe(200);
  });

  it('a bet in a round already finished: ERROR_BAD_REQUEST', async () => {
    const play = await givenPlay(suite.t, 'w-finished', '10');
    expect((await bet(play, 1, { gameRoundId: 'done-round', finished: true })).status).toBe(200);
    const res = await bet(play, 1, { gameRoundId: 'done-round' });
    expect(res.body.code).toBe('ERROR_BAD_REQUEST');
    expect(res.body.description).toMatch(/finished/);
  });

  it('an unknown player: ERROR_BAD_REQUEST', async () => {
    const res = await bet({ playerId: 'nobody', sessionId: 'x' }, 1);
    expect(res.body.code).toBe('ERROR_BAD_REQUEST');
  });

  it.each([
    ['a missing field', (b: Record<string, unknown>) => { delete b.gameRoundId; }],
    ['a string amount', (b: Record<string, unknown>) => { b.amount = '1'; b.cashAmount = '1'; }],
    ['a negative amount', (b: Record<string, unknown>) => { b.amount = -1; b.cashAmount = -1; }],
    ['1e400', (b: Record<string, unknown>) => { b.amount = '__HUGE__'; }],
    ['a boolean as round flag string', (b: Record<string, unknown>) => { b.isGameRoundFinished = 'yes'; }],
  ])('%s: ERROR_BAD_REQUEST and nothing is written', async (_name, mutate) => {
    const play = await givenPlay(suite.t, uniqueId('w-bad'), '10');
    const body = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'r', amount: 1 }) as Record<string, unknown>;
    mutate(body);
    const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', JSON.stringify(body).replace('"__HUGE__"', '1e400'));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERROR_BAD_REQUEST');
    expect(await suite.t.db('wallet_transactions').where({ transaction_id: body.transactionId as string })).toHaveLength(0);
  });

  it('unknown extra fields are ignored', async () => {
    const play = await givenPlay(suite.t, 'w-extra', '10');
    const body = { ...withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'r', amount: 1 }), isFeatureBuy: true, brandNewField: { x: 1 } };
    expect((await signedPost(suite.t, suite.fb, '/wallet/withdraw', body)).status).toBe(200);
  });

  it('malformed JSON (signed as sent): ERROR_BAD_REQUEST with a logged trace id', async () => {
    const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', '{"amount": 1,');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERROR_BAD_REQUEST');
    expect(suite.t.logs.some((l) => l.traceId === res.body.traceId)).toBe(true);
  });

  it('a body over 64 kB is refused before anything is read into the ledger', async () => {
    const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', { pad: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('ERROR_BAD_REQUEST');
  });

  it('the round is recorded with its bets and closed by isGameRoundFinished', async () => {
    const play = await givenPlay(suite.t, 'w-round', '10');
    await bet(play, 1, { gameRoundId: 'rr-1' });
    await bet(play, 2, { gameRoundId: 'rr-1', finished: true });
    const round = await suite.t.db('rounds').where({ game_round_id: 'rr-1' }).first();
    expect(round).toMatchObject({ bets: '300', wins: '0', withdraw_count: 2, game_id: 'slot-1', currency: 'EUR' });
    expect(round.closed_at).toBeInstanceOf(Date);
  });
});

describe('POST /wallet/withdraw: responsible-gaming limits', () => {
  it('a bet above the per-bet maximum: ERROR_TRANSACTION_LIMIT_EXCEEDED', async () => {
    const play = await givenPlay(suite.t, 'l-bet', '100');
    await suite.t.operator('patch', '/players/l-bet', { limits: { betMax: '5' } });
    expect((await bet(play, 5.01)).body.code).toBe('ERROR_TRANSACTION_LIMIT_EXCEEDED');
    expect((await bet(play, 5)).status).toBe(200);
  });

  it('a bet that would take the 24-hour loss over its limit is refused; wins make room again', async () => {
    const play = await givenPlay(suite.t, 'l-loss', '100');
    await suite.t.operator('patch', '/players/l-loss', { limits: { loss24h: '10' } });
    const first = uniqueId('tx');
    expect((await bet(play, 8, { transactionId: first, gameRoundId: 'lr-1' })).status).toBe(200);
    expect((await bet(play, 3)).body.code).toBe('ERROR_TRANSACTION_LIMIT_EXCEEDED');
    await signedPost(suite.t, suite.fb, '/wallet/deposit', {
      ...withdrawBody(play, { transactionId: uniqueId('win'), gameRoundId: 'lr-1', amount: 4, finished: true }),
      withdrawTransactionId: first,
    });
    expect((await bet(play, 3)).status).toBe(200);
  });

  it('the lowest of several loss limits applies', async () => {
    const play = await givenPlay(suite.t, 'l-lowest', '100');
    await suite.t.operator('patch', '/players/l-lowest', { limits: { loss24h: '50', loss7d: '20', loss30d: '80' } });
    expect((await bet(play, 20)).status).toBe(200);
    expect((await bet(play, 0.01)).body.code).toBe('ERROR_TRANSACTION_LIMIT_EXCEEDED');
  });

  it('a raised limit waits 24 hours, a lowered one applies at once', async () => {
    const play = await givenPlay(suite.t, 'l-raise', '100');
    await suite.t.operator('patch', '/players/l-raise', { limits: { betMax: '5' } });
    await suite.t.operator('patch', '/players/l-raise', { limits: { betMax: '50' } });
    expect((await bet(play, 6)).body.code).toBe('ERROR_TRANSACTION_LIMIT_EXCEEDED');
    // the cooling-off passes
    const player = await suite.t.db('players').where({ external_id: 'l-raise' }).first();
    await suite.t.db('player_limits').where({ player_id: player.id }).update({ pending_effective_at: new Date(Date.now() - 1000) });
    expect((await bet(play, 6)).status).toBe(200);
    await suite.t.operator('patch', '/players/l-raise', { limits: { betMax: '1' } });
    expect((await bet(play, 2)).body.code).toBe('ERROR_TRANSACTION_LIMIT_EXCEEDED');
  });
});
