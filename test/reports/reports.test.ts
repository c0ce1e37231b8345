import { Knex } from 'knex';
import { expectSoundLedger, TestApp, withTextBody } from '../support/app';
import { moveToDay, payoutIn, playRound, startHistoryApp } from '../support/history';
import { PLAYER_CPF } from '../support/payouts';
import { givenAggregator, Play, Signer, signedPost, withdrawBody } from '../support/wallet';

/**
 * A known history over two days and two currencies, every report figure asserted exactly:
 *   2026-03-01  ana (BRL): r1 slot-1 bet 10 win 25 · r2 slot-1 bet 5 win 0 · r3 crash-1 bet 20 rolled back (open)
 *                          payouts 100 succeeded, 50 failed, 10 processing, 11 on hold; top-up 1000
 *               ben (EUR): r4 slot-1 bet 2.50 (left open) · r5 slot-1 bet 1 finished by the bet; top-up 200
 *   2026-03-02  ana (BRL): r6 crash-1 bet 30 win 12.34
 *                          payouts 20 requested, 30 cancelled, 40 succeeded then reversed, 12 submitted, 13 unknown
 *               ben (EUR): top-up 50, adjustment −10, r7 slot-1 bet 3 win 6, a bet of 1000 refused
 */
let t: TestApp;
let fb: Signer;

async function givenPlayer(db: TestApp, playerId: string, currency: string, topUp: string, documentNumber?: string): Promise<Play> {
  await db.operator('post', '/players', { playerId, currency, ...(documentNumber ? { documentNumber } : {}) }).expect(201);
  await db.operator('post', `/players/${playerId}/topups`, { amount: topUp, transactionId: `topup-${playerId}-1` }).expect(200);
  const session = await db.operator('post', `/players/${playerId}/sessions`, {}).expect(201);
  return { playerId, sessionId: session.body.sessionId, currency };
}

async function buildHistory(db: Knex) {
  let since = new Date();
  const ana = await givenPlayer(t, 'ana', 'BRL', '1000.00', PLAYER_CPF);
  const ben = await givenPlayer(t, 'ben', 'EUR', '200.00');
  await playRound(t, fb, { play: { ...ana, gameId: 'slot-1' }, round: 'r1', bet: 10, then: 25 });
  await playRound(t, fb, { play: { ...ana, gameId: 'slot-1' }, round: 'r2', bet: 5, then: 0 });
  await playRound(t, fb, { play: { ...ana, gameId: 'crash-1' }, round: 'r3', bet: 20, then: 'rollback' });
  await playRound(t, fb, { play: { ...ben, gameId: 'slot-1' }, round: 'r4', bet: 2.5 });
  await playRound(t, fb, { play: { ...ben, gameId: 'slot-1' }, round: 'r5', bet: 1, finishedByBet: true });
  const succeeded = await payoutIn(t, 'ana', PLAYER_CPF, '100.00', 'succeeded');
  await payoutIn(t, 'ana', PLAYER_CPF, '50.00', 'failed');
  await payoutIn(t, 'ana', PLAYER_CPF, '10.00', 'processing');
  await payoutIn(t, 'ana', PLAYER_CPF, '11.00', 'on_hold');
  await moveToDay(db, since, '2026-03-01');
  // it took the provider 90 minutes to pay
  await db('payouts').where({ id: succeeded }).update({ finalized_at: db.raw("requested_at + interval '90 minutes'") });

  since = new Date();
  await playRound(t, fb, { play: { ...ana, gameId: 'crash-1' }, round: 'r6', bet: 30, then: 12.34 });
  await payoutIn(t, 'ana', PLAYER_CPF, '20.00', 'requested');
  await payoutIn(t, 'ana', PLAYER_CPF, '30.00', 'cancelled');
  await payoutIn(t, 'ana', PLAYER_CPF, '40.00', 'reversed');
  await payoutIn(t, 'ana', PLAYER_CPF, '12.00', 'submitted');
  const unknown = await payoutIn(t, 'ana', PLAYER_CPF, '13.00', 'unknown');
  await db('payouts').where({ id: unknown }).update({ manual_review: true, review_reason: 'no answer from the provider' });
  await t.operator('post', '/players/ben/topups', { amount: '50.00', transactionId: 'topup-ben-2' }).expect(200);
  await t.operator('post', '/players/ben/adjustments', { amount: '-10.00', reason: 'goodwill reversed', transactionId: 'adj-ben-1' }).expect(200);
  await playRound(t, fb, { play: { ...ben, gameId: 'slot-1' }, round: 'r7', bet: 3, then: 6 });
  const refused = await signedPost(t, fb, '/wallet/withdraw', withdrawBody({ ...ben, gameId: 'slot-1' }, { transactionId: 'r8-bet', gameRoundId: 'r8', amount: 1000 }));
  expect(refused.body.code).toBe('ERROR_TRANSACTION_INSUFFICIENT_FUNDS');
  await moveToDay(db, since, '2026-03-02');
}

