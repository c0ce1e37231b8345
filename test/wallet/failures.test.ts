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
    await suite.t.db.raw('ALTER TABLE rounds RENAME TO rounds_away');
    let res;
    try {
      res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'fb', amount: 1 }));
    } finally {
      await suite.t.db.raw('ALTER TABLE rounds_away RENAME TO rounds');
    }
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('ERROR_UNKNOWN_ERROR');
    expect(res.text).not.toMatch(/rounds|relation|sql|stack/i);
    expect(suite.t.logs.some((l: Record<string, unknown>) => l.traceId === res.body.traceId && l.level === 'error')).toBe(true);
    expect(await balanceOf(suite.t, 'f-broken')).toBe('10.00');
  });
});
