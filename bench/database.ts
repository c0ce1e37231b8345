import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { Pool } from 'pg';
import { playerId, sessionId } from './scenarios';
import { Recorder, ScenarioStats } from './stats';

export const BENCH_CLIENT = { publicKey: 'bench-aggregator', privateKey: 'bench-private-key-0123456789abcdef' };
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
    await trx.raw(
      `SELECT count(ledger_transfer('bench-seed:' || a.id, 'topup', ledger_system_account('operator_funding', 'EUR'), a.id, ?))
       FROM accounts a JOIN players p ON p.id = a.player_id WHERE p.external_id LIKE 'bench-%'`,
      [SEED_MINOR.toString()],
    );
  });
  const [client] = await db('api_clients')
    .insert({ name: 'bench', scheme: 'hmac-sha256', public_key: BENCH_CLIENT.publicKey, private_key: BENCH_CLIENT.privateKey })
    .returning<{ id: number }[]>('id');
  await db.raw('ANALYZE');
  return client.id;
}

/**
 * The database's own limit for the work of a bet: the very routine the server calls for POST /wallet/withdraw
 * (lock, checks, conditional debit, transfer, round, activity, stored answer), from a pool, committed durably,
 * no HTTP, no JSON, no signature.
 */
export async function databaseLimit(
  url: string,
  options: { clientId: number; players: number; connections: number; seconds: number; hot: boolean; stakeMinor: number; idPrefix?: string },
): Promise<ScenarioStats> {
  const pool = new Pool({ connectionString: url, max: options.connections });
  const recorder = new Recorder();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(options.seconds * 1e9));
  let counter = 0;
  const worker = async () => {
    while (process.hrtime.bigint() < deadline) {
      const n = counter++;
      const player = options.hot ? 0 : 1 + (n % (options.players - 1));
      const id = `${options.idPrefix ?? ''}${options.hot ? 'dbh' : 'dbs'}-${n}`;
      const hash = createHash('sha256').update(id).digest('hex');
      const sent = process.hrtime.bigint();
      const result = await pool.query(
        'SELECT * FROM wallet_withdraw($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
        [options.clientId, id, hash, playerId(player), sessionId(player), 'EUR', 'bench-slot', `r-${id}`,
          options.stakeMinor, options.stakeMinor, null, false],
      );
      const row = result.rows[0];
      recorder.record(Number(process.hrtime.bigint() - sent) / 1e6, row.r_status === 200, id, row.r_code ?? undefined);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.end();
  return recorder.summary(seconds);
}

/** Movements the wallet made for aggregator calls, and the accepted calls that should each have made one. */
export async function movementCounts(db: Knex): Promise<{ movements: number; acceptedCalls: number }> {
  const result = await db.raw<{ rows: { movements: string; accepted: string }[] }>(`
    SELECT (SELECT count(*) FROM transfers WHERE kind IN ('bet', 'win', 'refund')) AS movements,
           (SELECT count(*) FROM wallet_transactions WHERE response_status = 200 AND transfer_id IS NOT NULL) AS accepted`);
  return { movements: Number(result.rows[0].movements), acceptedCalls: Number(result.rows[0].accepted) };
}
