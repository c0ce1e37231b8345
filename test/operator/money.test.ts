import { givenPlayer, expectSoundLedger, startTestApp, TestApp } from '../support/app';
import { playRound } from '../support/history';
import { givenAggregator, givenPlay, PUBLIC_URL, signedPost, withdrawBody } from '../support/wallet';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ walletPublicUrl: PUBLIC_URL });
});
afterAll(() => t.close());

describe('POST /operator/players/:playerId/topups', () => {
  it('credits the player and answers the new balance', async () => {
    await givenPlayer(t, 'top1');
    const res = await t.operator('post', '/players/top1/topups', { amount: 25.5, transactionId: 'tu-1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ playerId: 'top1', transactionId: 'tu-1', balance: '25.50', currency: 'EUR' });
    await expectSoundLedger(t);
  });

  it('a repeated top-up returns the first answer and moves nothing', async () => {
    await givenPlayer(t, 'top2');
    const first = await t.operator('post', '/players/top2/topups', { amount: '10', transactionId: 'tu-2' });
    await t.operator('post', '/players/top2/topups', { amount: '1', transactionId: 'tu-2b' });
    const again = await t.operator('post', '/players/top2/topups', { amount: 10.0, transactionId: 'tu-2' });
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect((await t.operator('get', '/players/top2')).body.balance).toBe('11.00');
  });

  it('the same transactionId with a different amount is a 409 and moves nothing', async () => {
    await givenPlayer(t, 'top3');
    await t.operator('post', '/players/top3/topups', { amount: '10', transactionId: 'tu-3' });
    const res = await t.operator('post', '/players/top3/topups', { amount: '11', transactionId: 'tu-3' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect((await t.operator('get', '/players/top3')).body.balance).toBe('10.00');
  });

  it.each([
    [{ amount: '1.001', transactionId: 'x1' }, 'amount'],
    [{ amount: 1.001, transactionId: 'x2' }, 'amount'],
    [{ amount: '0', transactionId: 'x3' }, 'amount'],
    [{ amount: '-5', transactionId: 'x4' }, 'amount'],
    [{ amount: 'ten', transactionId: 'x5' }, 'amount'],
    [{ amount: true, transactionId: 'x6' }, 'amount'],
    [{ amount: '5' }, 'transactionId'],
    [{ amount: '1e400', transactionId: 'x7' }, 'amount'],
  ])('refuses %j (field %s) and moves nothing', async (body: Record<string, unknown>, field) => {
    const player = await givenPlayer(t, `bad-${String(body.transactionId ?? 'none')}`);
    const res = await t.operator('post', `/players/${player}/topups`, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field });
    expect((await t.operator('get', `/players/${player}`)).body.balance).toBe('0.00');
  });

  it('a JPY top-up takes no decimals and a BHD one takes three', async () => {
    await givenPlayer(t, 'yen', { currency: 'JPY' });
    expect((await t.operator('post', '/players/yen/topups', { amount: '100.5', transactionId: 'jp1' })).status).toBe(400);
    expect((await t.operator('post', '/players/yen/topups', { amount: '100', transactionId: 'jp2' })).body.balance).toBe('100');
    await givenPlayer(t, 'dinar', { currency: 'BHD' });
    const bhd = await t.operator('post', '/players/dinar/topups', { amount: '1.234', transactionId: 'bh1' });
    expect(bhd.body.balance).toBe('1.234');
  });

  it('a top-up for an unknown player is a 404', async () => {
    const res = await t.operator('post', '/players/ghost/topups', { amount: '1', transactionId: 'g1' });
    expect(res.status).toBe(404);
  });

  it('100 parallel top-ups and adjustments on one player land exactly once each', async () => {
    await givenPlayer(t, 'busy');
    const calls = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? t.operator('post', '/players/busy/topups', { amount: '1.01', transactionId: `busy-t-${i}` })
        : t.operator('post', '/players/busy/adjustments', { amount: '0.02', reason: 'bonus fix', transactionId: `busy-a-${i}` }),
    );
    const duplicates = Array.from({ length: 20 }, (_, i) =>
      t.operator('post', '/players/busy/topups', { amount: '1.01', transactionId: `busy-t-${i * 2}` }),
    );
    const answers = await Promise.all([...calls, ...duplicates]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    // 50 × 1.01 + 50 × 0.02
    expect((await t.operator('get', '/players/busy')).body.balance).toBe('51.50');
    await expectSoundLedger(t);
  });
});

describe('POST /operator/players/:playerId/adjustments', () => {
  it('a negative adjustment debits the player and is audited with its reason', async () => {
    await givenPlayer(t, 'adj1', { balance: '10' });
    const res = await t.operator('post', '/players/adj1/adjustments', {
      amount: '-2.50',
      reason: 'duplicate bonus',
      transactionId: 'adj-1',
    });
    expect(res.status).toBe(200);
    expect(res.body.balance).toBe('7.50');
    const audit = await t.db('audit_log').whereRaw("details->>'transactionId' = ?", ['adj-1']).first();
    expect(audit.details).toMatchObject({ reason: 'duplicate bonus', amount: '-2.50', currency: 'EUR', transactionId: 'adj-1' });
  });

  it('an adjustment can never take a balance below zero', async () => {
    await givenPlayer(t, 'adj2', { balance: '1' });
    const res = await t.operator('post', '/players/adj2/adjustments', { amount: '-1.01', reason: 'too much', transactionId: 'adj-2' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INSUFFICIENT_FUNDS');
    expect((await t.operator('get', '/players/adj2')).body.balance).toBe('1.00');
    // the refused request did not keep its key: a corrected retry goes through
    const retry = await t.operator('post', '/players/adj2/adjustments', { amount: '-1', reason: 'too much', transactionId: 'adj-2' });
    expect(retry.body.balance).toBe('0.00');
    await expectSoundLedger(t);
  });

  it('refuses a zero adjustment and one without a reason', async () => {
    await givenPlayer(t, 'adj3');
    expect((await t.operator('post', '/players/adj3/adjustments', { amount: '0', reason: 'none', transactionId: 'a3' })).status).toBe(400);
    const noReason = await t.operator('post', '/players/adj3/adjustments', { amount: '1', transactionId: 'a4' });
    expect(noReason.body.error.field).toBe('reason');
  });
});

describe('GET /operator/players/:playerId/transactions', () => {
  it('lists movements newest first with the running balance, page by page', async () => {
    await givenPlayer(t, 'stmt');
    for (const [i, amount] of ['5', '2.5', '-1'].entries()) {
      const res = amount.startsWith('-')
        ? await t.operator('post', '/players/stmt/adjustments', { amount, reason: 'fix', transactionId: `st-${i}` })
        : await t.operator('post', '/players/stmt/topups', { amount, transactionId: `st-${i}` });
      expect(res.status).toBe(200);
    }
    const page1 = await t.operator('get', '/players/stmt/transactions?limit=2');
    expect(page1.body.transactions.map((l: { amount: string; balanceAfter: string }) => [l.amount, l.balanceAfter])).toEqual([
      ['-1.00', '6.50'],
      ['2.50', '7.50'],
    ]);
    const page2 = await t.operator('get', `/players/stmt/transactions?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.transactions.map((l: { amount: string }) => l.amount)).toEqual(['5.00']);
    expect(page2.body.nextCursor).toBeNull();
  });

  it("lists the wallet's bets, wins and refunds among the other movements, and no refused call", async () => {
    const fb = await givenAggregator(t);
    const play = await givenPlay(t, 'stmt-play', '100.00');
    await playRound(t, fb, { play, round: 'sp1', bet: 10, then: 15 });
    await playRound(t, fb, { play, round: 'sp2', bet: 5, then: 'rollback' });
    const refused = await signedPost(t, fb, '/wallet/withdraw', withdrawBody(play, { transactionId: 'sp3-bet', gameRoundId: 'sp3', amount: 1000 }));
    expect(refused.body.code).toBe('ERROR_TRANSACTION_INSUFFICIENT_FUNDS');
    await t.operator('post', '/players/stmt-play/topups', { amount: '1', transactionId: 'sp-topup' }).expect(200);
    const line = (l: { kind: string; amount: string; balanceAfter: string; reference: string }) => `${l.kind} ${l.amount} ${l.balanceAfter} ${l.reference}`;
    const page1 = await t.operator('get', '/players/stmt-play/transactions?limit=4').expect(200);
    const page2 = await t.operator('get', `/players/stmt-play/transactions?limit=4&cursor=${page1.body.nextCursor}`).expect(200);
    expect([...page1.body.transactions, ...page2.body.transactions].map(line)).toEqual([
      'topup 1.00 106.00 sp-topup',
      'refund 5.00 105.00 sp2-rb',
      'bet -5.00 100.00 sp2-bet',
      'win 15.00 105.00 sp1-win',
      'bet -10.00 90.00 sp1-bet',
      'topup 100.00 100.00 seed-stmt-play',
    ]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('refuses a bad limit', async () => {
    await givenPlayer(t, 'stmt2');
    expect((await t.operator('get', '/players/stmt2/transactions?limit=0')).status).toBe(400);
    expect((await t.operator('get', '/players/stmt2/transactions?limit=abc')).status).toBe(400);
  });
});
