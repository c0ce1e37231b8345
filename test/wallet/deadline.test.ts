import { givenPlay, signedPost, uniqueId, withdrawBody, walletSuite } from '../support/wallet';

// The database may wait a long time here (10 s statement and lock timeouts); the aggregator may not.
const suite = walletSuite({ statementTimeoutMs: 10_000, walletDeadlineMs: 300 });

describe('WALLET_DEADLINE_MS: a true answer within the aggregator\'s budget', () => {
  it('a bet held up past the deadline is answered at the deadline that its outcome is not known, and its retry tells the truth: moved once', async () => {
    const play = await givenPlay(suite.t, 'd-held', '10');
    const body = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'dh', amount: 1 });
    const trx = await suite.t.db.transaction();
    let answeredInMs: number;
    let res;
    try {
      // another session holds the player's account row: the bet waits for it, well past the deadline
      await trx.raw(`SELECT 1 FROM accounts a JOIN players p ON p.id = a.player_id WHERE p.external_id = 'd-held' FOR UPDATE`);
      const started = Date.now();
      res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
      answeredInMs = Date.now() - started;
    } finally {
      await trx.commit();
    }
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 'ERROR_UNKNOWN_ERROR', description: expect.stringContaining('send it again with the same transactionId') });
    expect(res.body.description).not.toContain('nothing was changed');
    expect(answeredInMs).toBeLessThan(1000);
    const retry = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    expect(retry.body).toEqual({ balance: 9, currency: 'EUR' });
    expect(await suite.t.db('ledger_movements').where({ reference: body.transactionId })).toHaveLength(1);
  });
});