beforeAll(async () => {
  t = await startHistoryApp();
  fb = await givenAggregator(t);
  await buildHistory(t.owner);
});

afterAll(async () => {
  await expectSoundLedger(t);
  await t.close();
});

const CLIENT = 'client-fb-publi';
const ROUNDS = [
  { roundId: 'r1', playerId: 'ana', gameId: 'slot-1', currency: 'BRL', bets: '10.00', wins: '25.00', refunds: '0.00', net: '-15.00', transactions: 2, open: false },
  { roundId: 'r2', playerId: 'ana', gameId: 'slot-1', currency: 'BRL', bets: '5.00', wins: '0.00', refunds: '0.00', net: '5.00', transactions: 2, open: false },
  { roundId: 'r3', playerId: 'ana', gameId: 'crash-1', currency: 'BRL', bets: '20.00', wins: '0.00', refunds: '20.00', net: '0.00', transactions: 2, open: true },
  { roundId: 'r4', playerId: 'ben', gameId: 'slot-1', currency: 'EUR', bets: '2.50', wins: '0.00', refunds: '0.00', net: '2.50', transactions: 1, open: true },
  { roundId: 'r5', playerId: 'ben', gameId: 'slot-1', currency: 'EUR', bets: '1.00', wins: '0.00', refunds: '0.00', net: '1.00', transactions: 1, open: false },
  { roundId: 'r6', playerId: 'ana', gameId: 'crash-1', currency: 'BRL', bets: '30.00', wins: '12.34', refunds: '0.00', net: '17.66', transactions: 2, open: false },
  { roundId: 'r7', playerId: 'ben', gameId: 'slot-1', currency: 'EUR', bets: '3.00', wins: '6.00', refunds: '0.00', net: '-3.00', transactions: 2, open: false },
].map((r) => ({ client: CLIENT, aggregator: 'fizzy-bubbly', ...r }));
const DAY_OF = { r1: '2026-03-01', r2: '2026-03-01', r3: '2026-03-01', r4: '2026-03-01', r5: '2026-03-01', r6: '2026-03-02', r7: '2026-03-02' };

