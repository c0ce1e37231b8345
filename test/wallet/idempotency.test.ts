import { walletService } from '../../src/wallet/service';
import { balanceOf, expectSoundLedger } from '../support/app';
import { depositBody, FB_PRIVATE_KEY, givenPlay, Play, hmacSigner, registerSigner, rollbackBody, signedPost, uniqueId, withdrawBody, walletSuite } from '../support/wallet';

const suite = walletSuite();

const transfersFor = async (transactionId: string) => suite.t.db('ledger_movements').where({ reference: transactionId }).count<{ count: string }[]>('* as count').then((r) => Number(r[0].count));

describe('idempotency by transactionId', () => {
  it('a repeated withdraw returns the first balance (of then, not now) and moves nothing', async () => {
    const play = await givenPlay(suite.t, 'i-repeat', '10');
    const first = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'ir', amount: 1 });
    const answer = await signedPost(suite.t, suite.fb, '/wallet/withdraw', first);
    await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'ir', amount: 2 }));
    const retry = await signedPost(suite.t, suite.fb, '/wallet/withdraw', first);
    expect(retry.status).toBe(200);
    expect(retry.text).toBe(answer.text);
    expect(retry.body.balance).toBe(9);
    expect(await balanceOf(suite.t, 'i-repeat')).toBe('7.00');
    expect(await transfersFor(first.transactionId)).toBe(1);
  });

  it('a retry with fields reordered, 1 written as 1.00, and a newer session is the same request', async () => {
    const play = await givenPlay(suite.t, 'i-canonical', '10');
    const id = uniqueId('tx');
    const body = withdrawBody(play, { transactionId: id, gameRoundId: 'ic', amount: 1 });
    const answer = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    const newer = await suite.t.operator('post', '/players/i-canonical/sessions', {});
    const reordered = Object.fromEntries(Object.entries({ ...body, sessionId: newer.body.sessionId }).reverse());
    const raw = JSON.stringify(reordered).replace('"amount":1', '"amount":1.00').replace('"cashAmount":1', '"cashAmount":1.000');
    const retry = await signedPost(suite.t, suite.fb, '/wallet/withdraw', raw);
    expect(retry.text).toBe(answer.text);
    expect(await balanceOf(suite.t, 'i-canonical')).toBe('9.00');
  });

  it('a refused withdraw is answered the same way on retry, even after the player was topped up', async () => {
    const play = await givenPlay(suite.t, 'i-refused', '1');
    const body = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'ix', amount: 5 });
    const first = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    expect(first.body.code).toBe('ERROR_TRANSACTION_INSUFFICIENT_FUNDS');
    await suite.t.operator('post', '/players/i-refused/topups', { amount: '100', transactionId: uniqueId('top') });
    const retry = await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    expect(retry.status).toBe(400);
    expect(retry.body.code).toBe('ERROR_TRANSACTION_INSUFFICIENT_FUNDS');
    expect(await balanceOf(suite.t, 'i-refused')).toBe('101.00');
  });

  it.each([
    ['a different amount', { amount: 2, cashAmount: 2 }],
    ['a different round', { gameRoundId: 'other' }],
    ['a different game', { gameId: 'other-game' }],
    ['a different round flag', { isGameRoundFinished: true }],
  ])('the same id with %s: ERROR_TRANSACTION_DUPLICATE and nothing moves', async (_name, change) => {
    const play = await givenPlay(suite.t, uniqueId('i-dup'), '10');
    const body = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'id', amount: 1 });
    await signedPost(suite.t, suite.fb, '/wallet/withdraw', body);
    const res = await signedPost(suite.t, suite.fb, '/wallet/withdraw', { ...body, ...change });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERROR_TRANSACTION_DUPLICATE');
    expect(await balanceOf(suite.t, play.playerId)).toBe('9.00');
  });

  it("a withdraw's id reused for a deposit, or by another player: ERROR_TRANSACTION_DUPLICATE", async () => {
    const play = await givenPlay(suite.t, 'i-cross', '10');
    const other = await givenPlay(suite.t, 'i-cross-other', '10');
    const id = uniqueId('tx');
    await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: id, gameRoundId: 'cr', amount: 1 }));
    const asDeposit = await signedPost(suite.t, suite.fb, '/wallet/deposit', depositBody(play, { transactionId: id, withdrawTransactionId: id, gameRoundId: 'cr', amount: 1 }));
    expect(asDeposit.body.code).toBe('ERROR_TRANSACTION_DUPLICATE');
    const byOther = await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(other, { transactionId: id, gameRoundId: 'cr', amount: 1 }));
    expect(byOther.body.code).toBe('ERROR_TRANSACTION_DUPLICATE');
    expect(await balanceOf(suite.t, 'i-cross')).toBe('9.00');
    expect(await balanceOf(suite.t, 'i-cross-other')).toBe('10.00');
  });

  it('a repeated deposit and a repeated rollback return their first answers', async () => {
    const play = await givenPlay(suite.t, 'i-dr', '10');
    const betA = uniqueId('bet');
    const betB = uniqueId('bet');
    await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: betA, gameRoundId: 'dra', amount: 1 }));
    await signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: betB, gameRoundId: 'drb', amount: 2 }));
    const dep = depositBody(play, { transactionId: uniqueId('win'), withdrawTransactionId: betA, gameRoundId: 'dra', amount: 5 });
    const rb = rollbackBody(play, { transactionId: uniqueId('rb'), withdrawTransactionId: betB, gameRoundId: 'drb' });
    const depFirst = await signedPost(suite.t, suite.fb, '/wallet/deposit', dep);
    const rbFirst = await signedPost(suite.t, suite.fb, '/wallet/rollback', rb);
    expect((await signedPost(suite.t, suite.fb, '/wallet/deposit', dep)).text).toBe(depFirst.text);
    expect((await signedPost(suite.t, suite.fb, '/wallet/rollback', rb)).text).toBe(rbFirst.text);
    expect(await balanceOf(suite.t, 'i-dr')).toBe('14.00');
  });

  it('transactionIds are scoped per api client: two aggregators may use the same id', async () => {
    const other = hmacSigner('second-aggregator', `${FB_PRIVATE_KEY}-2`);
    await registerSigner(suite.t, other, `${FB_PRIVATE_KEY}-2`);
    const play = await givenPlay(suite.t, 'i-scope', '10');
    const body = withdrawBody(play, { transactionId: 'shared-id', gameRoundId: 'sc', amount: 1 });
    expect((await signedPost(suite.t, suite.fb, '/wallet/withdraw', body)).body.balance).toBe(9);
    expect((await signedPost(suite.t, other, '/wallet/withdraw', body)).body.balance).toBe(8);
  });

  it('50 identical withdraws at once move money once and all get the same answer', async () => {
    const play = await givenPlay(suite.t, 'i-storm', '10');
    const body = withdrawBody(play, { transactionId: uniqueId('tx'), gameRoundId: 'st', amount: 3 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => signedPost(suite.t, suite.fb, '/wallet/withdraw', body)));
    expect(new Set(answers.map((a) => `${a.status} ${a.text}`))).toEqual(new Set(['200 {"balance":7.00,"currency":"EUR"}']));
    expect(await transfersFor(body.transactionId)).toBe(1);
  });

  it('one id sent at once for two players moves money for one of them only', async () => {
    const a = await givenPlay(suite.t, 'i-race-a', '10');
    const b = await givenPlay(suite.t, 'i-race-b', '10');
    const id = uniqueId('tx');
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, () => signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(a, { transactionId: id, gameRoundId: 'rc', amount: 1 }))),
      ...Array.from({ length: 10 }, () => signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(b, { transactionId: id, gameRoundId: 'rc', amount: 1 }))),
    ]);
    const codes = new Set(answers.map((r) => r.body.code ?? 'ok'));
    expect(codes).toEqual(new Set(['ok', 'ERROR_TRANSACTION_DUPLICATE']));
    expect(await transfersFor(id)).toBe(1);
    const balances = [await balanceOf(suite.t, 'i-race-a'), await balanceOf(suite.t, 'i-race-b')].sort();
    expect(balances).toEqual(['10.00', '9.00'].sort());
  });
});

