import { createHash, generateKeyPairSync } from 'node:crypto';
import { Knex } from 'knex';
import { Pool } from 'pg';
import { playerId, sessionId } from './scenarios';
import { Recorder, ScenarioStats } from './stats';

export const BENCH_CLIENT = { publicKey: 'bench-aggregator', privateKey: 'bench-private-key-0123456789abcdef' };
/** Hub88's side of the hub88-withdraw scenario: a key pair made for the run, its public half registered as Hub88's. */
const hub88Pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const BENCH_HUB88 = {
  privateKeyPem: hub88Pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  publicKeyPem: hub88Pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};
const SEED_MINOR = 100_000_000n; // 1,000,000.00 EUR each: no bet of the run can be refused for funds

/** Players bench-0 … bench-(n-1) with a session each, funded through the ledger, and the bench api client. */
export async function seed(db: Knex, players: number): Promise<number> {
  await db.transaction(async (trx) => {
    await trx.raw(`SELECT ledger_ensure_currency('EUR')`);
    await trx.raw(`INSERT INTO players (external_id, currency) SELECT 'bench-' || i, 'EUR' FROM generate_series(0, ? - 1) AS i`, [players]);
    await trx.raw(`INSERT INTO accounts (kind, currency, player_id, allow_negative)
                   SELECT 'player_cash', 'EUR', id, false FROM players WHERE external_id LIKE 'bench-%'`);
    await trx.raw(`INSERT INTO sessions (id, player_id, expires_at)
                   SELECT 'bench-session-' || substr(external_id, 7), id, now() + interval '1 day'
                   FROM players WHERE external_id LIKE 'bench-%'`);
    await trx.raw(`INSERT INTO sessions (id, player_id, expires_at, aggregator)
                   SELECT 'bench-hub88-session-' || substr(external_id, 7), id, now() + interval '1 day', 'hub88'
                   FROM players WHERE external_id LIKE 'bench-%'`);
    await trx.raw(
      `SELECT count(ledger_transfer('bench-seed:' || a.id, 'topup', ledger_system_account('operator_funding', 'EUR'), a.id, ?))
       FROM accounts a JOIN players p ON p.id = a.player_id WHERE p.external_id LIKE 'bench-%'`,
      [SEED_MINOR.toString()],
    );
  });
  const [client] = await db('api_clients')
    .insert({ name: 'bench', scheme: 'hmac-sha256', public_key: BENCH_CLIENT.publicKey, private_key: BENCH_CLIENT.privateKey })
    .returning<{ id: number }[]>('id');
  await db('api_clients').insert({ name: 'bench-hub88', scheme: 'hub88-rsa-sha256', aggregator: 'hub88', public_key: BENCH_HUB88.publicKeyPem });
  await db.raw('ANALYZE');
  return client.id;
}

/**
 * BENCH_JURISDICTION=BR: every bench player cleared by the register, with the loss and play-time limits Brazil
 * requires (a month of each, so the widest window), and a sweep just begun so none falls due during the run.
 */
export async function seedBrazilRules(db: Knex): Promise<void> {
  await db.raw(`
    UPDATE wallet_settings SET jurisdiction = 'BR', time_zone = 'America/Sao_Paulo';
    UPDATE players SET register_state = 'clear' WHERE external_id LIKE 'bench-%';
    INSERT INTO player_limits (player_id, kind, amount)
    SELECT p.id, l.kind, l.amount FROM players p, (VALUES ('loss_30d', ${SEED_MINOR * 10n}), ('time_month', 44640)) AS l (kind, amount)
    WHERE p.external_id LIKE 'bench-%';
    INSERT INTO register_sweeps (id, started_at, finished_at, total, done) VALUES (gen_random_uuid(), now(), now(), 0, 0);
    ANALYZE players, player_limits;`);
}

/**
 * The ceiling: the least work a durable bet can be. One statement: a conditional debit of the player's row and one
 * ledger insert, committed with the server's settings (synchronous_commit on). Its own two tables, so that it never
 * touches the wallet's ledger; the README prints this SQL.
 */
export const MINIMAL_BET_SQL = `WITH debit AS (
  UPDATE bench_minimal_accounts SET balance = balance - $2 WHERE id = $1 AND balance >= $2 RETURNING id, balance)
INSERT INTO bench_minimal_entries (account_id, amount, balance_after) SELECT id, $2, balance FROM debit`;

export async function seedMinimalBet(db: Knex, players: number): Promise<void> {
  await db.raw(`
    CREATE TABLE IF NOT EXISTS bench_minimal_accounts (id bigint PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
    CREATE TABLE IF NOT EXISTS bench_minimal_entries (id bigserial PRIMARY KEY, account_id bigint NOT NULL, amount bigint NOT NULL,
      balance_after bigint NOT NULL);
    INSERT INTO bench_minimal_accounts SELECT i, ${SEED_MINOR} FROM generate_series(0, ${players - 1}) AS i ON CONFLICT DO NOTHING;
    ANALYZE bench_minimal_accounts;`);
}

export interface PoolRun {
  clientId: number;
  players: number;
  connections: number;
  seconds: number;
  /** Every call on player 0, or spread over the others. */
  hot: boolean;
  stakeMinor: number;
  idPrefix?: string;
  /** Called as the clock starts: after the connections are open and the checkpoint is done. */
  atStart?: () => void;
}

/** The n-th call's player and id: player 0 when hot, else spread over the others. */
function nth(options: PoolRun, label: string, n: number): { player: number; id: string } {
  return { player: options.hot ? 0 : 1 + (n % (options.players - 1)), id: `${options.idPrefix ?? ''}${options.hot ? 'dbh' : 'dbs'}-${label}-${n}` };
}

