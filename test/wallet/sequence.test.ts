import { expectSoundLedger, startTestApp, TestApp } from '../support/app';
import { depositBody, givenAggregator, givenPlay, Play, PUBLIC_URL, rollbackBody, signedPost, Signer, withdrawBody } from '../support/wallet';

/**
 * Thousands of mixed wallet calls, with retries, rollbacks that overtake their withdraws, deposits on
 * unknown or rolled-back bets, checked against an independent model of the rules (pure TypeScript, integer
 * cents). The sequential run predicts every answer; the concurrent run predicts every final balance.
 */

/** Mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)] };
}

interface ModelBet {
  id: string;
  round: string;
  cents: number;
  accepted: boolean;
  rolledBack: boolean;
}

interface ModelPlayer {
  play: Play;
  cents: number;
  bets: Map<string, ModelBet>;
  tombstones: Set<string>;
  closedRounds: Set<string>;
  paidRounds: Set<string>;
}

type Call = { path: string; body: Record<string, unknown> };
type Expected = { status: number; code?: string; cents?: number };

const euros = (cents: number) => (cents / 100).toFixed(2);
const withoutTrace = (text: string) => text.replace(/,"traceId":"[^"]*"/, '');

/** What the wallet must answer, by the rules of the contract and our README; mutates the model. */
function predict(m: ModelPlayer, call: Call): Expected {
  const b = call.body;
  if (call.path === '/wallet/withdraw') {
    const cents = Math.round(Number(b.amount) * 100);
    if (m.tombstones.has(b.transactionId as string)) return { status: 400, code: 'ERROR_BAD_REQUEST' };
    if (m.closedRounds.has(b.gameRoundId as string)) {
      m.bets.set(b.transactionId as string, { id: b.transactionId as string, round: b.gameRoundId as string, cents, accepted: false, rolledBack: false });
      return { status: 400, code: 'ERROR_BAD_REQUEST' };
    }
    const accepted = cents <= m.cents;
    m.bets.set(b.transactionId as string, { id: b.transactionId as string, round: b.gameRoundId as string, cents, accepted, rolledBack: false });
    if (!accepted) return { status: 400, code: 'ERROR_TRANSACTION_INSUFFICIENT_FUNDS' };
    m.cents -= cents;
    if (b.isGameRoundFinished) m.closedRounds.add(b.gameRoundId as string);
    return { status: 200, cents: m.cents };
  }
  const target = m.bets.get(b.withdrawTransactionId as string);
  if (call.path === '/wallet/deposit') {
    if (m.tombstones.has(b.withdrawTransactionId as string)) return { status: 400, code: 'ERROR_BAD_REQUEST' };
    if (!target) return { status: 400, code: 'ERROR_TRANSACTION_WITHDRAW_NOT_FOUND' };
    if (target.rolledBack) return { status: 400, code: 'ERROR_BAD_REQUEST' };
    if (!target.accepted || target.round !== b.gameRoundId) return { status: 400, code: 'ERROR_TRANSACTION_WITHDRAW_NOT_FOUND' };
    m.cents += Math.round(Number(b.amount) * 100);
    m.paidRounds.add(target.round);
    if (b.isGameRoundFinished) m.closedRounds.add(target.round);
    return { status: 200, cents: m.cents };
  }
  // rollback
  if (!target && !m.tombstones.has(b.withdrawTransactionId as string)) {
    m.tombstones.add(b.withdrawTransactionId as string);
    return { status: 200, cents: m.cents };
  }
  if (target && target.accepted && !target.rolledBack) {
    if (m.paidRounds.has(target.round)) return { status: 400, code: 'ERROR_BAD_REQUEST' };
    target.rolledBack = true;
    m.cents += target.cents;
  }
  return { status: 200, cents: m.cents };
}