describe('concurrent bets of one player', () => {
  it('200 parallel withdraws with funds for 50: exactly 50 succeed and the balance ends at 0', async () => {
    const play = await givenPlay(suite.t, 'c-hot', '50');
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        signedPost(suite.t, suite.fb, '/wallet/withdraw', withdrawBody(play, { transactionId: `hot-${i}`, gameRoundId: `hot-${i}`, amount: 1 })),
      ),
    );
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.body.code === 'ERROR_TRANSACTION_INSUFFICIENT_FUNDS');
    expect(ok).toHaveLength(50);
    expect(refused).toHaveLength(150);
    expect(new Set(ok.map((a) => a.body.balance)).size).toBe(50);
    expect(await balanceOf(suite.t, 'c-hot')).toBe('0.00');
    await expectSoundLedger(suite.t);
  });
});

describe('group commit', () => {
  // one slot: the first call goes to the database alone, the calls behind it queue and go together as one batch
  const oneSlot = () => walletService(suite.t.db, { slots: 1, maxCalls: 64 });
  const clientId = async (): Promise<number> => (await suite.t.db('api_clients').where({ enabled: true }).orderBy('id').first('id')).id;
  const bet = (play: Play, transactionId: string, amount: bigint) => ({
    ...play, currency: play.currency ?? 'EUR', transactionId, gameId: 'slot-1', gameRoundId: `r-${transactionId}`,
    amount, cashAmount: amount, jackpotAmount: null, isGameRoundFinished: false,
  });
  /** A transaction that holds the player's cash account, as an operator's correction would, until it ends. */
  const holdPlayer = async (externalId: string) => {
    const held = await suite.t.db.transaction();
    await held.raw('SELECT 1 FROM accounts a JOIN players p ON p.id = a.player_id WHERE p.external_id = ? FOR UPDATE', [externalId]);
    return held;
  };

  it('calls that arrive together share one commit, and each gets its own answer', async () => {
    const wallet = oneSlot();
    const client = await clientId();
    const plays = await Promise.all(Array.from({ length: 20 }, (_, i) => givenPlay(suite.t, `g-${i}`, '10')));
    const answers = await Promise.all(plays.flatMap((play, i) => [
      wallet.withdraw(client, bet(play, `g-bet-${i}`, BigInt(100 * (1 + (i % 3))))),
      wallet.balance(client, { ...play, currency: 'EUR' }),
    ]));
    expect(wallet.commits.stats).toEqual({ alone: 1, batches: 1, batchedCalls: 39, retriedAlone: 0 });
    expect(answers.every((a) => a.status === 200)).toBe(true);
    for (const [i] of plays.entries()) {
      expect(answers[2 * i].balance).toBe(BigInt(1000 - 100 * (1 + (i % 3))));
      expect(answers[2 * i + 1].balance).toBe(answers[2 * i].balance); // the balance call came after the bet
      expect(await balanceOf(suite.t, `g-${i}`)).toBe(`${10 - 1 - (i % 3)}.00`);
    }
  });

  it('one id sent for two players in one batch: the one that arrived second is a duplicate, as alone', async () => {
    const wallet = oneSlot();
    const client = await clientId();
    const plays = await Promise.all(Array.from({ length: 4 }, (_, i) => givenPlay(suite.t, `gd-${i}`, '10')));
    const answers = await Promise.all(plays.map((play, i) => wallet.withdraw(client, bet(play, i >= 2 ? 'gd-shared' : `gd-${i}`, 100n))));
    expect(wallet.commits.stats).toEqual({ alone: 1, batches: 1, batchedCalls: 3, retriedAlone: 0 });
    // a batch runs its calls in the order they arrived
    expect(answers.map((a) => a.code)).toEqual([null, null, null, 'ERROR_TRANSACTION_DUPLICATE']);
    expect(await transfersFor('gd-shared')).toBe(1);
  });

  it('a batch that fails as a whole answers each of its calls alone: the others succeed, the failing one fails alone', async () => {
    const wallet = oneSlot();
    const client = await clientId();
    const plays = await Promise.all(Array.from({ length: 6 }, (_, i) => givenPlay(suite.t, `gf-${i}`, '10')));
    // a player whose currency has no house shard: its movement raises, which aborts the batch it is in
    const broken = await givenPlay(suite.t, 'gf-gbp', '10', { currency: 'GBP' });
    const shards = await suite.t.owner('accounts').where({ kind: 'house', currency: 'GBP' }).del().returning('*');
    expect(shards).toHaveLength(64);
    try {
      const calls = [...plays.map((play, i) => wallet.withdraw(client, bet(play, `gf-${i}`, 100n))), wallet.withdraw(client, bet(broken, 'gf-gbp-bet', 100n))];
      const settled = await Promise.allSettled(calls);
      expect(wallet.commits.stats).toEqual({ alone: 1, batches: 0, batchedCalls: 0, retriedAlone: 6 });
      expect(settled.map((r) => (r.status === 'fulfilled' ? r.value.status : 'failed'))).toEqual([200, 200, 200, 200, 200, 200, 'failed']);
      expect(await Promise.all(plays.map((_p, i) => balanceOf(suite.t, `gf-${i}`)))).toEqual(Array(6).fill('9.00'));
      expect(await balanceOf(suite.t, 'gf-gbp')).toBe('10.00');
    } finally {
      await suite.t.owner('accounts').insert(shards);
    }
  });

  it('a player held elsewhere costs the rest of its batch a quarter of a second, not the statement timeout', async () => {
    const wallet = oneSlot();
    const client = await clientId();
    const plays = await Promise.all(Array.from({ length: 6 }, (_, i) => givenPlay(suite.t, `gl-${i}`, '10')));
    const held = await holdPlayer('gl-5');
    const started = Date.now();
    const done: Record<number, number> = {};
    const calls = plays.map((play, i) => wallet.withdraw(client, bet(play, `gl-${i}`, 100n)).then((answer) => {
      done[i] = Date.now() - started;
      return answer;
    }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(Object.keys(done).sort()).toEqual(['0', '1', '2', '3', '4']); // all but the held player, long before its lock goes
    expect(Math.max(...Object.values(done))).toBeLessThan(1200);
    await held.commit();
    expect((await Promise.all(calls)).map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(wallet.commits.stats!.retriedAlone).toBe(5);
  });

  /**
   * Three slots: a call of `${prefix}-0`, whose lock is held here, and two quick ones go alone; a second call of
   * `${prefix}-0` and one of `${prefix}-3` queue behind them and go as one batch once a quick one is answered.
   */
  async function batchWaitingOnHeldPlayer(prefix: string, maxCalls = 64) {
    const wallet = walletService(suite.t.db, { slots: 3, maxCalls });
    const client = await clientId();
    const plays = await Promise.all(Array.from({ length: 5 }, (_, i) => givenPlay(suite.t, `${prefix}-${i}`, '10')));
    const held = await holdPlayer(`${prefix}-0`);
    const withdraw = (i: number, id: string) => wallet.withdraw(client, bet(plays[i], id, 100n));
    const first = withdraw(0, `${prefix}-0a`);
    const quick = [1, 2].map((i) => withdraw(i, `${prefix}-${i}`));
    const queued = [withdraw(0, `${prefix}-0b`), withdraw(3, `${prefix}-3`)];
    return { wallet, held, withdraw, first, quick, queued };
  }

  it('while a batch is in flight, a call that finds a slot free waits for it instead of going alone', async () => {
    const { wallet, held, withdraw, first, quick, queued } = await batchWaitingOnHeldPlayer('gw');
    await Promise.all(quick); // the queued two went as one batch, which waits on gw-0 too (up to 250 ms); a slot is free
    const alone = wallet.commits.stats!.alone;
    const late = withdraw(4, 'gw-4'); // queued or sent as it is called
    expect(wallet.commits.stats!.alone).toBe(alone);
    await held.commit();
    expect((await Promise.all([first, ...queued, late])).map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await balanceOf(suite.t, 'gw-4')).toBe('9.00');
  });

  it('while a batch is in flight, half a batch of waiting calls goes beside it instead of waiting for it', async () => {
    const { wallet, held, withdraw, first, quick, queued } = await batchWaitingOnHeldPlayer('gp', 4);
    await Promise.all(quick); // the queued two went as one batch, which waits on gp-0 (up to 250 ms); two slots are free
    const pair = [withdraw(4, 'gp-4a'), withdraw(4, 'gp-4b')]; // half of maxCalls 4
    expect((await Promise.all(pair)).map((a) => a.status)).toEqual([200, 200]);
    expect(wallet.commits.stats!).toMatchObject({ batches: 1, batchedCalls: 2, retriedAlone: 0 }); // the first batch still waits on gp-0
    await queued[1];
    await held.commit();
    expect((await Promise.all([first, queued[0]])).map((a) => a.status)).toEqual([200, 200]);
    expect(await balanceOf(suite.t, 'gp-4')).toBe('8.00');
  });

  it('a batch that failed stops holding the queue once its round trip ends: its calls retried alone do not hold up the next', async () => {
    const { wallet, held, withdraw, first, quick, queued } = await batchWaitingOnHeldPlayer('gr');
    await Promise.all([...quick, queued[1]]); // the queued pair's batch gave up on gr-0 after 250 ms; gr-3 went through alone
    expect(wallet.commits.stats!.retriedAlone).toBe(2);
    // gr-0b still waits alone on the lock, one slot is free: a new call goes at once
    const next = withdraw(4, 'gr-4');
    const seen = await Promise.race([next.then(() => 'answered'), new Promise((r) => setTimeout(() => r('still waiting'), 2000))]);
    await held.commit();
    expect(seen).toBe('answered');
    expect((await Promise.all([first, queued[0], next])).map((a) => a.status)).toEqual([200, 200, 200]);
  });
});