/**
 * Writes every dirty page out before a run (CHECKPOINT), so that no run pays for the WAL and dirty pages of the
 * runs before it: in a full run PostgreSQL's first checkpoint (max_wal_size) and the writes around it fell on
 * withdraw @64's clock, and froze every call in flight for 55-80 ms at a time, while the ceiling, measured first on
 * an empty database, never met one. Every run, the ceiling's included, now starts the same way. Skipped where the
 * bench's role may not checkpoint (an outside database without pg_checkpoint).
 */
export async function checkpoint(run: (sql: string) => Promise<unknown>): Promise<void> {
  try {
    await run('CHECKPOINT');
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
  }
}

/** Runs `step` on every connection of a pool, over and over for `seconds`; each step records its calls. */
async function onPoolFor(url: string, options: PoolRun, step: (pool: Pool, recorder: Recorder, next: () => number) => Promise<void>): Promise<ScenarioStats> {
  const pool = new Pool({ connectionString: url, max: options.connections });
  // the clock starts with every connection open, as the HTTP runs' does (bench/load.ts, warmUp), after a checkpoint
  const clients = await Promise.all(Array.from({ length: options.connections }, () => pool.connect()));
  await checkpoint((sql) => clients[0].query(sql));
  for (const client of clients) client.release();
  const recorder = new Recorder();
  options.atStart?.();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(options.seconds * 1e9));
  let counter = 0;
  const next = () => counter++;
  const worker = async () => {
    while (process.hrtime.bigint() < deadline) await step(pool, recorder, next);
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.end();
  return recorder.summary(seconds);
}

/** Calls one prepared statement from a pool of `connections` for `seconds`; `call` gives its values for call n. */
function drivePool(url: string, options: PoolRun, statement: { name: string; text: string }, call: (n: number, player: number, id: string) => unknown[],
  succeeded: (row: Record<string, unknown> | undefined) => { ok: boolean; code?: string }): Promise<ScenarioStats> {
  return onPoolFor(url, options, async (pool, recorder, next) => {
    const n = next();
    const { player, id } = nth(options, statement.name, n);
    const sent = process.hrtime.bigint();
    const result = await pool.query({ ...statement, values: call(n, player, id) });
    const outcome = succeeded(result.rows[0] ?? (result.rowCount === 1 ? {} : undefined));
    recorder.record(Number(process.hrtime.bigint() - sent) / 1e6, outcome.ok, id, outcome.code);
  });
}

/** The ceiling (MINIMAL_BET_SQL) from a pool: spread over the players, or all on one row. */
export function minimalBetLimit(url: string, options: PoolRun): Promise<ScenarioStats> {
  return drivePool(url, options, { name: 'bench_minimal_bet', text: MINIMAL_BET_SQL }, (_n, player) => [player, options.stakeMinor],
    (row) => ({ ok: row !== undefined, code: row === undefined ? 'NOT_DEBITED' : undefined }));
}

/**
 * The routine's own limit: the very routine the server calls for POST /wallet/withdraw (lock, checks, conditional
 * debit, transfer, round, activity, stored answer), prepared, from a pool, no HTTP, no JSON, no signature.
 */
export function routineLimit(url: string, options: PoolRun): Promise<ScenarioStats> {
  return drivePool(url, options, { name: 'bench_wallet_withdraw', text: 'SELECT * FROM wallet_withdraw($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)' },
    (_n, player, id) => [options.clientId, id, createHash('sha256').update(id).digest('hex'), playerId(player), sessionId(player), 'EUR', 'bench-slot',
      `r-${id}`, options.stakeMinor, options.stakeMinor, null, false],
    (row) => ({ ok: row?.r_status === 200, code: (row?.r_code as string | undefined) ?? undefined }));
}

/**
 * The routine as the server's group commit runs it: `batch` withdraws per round trip and commit (wallet_batch),
 * from a pool. Figures count calls, not batches; each call's latency is its batch's.
 */
export function batchedRoutineLimit(url: string, options: PoolRun & { batch: number }): Promise<ScenarioStats> {
  return onPoolFor(url, options, async (pool, recorder, next) => {
    const calls = Array.from({ length: options.batch }, () => {
      const { player, id: tx } = nth(options, 'batch', next());
      return { kind: 'withdraw', client: options.clientId, tx, hash: createHash('sha256').update(tx).digest('hex'), player: playerId(player),
        session: sessionId(player), currency: 'EUR', game: 'bench-slot', round: `r-${tx}`, amount: options.stakeMinor, cash: options.stakeMinor,
        jackpot: null, finished: false };
    });
    const sent = process.hrtime.bigint();
    const result = await pool.query({ name: 'bench_wallet_batch', text: 'SELECT * FROM wallet_batch($1::jsonb)', values: [JSON.stringify(calls)] });
    const ms = Number(process.hrtime.bigint() - sent) / 1e6;
    for (const row of result.rows) recorder.record(ms, row.r_status === 200, calls[row.r_index].tx, row.r_code ?? undefined);
  });
}

/** Movements the wallet made for aggregator calls, and the accepted calls that should each have made one. */
export async function movementCounts(db: Knex): Promise<{ movements: number; acceptedCalls: number }> {
  const result = await db.raw<{ rows: { movements: string; accepted: string }[] }>(`
    SELECT (SELECT count(*) FROM ledger_movements WHERE kind IN ('bet', 'win', 'refund')) AS movements,
           (SELECT count(*) FROM wallet_transactions WHERE response_status = 200 AND amount IS NOT NULL) AS accepted`);
  return { movements: Number(result.rows[0].movements), acceptedCalls: Number(result.rows[0].accepted) };
}