function nextCall(rng: ReturnType<typeof random>, m: ModelPlayer, serial: () => string): Call {
  const roll = rng.next();
  const bets = [...m.bets.values()];
  const amount = Number(euros(1 + rng.int(rng.next() < 0.1 ? 5000 : 400)));
  if (roll < 0.45 || bets.length === 0) {
    const round = rng.next() < 0.3 && bets.length > 0 ? rng.pick(bets).round : `round-${serial()}`;
    // now and then, the id of a bet whose rollback already came first
    const id = rng.next() < 0.05 && m.tombstones.size > 0 ? rng.pick([...m.tombstones]) : `bet-${serial()}`;
    return { path: '/wallet/withdraw', body: withdrawBody(m.play, { transactionId: id, gameRoundId: round, amount, finished: rng.next() < 0.15 }) };
  }
  const target = rng.next() < 0.1 ? { id: `bet-${serial()}`, round: `round-${serial()}` } : rng.pick(bets);
  if (roll < 0.8) {
    const winAmount = rng.next() < 0.4 ? 0 : amount;
    const round = rng.next() < 0.05 ? `round-${serial()}` : target.round;
    return {
      path: '/wallet/deposit',
      body: depositBody(m.play, { transactionId: `win-${serial()}`, withdrawTransactionId: target.id, gameRoundId: round, amount: winAmount, finished: rng.next() < 0.7 }),
    };
  }
  return { path: '/wallet/rollback', body: rollbackBody(m.play, { transactionId: `rb-${serial()}`, withdrawTransactionId: target.id, gameRoundId: target.round }) };
}

let t: TestApp;
let fb: Signer;
beforeAll(async () => {
  t = await startTestApp({ walletPublicUrl: PUBLIC_URL });
  fb = await givenAggregator(t);
});
afterAll(() => t.close());

async function newPlayers(prefix: string, count: number, startCents: number): Promise<ModelPlayer[]> {
  const players: ModelPlayer[] = [];
  for (let i = 0; i < count; i += 1) {
    const play = await givenPlay(t, `${prefix}-${i}`, euros(startCents));
    players.push({ play, cents: startCents, bets: new Map(), tombstones: new Set(), closedRounds: new Set(), paidRounds: new Set() });
  }
  return players;
}

const balanceCents = async (playerId: string) =>
  Math.round(Number((await t.operator('get', `/players/${playerId}`)).body.balance) * 100);

