import { Client } from 'pg';
import { TestApp } from '../support/app';
import { givenHub88 } from '../support/hub88';
import { givenPlay, uniqueId, walletSuite } from '../support/wallet';

/**
 * wallet_batch runs the withdraws, the deposits and the rollbacks of players it holds once as one set of each kind
 * (wallet_withdraws, wallet_deposits, wallet_rollbacks), and every other call alone (wallet_withdraw, wallet_deposit,
 * wallet_rollback): the same rules written twice. Here every rule meets both forms from the same state, on
 * one connection (so one house shard), each in a transaction rolled back afterwards, and both must give the same
 * answers and write the same rows.
 */
const suite = walletSuite();
let t: TestApp;
let clientId: number;
let disabledClientId: number;

interface Case {
  name: string;
  /** Puts the player (or the world) in the state the rule needs; `id` is the player's internal id. */
  given?: (id: string, play: { playerId: string; sessionId: string }) => Promise<void>;
  call?: Partial<Record<'client' | 'player' | 'session' | 'currency' | 'game' | 'round' | 'amount' | 'tx' | 'hash', unknown>> & { finished?: boolean };
  balance?: string;
}

const sql = (text: string, values: unknown[] = []) => t.owner.raw(text, values as never[]);
const internalId = async (playerId: string): Promise<string> => (await t.db('players').where({ external_id: playerId }).first()).id;
/** The call as the batch gets it: client -1 stands for the disabled api client. */
const asSent = (call: Call): Call => ({ ...call, client: call.client === -1 ? disabledClientId : call.client });

/** The player's limits, and this hour's activity so far (`bets` in minor units, `played_minutes` as the wallet's bit mask). */
async function givenLimits(id: string, limits: [kind: string, amount: number][], activity?: { bets?: number; played_minutes?: number }) {
  for (const [kind, amount] of limits) await sql('INSERT INTO player_limits (player_id, kind, amount) VALUES (?, ?, ?)', [id, kind, amount]);
  if (activity) {
    await sql(`INSERT INTO player_activity_hourly (player_id, hour, bets, played_minutes) VALUES (?, date_trunc('hour', now()), ?, ?)`,
      [id, activity.bets ?? 0, activity.played_minutes ?? 0]);
  }
}

/** An earlier call's player, client, round and transactionId (and session, for a bet). */
interface Bet { client: number; tx: string; round: string; player: string; session: string }

/** The earlier calls the cases meet, each made alone and committed first: a bet of 1.00 (or `amount`), a win of 0.50, a rollback. */
const earlierBet = (b: Bet, options: { amount?: number; hash?: string } = {}) =>
  sql(`SELECT wallet_withdraw(?, ?, ?, ?, ?, 'EUR', 'slot-1', ?, ?, ?, NULL, false)`,
    [b.client, b.tx, options.hash ?? 'h', b.player, b.session, b.round, options.amount ?? 100, options.amount ?? 100]);
const earlierWin = (b: Bet, tx: string, hash = 'h') =>
  sql(`SELECT wallet_deposit(?, ?, ?, ?, 'EUR', 'slot-1', ?, 50, 50, NULL, false, ?)`, [b.client, tx, hash, b.player, b.round, b.tx]);
const earlierRollback = (b: Bet, tx: string, withdrawTx: string, hash = 'h') =>
  sql(`SELECT wallet_rollback(?, ?, ?, ?, 'EUR', 'slot-1', ?, ?)`, [b.client, tx, hash, b.player, b.round, withdrawTx]);

/** A player with 10.00 and one accepted bet under `client`, in a round of its own unless `round`; with `hub88`, on a Hub88 session. */
async function givenPlayerWithBet(name: string, client: number, options: { tx?: string; round?: string; hub88?: boolean } = {}): Promise<{ id: string; bet: Bet }> {
  const play = await givenPlay(t, uniqueId(name), '10');
  if (options.hub88) await sql(`UPDATE sessions SET aggregator = 'hub88' WHERE id = ?`, [play.sessionId]);
  const bet = { client, tx: options.tx ?? uniqueId('set-bet'), round: options.round ?? uniqueId('set-round'), player: play.playerId, session: play.sessionId };
  await earlierBet(bet);
  return { id: await internalId(play.playerId), bet };
}

