import { balanceOf } from '../support/app';
import { givenPlay, signedPost, uniqueId, withdrawBody, walletSuite } from '../support/wallet';

const suite = walletSuite({ statementTimeoutMs: 400 });

describe('wallet failures', () => {
  it('a database that does not answer in time gives 500 ERROR_TIMEOUT, nothing is written, and the retry succeeds', async () => {
    const play = await givenPlay(suite.t, 'f-locked', '10');
    const body = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'fl', amount: 1 });
    const trx = await suite.t.db.transaction();
    try {
      // another session holds the player's account row past the wallet's lock timeout
      await trx.raw(`SELECT 1 FROM accounts a JOIN players p ON p.id = a.player_id WHERE p.external_id = 'f-locked' FOR UPDATE`);
      const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ code: 'ERROR_TIMEOUT', traceId: expect.any(String) });
    } finally {
      await trx.rollback();
    }
    expect(await suite.t.db('wallet_transactions').where({ transaction_id: body.transactionId })).toHaveLength(0);
    const retry = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    expect(retry.body.balance).toBe(9);
  });

  it('an unexpected database error gives 500 ERROR_UNKNOWN_ERROR without details, and nothing moves', async () => {
    const play = await givenPlay(suite.t, 'f-broken', '10');
    await suite.t.owner.raw('ALTER TABLE rounds RENAME TO rounds_away');
    let res;
    try {
      res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'fb', amount: 1 }));
    } finally {
      await suite.t.owner.raw('ALTER TABLE rounds_away RENAME TO rounds');
    }
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('ERROR_UNKNOWN_ERROR');
    expect(res.text).not.toMatch(/rounds|relation|sql|stack/i);
    expect(suite.t.logs.some((l: Record<string, unknown>) => l.traceId === res.body.traceId && l.level === 'error')).toBe(true);
    expect(await balanceOf(suite.t, 'f-broken')).toBe('10.00');
  });
});

describe("the wallet's node:http door", () => {
  it('answers with the trace id it logs, keeping a sane X-Request-Id of the caller', async () => {
    const play = await givenPlay(suite.t, 'door-1', '10');
    const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'd1', amount: 1 }))
      .set('X-Request-Id', 'aggregator-call-0001');
    expect(res.status).toBe(200);
    expect(res.headers['x-trace-id']).toBe('aggregator-call-0001');
    expect(suite.t.logs).toContainEqual(expect.objectContaining({ message: 'request', traceId: 'aggregator-call-0001', path: '/wallet/withdraw', status: 200 }));
    const refused = await signedPost(suite.t, suite.fb, '/wallet/withdraw', { playerId: 'door-1' }).set('X-Request-Id', 'no spaces allowed');
    expect(refused.status).toBe(400);
    expect(refused.headers['x-trace-id']).toBe(refused.body.traceId);
    expect(refused.body.traceId).not.toBe('no spaces allowed');
  });

  it('leaves other methods and unknown wallet paths to the app, which answers 404 in the wallet format', async () => {
    for (const res of [await suite.t.http.get('/wallet/balance'), await suite.t.http.post('/wallet/bet').send({})]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 'ERROR_BAD_REQUEST', description: expect.stringContaining('no wallet endpoint'), traceId: res.headers['x-trace-id'] });
    }
  });
});