describe('a randomised sequence of wallet calls', () => {
  it('2,000 sequential calls with retries: every answer matches the model', async () => {
    const seed = Number(process.env.WALLET_SEED ?? 20261122);
    const rng = random(seed);
    const players = await newPlayers('seq', 4, 20_000);
    let n = 0;
    const serial = () => `seq${++n}`;
    const sent: { call: Call; status: number; text: string }[] = [];
    for (let i = 0; i < 2000; i += 1) {
      if (sent.length > 0 && rng.next() < 0.15) {
        // a retry of an earlier call whose answer was stored returns that answer byte for byte
        const earlier = rng.pick(sent);
        const again = await signedPost(t, fb, earlier.call.path, earlier.call.body);
        // identical but for traceId, which names each request (the retry is logged under its own)
        expect({ seed, i, status: again.status, body: withoutTrace(again.text) }).toEqual({ seed, i, status: earlier.status, body: withoutTrace(earlier.text) });
        continue;
      }
      const m = rng.pick(players);
      const call = nextCall(rng, m, serial);
      const expected = predict(m, call);
      const res = await signedPost(t, fb, call.path, call.body);
      const actual = { status: res.status, code: res.body.code, cents: res.status === 200 ? Math.round(res.body.balance * 100) : undefined };
      expect({ seed, i, call, ...actual }).toEqual({ seed, i, call, ...expected, code: expected.code, cents: expected.cents });
      const stored = call.path === '/wallet/withdraw' ? expected.code !== 'ERROR_BAD_REQUEST' || !m.tombstones.has(call.body.transactionId as string) : res.status === 200;
      if (stored) sent.push({ call, status: res.status, text: res.text });
    }
    for (const m of players) expect(await balanceCents(m.play.playerId)).toBe(m.cents);
    await expectSoundLedger(t);
  });

  it('2,000 calls sent 25 at a time, duplicated and reordered: balances equal the model of the accepted calls', async () => {
    const rng = random(7);
    const players = await newPlayers('par', 5, 50_000);
    let n = 0;
    const serial = () => `par${++n}`;
    const calls: Call[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const m = rng.pick(players);
      const call = nextCall(rng, m, serial);
      predict(m, call); // only to grow the model's list of bets the generator draws from
      calls.push(call);
      if (rng.next() < 0.2) calls.push(call);
    }
    // answers by the exact request (one id may be reused with another body, which must be refused)
    const answers = new Map<string, { status: number; code?: string }[]>();
    const keyOf = (c: Call) => JSON.stringify([c.path, c.body]);
    for (let i = 0; i < calls.length; i += 25) {
      const batch = calls.slice(i, i + 25).sort(() => rng.next() - 0.5);
      const results = await Promise.all(batch.map((c) => signedPost(t, fb, c.path, c.body)));
      results.forEach((r, k) => {
        expect([200, 400]).toContain(r.status);
        const key = keyOf(batch[k]);
        answers.set(key, [...(answers.get(key) ?? []), { status: r.status, code: r.body.code }]);
      });
    }
    const distinct = [...new Map(calls.map((c) => [keyOf(c), c])).values()];
    const accepted = distinct.filter((c) => answers.get(keyOf(c))!.some((a) => a.status === 200));

    // An identical request always gets the same answer, except a deposit that came before its withdraw.
    for (const c of distinct) {
      const seen = answers.get(keyOf(c))!.filter((a) => a.code !== 'ERROR_TRANSACTION_WITHDRAW_NOT_FOUND');
      expect({ request: c.body.transactionId, answers: new Set(seen.map((a) => `${a.status} ${a.code}`)).size <= 1 }).toEqual({ request: c.body.transactionId, answers: true });
    }
    // One transactionId is accepted with at most one body.
    const acceptedIds = accepted.map((c) => c.body.transactionId as string);
    expect(new Set(acceptedIds).size).toBe(acceptedIds.length);

    // Rebuild each balance from the calls the wallet accepted: an independent sum, not a re-run of its rules.
    const expected = new Map(players.map((m) => [m.play.playerId, 50_000]));
    const add = (player: string, cents: number) => expected.set(player, expected.get(player)! + cents);
    const acceptedWithdraws = new Map(accepted.filter((c) => c.path === '/wallet/withdraw').map((c) => [c.body.transactionId as string, c]));
    for (const c of accepted) {
      const cents = Math.round(Number(c.body.amount ?? 0) * 100);
      if (c.path === '/wallet/withdraw') add(c.body.playerId as string, -cents);
      if (c.path === '/wallet/deposit') add(c.body.playerId as string, cents);
    }
    // A withdraw is refunded when a rollback for it was accepted after it; the wallet's record says which one moved money.
    const refundRows = await t.db('wallet_transactions as w')
      .join('players as p', 'p.id', 'w.player_id')
      .where({ 'w.kind': 'rollback' })
      .whereNotNull('w.amount')
      .where('p.external_id', 'like', 'par-%')
      .select('w.withdraw_transaction_id as target');
    const refundedTargets = refundRows.map((r) => r.target as string);
    expect(new Set(refundedTargets).size).toBe(refundedTargets.length);
    for (const target of refundedTargets) {
      const bet = acceptedWithdraws.get(target);
      expect({ target, accepted: bet !== undefined }).toEqual({ target, accepted: true });
      add(bet!.body.playerId as string, Math.round(Number(bet!.body.amount) * 100));
    }
    // No refunded withdraw was also paid a win, and every refund answered 200 to some rollback.
    const paidWithdraws = new Set(accepted.filter((c) => c.path === '/wallet/deposit').map((c) => c.body.withdrawTransactionId as string));
    for (const target of refundedTargets) expect({ target, paid: paidWithdraws.has(target) }).toEqual({ target, paid: false });

    for (const m of players) {
      expect({ player: m.play.playerId, cents: await balanceCents(m.play.playerId) }).toEqual({ player: m.play.playerId, cents: expected.get(m.play.playerId) });
    }
    // one movement per accepted withdraw and deposit, plus one per refund
    const movements = await t.db('wallet_movements as m')
      .join('players as p', 'p.id', 'm.player_id')
      .where('p.external_id', 'like', 'par-%')
      .count<{ count: string }[]>('* as count');
    const moneyCalls = accepted.filter((c) => c.path !== '/wallet/rollback').length;
    expect(Number(movements[0].count)).toBe(moneyCalls + refundedTargets.length);
    await expectSoundLedger(t);
  });
});