const CASES: Case[] = [
  { name: 'accepted' },
  { name: 'accepted, closing its round', call: { finished: true } },
  { name: 'insufficient funds', call: { amount: 5000 } },
  { name: 'blocked', given: (id) => sql(`UPDATE players SET status = 'blocked' WHERE id = ?`, [id]) },
  { name: 'impeded', given: (id) => sql(`UPDATE players SET status = 'impeded' WHERE id = ?`, [id]) },
  { name: 'paused', given: (id) => sql(`UPDATE players SET paused_until = now() + interval '1 day' WHERE id = ?`, [id]) },
  { name: 'reality check', given: (id) => sql(`UPDATE players SET reality_check_pending = true WHERE id = ?`, [id]) },
  { name: 'another currency', call: { currency: 'USD' } },
  { name: 'expired session', given: (_id, play) => sql(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE id = ?`, [play.sessionId]) },
  { name: 'unknown session', call: { session: 'no-such-session' } },
  { name: 'disabled game', call: { game: 'set-off-game' } },
  { name: 'finished round', call: { round: 'set-closed' },
    given: (id) => sql(`INSERT INTO rounds (client_id, player_id, game_round_id, game_id, currency, closed_at) VALUES (?, ?, 'set-closed', 'slot-1', 'EUR', now())`, [clientId, id]) },
  { name: 'KYC suspended', given: (id) => sql(`UPDATE players SET kyc_status = 'suspended' WHERE id = ?`, [id]) },
  { name: 'KYC verified', given: (id) => sql(`UPDATE players SET kyc_status = 'verified' WHERE id = ?`, [id]) },
  { name: 'register clear', given: (id) => sql(`UPDATE players SET register_state = 'clear' WHERE id = ?`, [id]) },
  { name: 'register clear and KYC verified, with no limits', given: (id) => sql(`UPDATE players SET register_state = 'clear', kyc_status = 'verified' WHERE id = ?`, [id]) },
  { name: 'register clear and KYC verified, with a loss and a play-time limit',
    given: async (id) => {
      await sql(`UPDATE players SET register_state = 'clear', kyc_status = 'verified' WHERE id = ?`, [id]);
      await sql(`INSERT INTO player_limits (player_id, kind, amount) VALUES (?, 'loss_30d', 100000), (?, 'time_month', 600)`, [id, id]);
    } },
  { name: 'above the per-bet limit', given: (id) => givenLimits(id, [['bet_max', 50]]) },
  { name: 'a pending limit now in force',
    given: (id) => sql(`INSERT INTO player_limits (player_id, kind, amount, pending_amount, pending_effective_at) VALUES (?, 'bet_max', 500, 50, now() - interval '1 hour')`, [id]) },
  { name: 'over the loss limit', given: (id) => givenLimits(id, [['loss_24h', 1000]], { bets: 950 }) },
  { name: 'within the loss and play-time limits', given: (id) => givenLimits(id, [['loss_7d', 100000], ['time_week', 600]]) },
  // ten minutes played (ten bits), then eight
  { name: 'at the play-time limit', given: (id) => givenLimits(id, [['time_day', 10], ['loss_30d', 100000]], { played_minutes: 1023 }) },
  { name: 'at 80 % of the play-time limit: accepted, with an alert',
    given: (id) => givenLimits(id, [['time_day', 10], ['loss_24h', 100000]], { played_minutes: 255 }) },
  { name: 'at 80 % of the play-time limit and over the per-bet limit: refused, with no alert',
    given: (id) => givenLimits(id, [['time_day', 10], ['bet_max', 50]], { played_minutes: 255 }) },
  { name: 'two limits refusing: the per-bet one names it', given: (id) => givenLimits(id, [['loss_24h', 10], ['bet_max', 50]]) },
  { name: 'a replayed withdraw', call: { tx: 'set-prior', hash: 'h-prior' } },
  { name: 'a transactionId used for another request', call: { tx: 'set-prior', hash: 'h-other' } },
  { name: 'a withdraw already rolled back', call: { tx: 'set-tombstone' } },
  { name: 'an unknown player', call: { player: 'set-nobody' } },
  { name: 'a disabled api client', call: { client: -1 } },
];

type Call = Record<string, unknown>;
let calls: Call[];
let players: string[];
let depositCalls: Call[];
let depositPlayers: string[];

beforeAll(async () => {
  t = suite.t;
  clientId = (await t.db('api_clients').where({ public_key: 'fb-public-key' }).first()).id;
  disabledClientId = (await t.owner('api_clients').insert({ name: 'set-disabled', scheme: 'hmac-sha256', public_key: 'set-disabled', private_key: 'set-disabled-private-key-0123456', enabled: false })
    .returning<{ id: number }[]>('id'))[0].id;
  await sql(`INSERT INTO games (game_id, active) VALUES ('set-off-game', false)`);
  calls = [];
  players = [];
  for (const [i, c] of CASES.entries()) {
    const play = await givenPlay(t, uniqueId(`set-${i}`), c.balance ?? '10');
    const id = await internalId(play.playerId);
    players.push(id);
    await c.given?.(id, play);
    const tx = c.call?.tx === undefined ? uniqueId('set-tx') : `${c.call.tx}-${i}`;
    calls.push({
      kind: 'withdraw', client: c.call?.client === -1 ? disabledClientId : clientId, tx, hash: c.call?.hash ?? 'h-prior',
      player: c.call?.player ?? play.playerId, session: c.call?.session ?? play.sessionId, currency: c.call?.currency ?? 'EUR',
      game: c.call?.game ?? 'slot-1', round: c.call?.round ?? uniqueId('set-round'), amount: c.call?.amount ?? 100, cash: c.call?.amount ?? 100,
      jackpot: null, finished: c.call?.finished ?? false,
    });
  }
  // the earlier calls that the replay, duplicate and tombstone cases meet
  for (const call of calls) {
    const earlier = { client: clientId, tx: String(call.tx), round: String(call.round), player: String(call.player), session: String(call.session) };
    if (earlier.tx.startsWith('set-prior')) await earlierBet(earlier, { hash: 'h-prior' });
    if (earlier.tx.startsWith('set-tombstone')) await earlierRollback(earlier, `rb-${earlier.tx}`, earlier.tx, 'h-rb');
  }
});

const ALONE: Record<string, (c: Call) => [string, unknown[]]> = {
  withdraw: (c) => ['SELECT * FROM wallet_withdraw($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
    [c.client, c.tx, c.hash, c.player, c.session, c.currency, c.game, c.round, c.amount, c.cash, c.jackpot, c.finished]],
  deposit: (c) => ['SELECT * FROM wallet_deposit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
    [c.client, c.tx, c.hash, c.player, c.currency, c.game, c.round, c.amount, c.cash, c.jackpot, c.finished, c.withdrawTx]],
  rollback: (c) => ['SELECT * FROM wallet_rollback($1, $2, $3, $4, $5, $6, $7, $8)',
    [c.client, c.tx, c.hash, c.player, c.currency, c.game, c.round, c.withdrawTx]],
};

async function oneByOne(db: Client, batch: Call[]): Promise<unknown[]> {
  const answers = [];
  for (const [i, c] of batch.entries()) {
    const [text, values] = ALONE[String(c.kind)](c);
    answers.push({ r_index: i, ...(await db.query(text, values)).rows[0] });
  }
  return answers;
}

/** What one form answered and wrote, read inside its transaction. */
async function run(db: Client, form: 'set' | 'one by one', settings: string, batch: Call[], players: string[]): Promise<unknown> {
  await db.query('BEGIN');
  try {
    await db.query(`UPDATE wallet_settings SET ${settings}`);
    const answers = form === 'set'
      ? (await db.query('SELECT * FROM wallet_batch($1::jsonb) ORDER BY r_index', [JSON.stringify(batch)])).rows
      : await oneByOne(db, batch);
    const read = async (text: string) => (await db.query(text, [players])).rows;
    return {
      answers,
      // the movements in the order written (the tombstones, which move nothing, apart)
      movements: await read(`SELECT row_number() OVER (PARTITION BY kind = 'tombstone' ORDER BY id) AS n, transaction_id, kind, request_hash, player_id,
          game_id, game_round_id, currency, amount, cash_amount, jackpot_amount, round_finished, withdraw_transaction_id, rolled_back_by,
          response_status, response_code, response_reason, response_balance, debit_account_id, credit_account_id, debit_balance_after, credit_balance_after
        FROM wallet_transactions WHERE player_id = ANY ($1) AND created_at = now() ORDER BY kind = 'tombstone', id`),
      rolledBack: await read(`SELECT transaction_id, rolled_back_by FROM wallet_transactions
        WHERE player_id = ANY ($1) AND rolled_back_by IS NOT NULL ORDER BY transaction_id`),
      balances: await read(`SELECT id, balance FROM accounts WHERE player_id = ANY ($1) OR (kind = 'house' AND shard = pg_backend_pid() % 64) ORDER BY id`),
      rounds: await read(`SELECT client_id, player_id, game_round_id, game_id, currency, bets, withdraw_count, wins, deposit_count, refunds, rollback_count,
          closed_at IS NOT NULL AS closed
        FROM rounds WHERE player_id = ANY ($1) ORDER BY player_id, game_round_id`),
      activity: await read(`SELECT player_id, hour, bets, wins, refunds, played_minutes FROM player_activity_hourly WHERE player_id = ANY ($1) ORDER BY player_id, hour`),
      alerts: await read(`SELECT player_id, kind, period_start, played_minutes, limit_minutes FROM protection_alerts WHERE player_id = ANY ($1) ORDER BY player_id, kind`),
    };
  } finally {
    await db.query('ROLLBACK');
  }
}

/** Runs `use` on a connection of its own (one backend, so one house shard), closed afterwards. */
async function onOneConnection<T>(use: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: t.ownerUrl });
  await db.connect();
  try {
    return await use(db);
  } finally {
    await db.end();
  }
}

/** Runs the calls as a batch and one by one from the same state, expects both to answer and write the same, and gives the answers. */
function expectBothFormsAlike(settings: string, batch: Call[], players: string[]): Promise<{ r_status: number; r_code: string | null }[]> {
  return onOneConnection(async (db) => {
    const together = await run(db, 'set', settings, batch, players);
    expect(together).toEqual(await run(db, 'one by one', settings, batch, players));
    return (together as { answers: { r_status: number; r_code: string | null }[] }).answers;
  });
}

describe('a batch of withdraws as one set', () => {
  it.each([
    ['by default', 'jurisdiction = NULL, kyc_required = false'],
    ["under Brazil's rules, with KYC required", "jurisdiction = 'BR', kyc_required = true"],
  ])('answers and writes exactly what the calls one by one do, rule by rule (%s)', async (_name, settings) => {
    const answers = await expectBothFormsAlike(settings, calls, players);
    expect(answers.filter((a) => a.r_status === 200).length).toBeGreaterThan(0);
    expect(new Set(answers.map((a) => a.r_code)).size).toBeGreaterThan(6);
  });

  it('a batch in which a player appears twice runs each call alone, in order', async () => {
    const twice = [...calls.slice(0, 4), { ...calls[0], tx: uniqueId('set-again'), round: uniqueId('set-round') }];
    const answers = await onOneConnection(async (db) => {
      await db.query('BEGIN');
      const { rows } = await db.query('SELECT * FROM wallet_batch($1::jsonb) ORDER BY r_index', [JSON.stringify(twice)]);
      await db.query('ROLLBACK');
      return rows;
    });
    expect(answers[0]).toMatchObject({ r_status: 200, r_balance: '900' });
    expect(answers[4]).toMatchObject({ r_status: 200, r_balance: '800' });
  });
});

/** A win's case: `bet` is the player's earlier bet (made in its own round), or what the win names instead. */
interface DepositCase {
  name: string;
  call?: (bet: Bet) => Partial<Call>;
  given?: (bet: Bet) => Promise<unknown>;
}

const DEPOSIT_CASES: DepositCase[] = [
  { name: 'the win of a bet' },
  { name: 'the win of a bet, closing its round', call: () => ({ finished: true }) },
  { name: 'another currency', call: () => ({ currency: 'USD' }) },
  { name: 'a promotion win naming no bet', call: () => ({ withdrawTx: null, round: uniqueId('set-promo') }) },
  { name: 'a promotion win naming no round', call: () => ({ withdrawTx: null, round: null }) },
  { name: 'a win naming no known bet', call: () => ({ withdrawTx: 'set-no-such-bet' }) },
  { name: "a win naming another player's bet", call: () => ({ withdrawTx: 'set-first-bet' }) },
  { name: 'a win of a bet in another round', call: () => ({ round: 'set-other-round' }) },
  { name: 'a win leaving out its round and game', call: () => ({ round: null, game: null }) },
  { name: 'a win of a bet rolled back',
    given: (b) => earlierRollback(b, uniqueId('set-rb'), b.tx, 'h-rb') },
  { name: 'a win of a bet rolled back before it arrived', call: () => ({ withdrawTx: 'set-tombstone-bet' }),
    given: (b) => earlierRollback(b, uniqueId('set-rb'), 'set-tombstone-bet', 'h-rb') },
  { name: 'a win of a refused bet', call: () => ({ withdrawTx: 'set-refused-bet' }),
    given: (b) => earlierBet({ ...b, tx: 'set-refused-bet' }, { amount: 999999 }) },
  { name: 'a replayed win', call: () => ({ tx: 'set-prior-win', hash: 'h-win' }),
    given: (b) => earlierWin(b, 'set-prior-win', 'h-win') },
  { name: 'a win under an id used for another request', call: () => ({ tx: 'set-prior-win-2', hash: 'h-other' }),
    given: (b) => earlierWin(b, 'set-prior-win-2', 'h-win') },
  { name: 'a win under the id of a bet', call: (b) => ({ tx: b.tx }) },
  { name: 'an unknown player', call: () => ({ player: 'set-nobody' }) },
  { name: 'a disabled api client', call: () => ({ client: -1 }) },
];

beforeAll(async () => {
  depositCalls = [];
  depositPlayers = [];
  for (const [i, c] of DEPOSIT_CASES.entries()) {
    const { id, bet } = await givenPlayerWithBet(`set-win-${i}`, clientId, { tx: i === 0 ? 'set-first-bet' : undefined });
    depositPlayers.push(id);
    await c.given?.(bet);
    depositCalls.push(asSent({
      kind: 'deposit', client: clientId, tx: uniqueId('set-win'), hash: 'h', player: bet.player, currency: 'EUR', game: 'slot-1',
      round: bet.round, amount: 250, cash: 250, jackpot: null, finished: false, withdrawTx: bet.tx, ...c.call?.(bet),
    }));
  }
});

describe('a batch of deposits as one set', () => {
  it('answers and writes exactly what the calls one by one do, rule by rule', async () => {
    const answers = await expectBothFormsAlike('jurisdiction = NULL', depositCalls, depositPlayers);
    expect(answers.filter((a) => a.r_status === 200).length).toBeGreaterThan(3);
    expect(new Set(answers.map((a) => a.r_code)).size).toBeGreaterThan(4);
  });
});

/**
 * A rollback's case: `bet` is the player's earlier bet (made in its own round, under the Fizzy Bubbly client or, for
 * `hub88`, the Hub88 one), or what the rollback names instead.
 */
interface RollbackCase {
  name: string;
  hub88?: boolean;
  /** `bet.i` is the case's index, which names its earlier calls. */
  call?: (bet: Bet & { i: number }) => Partial<Call>;
  given?: (bet: Bet & { i: number }) => Promise<unknown>;
}

const ROLLBACK_CASES: RollbackCase[] = [
  { name: 'the rollback of a bet' },
  { name: 'the rollback of a bet, leaving out its round, game and currency', call: () => ({ round: null, game: null, currency: null }) },
  { name: 'the rollback of a bet not yet seen: a tombstone', call: (b) => ({ withdrawTx: `set-unseen-${b.i}` }) },
  { name: 'another currency', call: () => ({ currency: 'USD' }) },
  { name: 'a rollback naming itself', call: (b) => ({ tx: `set-self-${b.i}`, withdrawTx: `set-self-${b.i}` }) },
  { name: "a rollback naming another player's bet", call: () => ({ withdrawTx: 'set-other-bet' }) },
  { name: 'a rollback of a bet in another round', call: () => ({ round: 'set-other-round' }) },
  { name: 'a rollback naming a win', call: (b) => ({ withdrawTx: `set-win-${b.i}` }), given: (b) => earlierWin(b, `set-win-${b.i}`) },
  { name: 'a rollback naming a rollback', call: (b) => ({ withdrawTx: `set-rb-${b.i}` }), given: (b) => earlierRollback(b, `set-rb-${b.i}`, b.tx) },
  { name: 'the rollback of a bet whose round received a deposit', given: (b) => earlierWin(b, `set-win-${b.i}`) },
  { name: 'the rollback of a bet rolled back already: moves nothing', given: (b) => earlierRollback(b, `set-rb-${b.i}`, b.tx) },
  { name: 'the rollback of a bet rolled back before it arrived: moves nothing', call: (b) => ({ withdrawTx: `set-ts-${b.i}` }),
    given: (b) => earlierRollback(b, `set-rb-${b.i}`, `set-ts-${b.i}`) },
  { name: 'the rollback of a refused bet: moves nothing', call: (b) => ({ withdrawTx: `set-refused-${b.i}` }),
    given: (b) => earlierBet({ ...b, tx: `set-refused-${b.i}` }, { amount: 999999 }) },
  { name: 'a replayed rollback', call: (b) => ({ tx: `set-rb-${b.i}`, hash: 'h' }), given: (b) => earlierRollback(b, `set-rb-${b.i}`, b.tx) },
  { name: 'a rollback under an id used for another request', call: (b) => ({ tx: `set-rb-${b.i}`, hash: 'h-other' }), given: (b) => earlierRollback(b, `set-rb-${b.i}`, b.tx) },
  { name: 'a rollback under the id of a bet', call: (b) => ({ tx: b.tx, withdrawTx: `set-unseen-${b.i}` }) },
  { name: 'an unknown player', call: () => ({ player: 'set-nobody' }) },
  { name: 'a disabled api client', call: () => ({ client: -1 }) },
  { name: 'Hub88: the rollback of a bet whose round received a deposit', hub88: true, given: (b) => earlierWin(b, `set-win-${b.i}`) },
  { name: 'Hub88: a rollback naming a win moves nothing', hub88: true, call: (b) => ({ withdrawTx: `set-win-${b.i}` }), given: (b) => earlierWin(b, `set-win-${b.i}`) },
  { name: 'Hub88: a rollback naming a rollback moves nothing', hub88: true, call: (b) => ({ withdrawTx: `set-rb-${b.i}` }), given: (b) => earlierRollback(b, `set-rb-${b.i}`, b.tx) },
];

let rollbackCalls: Call[];
let rollbackPlayers: string[];
/** A player outside the cases, with one bet (set-other-bet) in round set-other-round. */
let otherPlayer: { playerId: string; id: string };

beforeAll(async () => {
  const hub88ClientId = (await givenHub88(t, 'set-hub88')).clientId;
  const other = await givenPlayerWithBet('set-rb-other', clientId, { tx: 'set-other-bet', round: 'set-other-round' });
  otherPlayer = { playerId: other.bet.player, id: other.id };
  rollbackCalls = [];
  rollbackPlayers = [];
  for (const [i, c] of ROLLBACK_CASES.entries()) {
    const { id, bet } = await givenPlayerWithBet(`set-rb-${i}`, c.hub88 ? hub88ClientId : clientId, { hub88: c.hub88 });
    rollbackPlayers.push(id);
    const named = { ...bet, i };
    await c.given?.(named);
    rollbackCalls.push(asSent({
      kind: 'rollback', client: bet.client, tx: uniqueId('set-rb'), hash: 'h', player: bet.player, currency: 'EUR', game: 'slot-1',
      round: bet.round, withdrawTx: bet.tx, ...c.call?.(named),
    }));
  }
});

describe('a batch of rollbacks as one set', () => {
  it('answers and writes exactly what the calls one by one do, rule by rule', async () => {
    const answers = await expectBothFormsAlike('jurisdiction = NULL', rollbackCalls, rollbackPlayers);
    expect(answers.filter((a) => a.r_status === 200).length).toBeGreaterThan(8);
    expect(new Set(answers.map((a) => a.r_code)).size).toBeGreaterThan(4);
  });

  it.each([
    ['names a withdraw another call names too', (calls: Call[]) => calls[2].withdrawTx],
    ['names another call', (calls: Call[]) => calls[0].tx],
  ])('a rollback that %s runs alone, after the set, with the answer it gets one by one', async (_name, named) => {
    const batch = [...rollbackCalls.slice(0, 5), { ...rollbackCalls[0], tx: uniqueId('set-rb'), player: otherPlayer.playerId, withdrawTx: named(rollbackCalls) }];
    const answers = await expectBothFormsAlike('jurisdiction = NULL', batch, [...rollbackPlayers, otherPlayer.id]);
    expect(answers[5]).toMatchObject({ r_status: 400 });
  });
});