const NO_DEPOSITS = { depositsCredited: '0.00', depositsCreditedCount: 0, depositsHeld: '0.00', depositsHeldCount: 0, depositsReturned: '0.00', depositsReturnedCount: 0 };
const NO_PAYOUTS = {
  payoutsRequested: '0.00', payoutsRequestedCount: 0, payoutsSucceeded: '0.00', payoutsSucceededCount: 0,
  payoutsFailed: '0.00', payoutsFailedCount: 0, payoutsReversed: '0.00', payoutsReversedCount: 0, ...NO_DEPOSITS,
};
const ANA_ALL = {
  currency: 'BRL', bets: '65.00', wins: '37.34', refunds: '20.00', ggr: '7.66', rounds: 4, activePlayers: 1, topUps: '1000.00', adjustments: '0.00',
  payoutsRequested: '286.00', payoutsRequestedCount: 9, payoutsSucceeded: '140.00', payoutsSucceededCount: 2,
  payoutsFailed: '80.00', payoutsFailedCount: 2, payoutsReversed: '40.00', payoutsReversedCount: 1, ...NO_DEPOSITS,
};
const BEN_ALL = {
  currency: 'EUR', bets: '6.50', wins: '6.00', refunds: '0.00', ggr: '0.50', rounds: 3, activePlayers: 1, topUps: '250.00', adjustments: '-10.00',
  ...NO_PAYOUTS,
};
const BY_DAY = [
  { day: '2026-03-01', currency: 'BRL', bets: '35.00', wins: '25.00', refunds: '20.00', ggr: '-10.00', rounds: 3, activePlayers: 1, topUps: '1000.00', adjustments: '0.00',
    payoutsRequested: '171.00', payoutsRequestedCount: 4, payoutsSucceeded: '100.00', payoutsSucceededCount: 1,
    payoutsFailed: '50.00', payoutsFailedCount: 1, payoutsReversed: '0.00', payoutsReversedCount: 0, ...NO_DEPOSITS },
  { day: '2026-03-01', currency: 'EUR', bets: '3.50', wins: '0.00', refunds: '0.00', ggr: '3.50', rounds: 2, activePlayers: 1, topUps: '200.00', adjustments: '0.00', ...NO_PAYOUTS },
  { day: '2026-03-02', currency: 'BRL', bets: '30.00', wins: '12.34', refunds: '0.00', ggr: '17.66', rounds: 1, activePlayers: 1, topUps: '0.00', adjustments: '0.00',
    payoutsRequested: '115.00', payoutsRequestedCount: 5, payoutsSucceeded: '40.00', payoutsSucceededCount: 1,
    payoutsFailed: '30.00', payoutsFailedCount: 1, payoutsReversed: '40.00', payoutsReversedCount: 1, ...NO_DEPOSITS },
  { day: '2026-03-02', currency: 'EUR', bets: '3.00', wins: '6.00', refunds: '0.00', ggr: '-3.00', rounds: 1, activePlayers: 1, topUps: '50.00', adjustments: '-10.00', ...NO_PAYOUTS },
];
const NOT_GAME = Object.fromEntries(['topUps', 'adjustments', ...Object.keys(NO_PAYOUTS)].map((k) => [k, null]));
const BY_GAME = [
  { gameId: 'crash-1', currency: 'BRL', bets: '50.00', wins: '12.34', refunds: '20.00', ggr: '17.66', rounds: 2, activePlayers: 1, ...NOT_GAME },
  { gameId: 'slot-1', currency: 'BRL', bets: '15.00', wins: '25.00', refunds: '0.00', ggr: '-10.00', rounds: 2, activePlayers: 1, ...NOT_GAME },
  { gameId: 'slot-1', currency: 'EUR', bets: '6.50', wins: '6.00', refunds: '0.00', ggr: '0.50', rounds: 3, activePlayers: 1, ...NOT_GAME },
];

/** What the CSV of these records must be, byte for byte: a header, CRLF line ends, empty cells for null. */
function csvOf(columns: string[], records: Record<string, unknown>[]): string {
  return [columns, ...records.map((r) => columns.map((c) => (r[c] === null ? '' : String(r[c]))))].map((line) => `${line.join(',')}\r\n`).join('');
}

async function csv(path: string): Promise<string> {
  const res = await withTextBody(t.operator('get', path));
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  // the rows announced before the first byte are the rows that came
  expect(Number(res.headers['x-row-count'])).toBe((res.body as string).split('\r\n').filter(Boolean).length - 1);
  return res.body as string;
}

describe('GET /operator/reports/rounds', () => {
  it('lists every round by opening time with its bets, wins, refunds, net and whether it is open', async () => {
    const res = await t.operator('get', '/reports/rounds').expect(200);
    expect(res.body.rows.map(({ openedAt, closedAt, ...rest }: Record<string, unknown>) => rest)).toEqual(ROUNDS);
    for (const row of res.body.rows) {
      expect(row.openedAt.slice(0, 10)).toBe(DAY_OF[row.roundId as keyof typeof DAY_OF]);
      expect(row.closedAt === null).toBe(row.open);
    }
    expect(res.body.nextCursor).toBeNull();
  });

  it('filters by range (from inclusive, to exclusive), player, game and status', async () => {
    const ids = async (query: string) => (await t.operator('get', `/reports/rounds?${query}`).expect(200)).body.rows.map((r: { roundId: string }) => r.roundId);
    expect(await ids('from=2026-03-02')).toEqual(['r6', 'r7']);
    expect(await ids('to=2026-03-02')).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(await ids('from=2026-03-01T12:00:00Z&to=2026-03-02T00:00:00Z&playerId=ben')).toEqual(['r4', 'r5']);
    expect(await ids('gameId=crash-1')).toEqual(['r3', 'r6']);
    expect(await ids('status=open')).toEqual(['r3', 'r4']);
    expect(await ids('status=closed&playerId=ben')).toEqual(['r5', 'r7']);
  });

  it('pages with limit and cursor through exactly the same rows', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { rows: { roundId: string }[]; nextCursor: string | null } } = await t.operator('get', `/reports/rounds?limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      seen.push(...res.body.rows.map((r: { roundId: string }) => r.roundId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ROUNDS.map((r) => r.roundId));
  });

  it('exports the same rows as CSV', async () => {
    const json = (await t.operator('get', '/reports/rounds').expect(200)).body.rows;
    const columns = ['client', 'roundId', 'playerId', 'gameId', 'currency', 'bets', 'wins', 'refunds', 'net', 'transactions', 'open', 'openedAt', 'closedAt', 'aggregator'];
    expect(await csv('/reports/rounds?format=csv')).toBe(csvOf(columns, json));
    expect(await csv('/reports/rounds?format=csv&status=open')).toBe(csvOf(columns, json.filter((r: { open: boolean }) => r.open)));
  });

  it.each([
    ['from=yesterday', 'from'],
    ['from=2026-03-02&to=2026-03-01', 'from'],
    ['status=pending', 'status'],
    ['format=xml', 'format'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    [`cursor=${Buffer.from('["2026-03-01T12:00:00.000000Z",1,"x","r1"]').toString('base64url')}`, 'cursor'],
    ['playerId=a&playerId=b', 'playerId'],
  ])('refuses %s with VALIDATION_ERROR on %s', async (query, field) => {
    const res = await t.operator('get', `/reports/rounds?${query}`).expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field });
  });
});

describe('GET /operator/reports/open-rounds', () => {
  it('lists the rounds still open after olderThan (default PT2H), oldest first', async () => {
    const res = await t.operator('get', '/reports/open-rounds').expect(200);
    expect(res.body.rows.map((r: { roundId: string }) => r.roundId)).toEqual(['r3', 'r4']);
    expect(res.body.rows[1]).toMatchObject(ROUNDS[3]);
  });

  it('leaves out rounds opened more recently than olderThan', async () => {
    const res = await t.operator('get', '/reports/open-rounds?olderThan=P36500D').expect(200);
    expect(res.body.rows).toEqual([]);
  });

  it('exports CSV', async () => {
    const text = await csv('/reports/open-rounds?olderThan=P1DT12H&format=csv');
    expect(text.split('\r\n').slice(1, -1).map((line) => line.split(',')[1])).toEqual(['r3', 'r4']);
  });

  it.each(['2h', 'P', 'PT', 'P1W', '-PT1H'])('refuses olderThan=%s', async (olderThan) => {
    const res = await t.operator('get', `/reports/open-rounds?olderThan=${olderThan}`).expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'olderThan' });
  });
});

describe('GET /operator/reports/summary', () => {
  it('totals each day and currency: bets, wins, refunds, GGR, rounds, active players, top-ups and payouts', async () => {
    const res = await t.operator('get', '/reports/summary?groupBy=day').expect(200);
    expect(res.body).toEqual({ from: null, to: null, groupBy: 'day', rows: BY_DAY });
  });

  it('groups by day when groupBy is absent, within from and to', async () => {
    const res = await t.operator('get', '/reports/summary?from=2026-03-02&to=2026-03-03').expect(200);
    expect(res.body.rows).toEqual(BY_DAY.slice(2));
    expect(res.body.from).toBe('2026-03-02T00:00:00.000Z');
  });

  it('totals each game, leaving top-ups and payouts (which belong to no game) null', async () => {
    expect((await t.operator('get', '/reports/summary?groupBy=game').expect(200)).body.rows).toEqual(BY_GAME);
  });

  it('totals each player', async () => {
    expect((await t.operator('get', '/reports/summary?groupBy=player').expect(200)).body.rows).toEqual([
      { playerId: 'ana', ...ANA_ALL },
      { playerId: 'ben', ...BEN_ALL },
    ]);
  });

  it('totals each currency, never adding one currency to another', async () => {
    expect((await t.operator('get', '/reports/summary?groupBy=currency').expect(200)).body.rows).toEqual([ANA_ALL, BEN_ALL]);
  });

  it.each([
    ['day', BY_DAY],
    ['game', BY_GAME],
    ['currency', [ANA_ALL, BEN_ALL]],
  ] as const)('exports the groupBy=%s figures as CSV', async (groupBy, rows) => {
    const columns = Object.keys(rows[0]);
    expect(await csv(`/reports/summary?groupBy=${groupBy}&format=csv`)).toBe(csvOf(columns, rows as Record<string, unknown>[]));
  });

  it('starts the day CSV with the header and the first day in plain figures', async () => {
    const lines = (await csv('/reports/summary?format=csv')).split('\r\n');
    expect(lines[0]).toBe('day,currency,bets,wins,refunds,ggr,rounds,activePlayers,topUps,adjustments,payoutsRequested,payoutsRequestedCount,' +
      'payoutsSucceeded,payoutsSucceededCount,payoutsFailed,payoutsFailedCount,payoutsReversed,payoutsReversedCount,' +
      'depositsCredited,depositsCreditedCount,depositsHeld,depositsHeldCount,depositsReturned,depositsReturnedCount');
    expect(lines[1]).toBe('2026-03-01,BRL,35.00,25.00,20.00,-10.00,3,1,1000.00,0.00,171.00,4,100.00,1,50.00,1,0.00,0,0.00,0,0.00,0,0.00,0');
  });

  it('refuses an unknown groupBy', async () => {
    const res = await t.operator('get', '/reports/summary?groupBy=week').expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'groupBy' });
  });
});

describe('GET /operator/reports/payouts', () => {
  const PAYOUTS = [
    ['100.00', 'succeeded', 'SUCCEEDED', true],
    ['50.00', 'failed', 'FAILED', true],
    ['10.00', 'processing', 'PROCESSING', false],
    ['11.00', 'on_hold', 'ON_HOLD', false],
    ['20.00', 'requested', null, false],
    ['30.00', 'cancelled', 'CANCELLED', true],
    ['40.00', 'reversed', 'REVERSED', true],
    ['12.00', 'submitted', 'SUBMITTED', false],
    ['13.00', 'unknown', 'UNKNOWN', false],
  ] as const;

  it('lists every payout by request time with its reference, status, time to settle and review flag', async () => {
    const res = await t.operator('get', '/reports/payouts').expect(200);
    expect(res.body.rows).toHaveLength(9);
    res.body.rows.forEach((row: Record<string, unknown>, i: number) => {
      const [amount, status, providerStatus, final] = PAYOUTS[i];
      expect(row).toMatchObject({
        transactionId: `po-${status}-${amount}`,
        playerId: 'ana',
        currency: 'BRL',
        amount,
        provider: 'jumppag',
        providerReference: status === 'requested' ? null : `ref-${amount}`,
        status,
        providerStatus,
        manualReview: status === 'unknown',
        reviewReason: status === 'unknown' ? 'no answer from the provider' : null,
      });
      expect(row.finalizedAt !== null).toBe(final);
      expect(row.settleSeconds).toBe(status === 'succeeded' ? 5400 : final ? 0 : null);
      expect(String(row.requestedAt).slice(0, 10)).toBe(i < 4 ? '2026-03-01' : '2026-03-02');
    });
  });

  it('filters by range, status, provider and manual review', async () => {
    const amounts = async (query: string) => (await t.operator('get', `/reports/payouts?${query}`).expect(200)).body.rows.map((r: { amount: string }) => r.amount);
    expect(await amounts('from=2026-03-02')).toEqual(['20.00', '30.00', '40.00', '12.00', '13.00']);
    expect(await amounts('status=failed')).toEqual(['50.00']);
    expect(await amounts('manualReview=true')).toEqual(['13.00']);
    expect(await amounts('provider=hashlee')).toEqual([]);
    expect(await amounts('provider=jumppag&to=2026-03-02&status=on_hold')).toEqual(['11.00']);
  });

  it('exports the same rows as CSV, and pages through them by cursor', async () => {
    const json = (await t.operator('get', '/reports/payouts').expect(200)).body.rows;
    expect(await csv('/reports/payouts?format=csv')).toBe(csvOf(Object.keys(json[0]), json));
    const first = await t.operator('get', '/reports/payouts?limit=5').expect(200);
    const rest = await t.operator('get', `/reports/payouts?limit=5&cursor=${first.body.nextCursor}`).expect(200);
    expect([...first.body.rows, ...rest.body.rows]).toEqual(json);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('refuses an unknown status', async () => {
    const res = await t.operator('get', '/reports/payouts?status=paid').expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'status' });
  });
});

describe('reports need the operator token', () => {
  it.each(['rounds', 'open-rounds', 'summary', 'payouts', 'ledger-check'])('GET /operator/reports/%s without it is 401', async (report) => {
    await t.http.get(`/operator/reports/${report}`).expect(401);
  });
});
