import { createHash } from 'node:crypto';
import { Knex } from 'knex';

export interface WalletOutcome {
  status: number;
  code: string | null;
  reason: string | null;
  balance: bigint | null;
  currency: string | null;
}

export interface BalanceQuery {
  playerId: string;
  sessionId: string;
  currency: string;
}

export interface WithdrawCommand extends BalanceQuery {
  transactionId: string;
  gameId: string;
  gameRoundId: string;
  amount: bigint;
  cashAmount: bigint;
  jackpotAmount: bigint | null;
  isGameRoundFinished: boolean;
}

export interface DepositCommand extends WithdrawCommand {
  withdrawTransactionId: string;
}

export interface RollbackCommand extends BalanceQuery {
  transactionId: string;
  gameId: string;
  gameRoundId: string;
  withdrawTransactionId: string;
}

interface OutcomeRow {
  r_status: number;
  r_code: string | null;
  r_reason: string | null;
  r_balance: string | null;
  r_currency: string | null;
}

/**
 * What makes two requests "the same" for idempotency: the parsed fields that decide money and rounds,
 * amounts as exact minor units, field order irrelevant. The session is left out: a retry may carry a newer one.
 */
function requestHash(kind: string, fields: (string | bigint | boolean | null)[]): string {
  const canonical = JSON.stringify([kind, ...fields.map((f) => (typeof f === 'bigint' ? f.toString() : f))]);
  return createHash('sha256').update(canonical).digest('hex');
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: OutcomeRow[] }>;
}

/** A routine called as a named prepared statement: parsed and planned once per connection, not per call. */
interface Routine {
  name: string;
  text: string;
}

function routine(name: string, parameters: number): Routine {
  const placeholders = Array.from({ length: parameters }, (_, i) => `$${i + 1}`).join(', ');
  return { name, text: `SELECT * FROM ${name}(${placeholders})` };
}

const ROUTINES = {
  balance: routine('wallet_balance', 4),
  withdraw: routine('wallet_withdraw', 12),
  deposit: routine('wallet_deposit', 12),
  rollback: routine('wallet_rollback', 8),
};

async function runOnce(db: Knex, r: Routine, values: unknown[]): Promise<OutcomeRow> {
  const connection = (await db.client.acquireConnection()) as PgConnection;
  try {
    return (await connection.query({ name: r.name, text: r.text, values })).rows[0];
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/**
 * Calls one wallet routine. Calls of one player are serialised by the database; the only race left is one
 * transactionId sent for two players at once, where the loser hits the unique key and is answered on the
 * second try from the stored row.
 */
async function callRoutine(db: Knex, r: Routine, values: unknown[]): Promise<WalletOutcome> {
  let row: OutcomeRow;
  try {
    row = await runOnce(db, r, values);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    row = await runOnce(db, r, values);
  }
  return {
    status: row.r_status,
    code: row.r_code,
    reason: row.r_reason,
    balance: row.r_balance === null ? null : BigInt(row.r_balance),
    currency: row.r_currency,
  };
}

export function balance(db: Knex, clientId: number, q: BalanceQuery): Promise<WalletOutcome> {
  return callRoutine(db, ROUTINES.balance, [clientId, q.playerId, q.sessionId, q.currency]);
}

export function withdraw(db: Knex, clientId: number, c: WithdrawCommand): Promise<WalletOutcome> {
  const hash = requestHash('withdraw', [c.playerId, c.currency, c.gameId, c.gameRoundId, c.amount, c.cashAmount,
    c.jackpotAmount, c.isGameRoundFinished]);
  return callRoutine(db, ROUTINES.withdraw, [
    clientId, c.transactionId, hash, c.playerId, c.sessionId, c.currency, c.gameId, c.gameRoundId,
    c.amount.toString(), c.cashAmount.toString(), c.jackpotAmount?.toString() ?? null, c.isGameRoundFinished,
  ]);
}

export function deposit(db: Knex, clientId: number, c: DepositCommand): Promise<WalletOutcome> {
  const hash = requestHash('deposit', [c.playerId, c.currency, c.gameId, c.gameRoundId, c.amount, c.cashAmount,
    c.jackpotAmount, c.isGameRoundFinished, c.withdrawTransactionId]);
  return callRoutine(db, ROUTINES.deposit, [
    clientId, c.transactionId, hash, c.playerId, c.currency, c.gameId, c.gameRoundId, c.amount.toString(),
    c.cashAmount.toString(), c.jackpotAmount?.toString() ?? null, c.isGameRoundFinished, c.withdrawTransactionId,
  ]);
}

export function rollback(db: Knex, clientId: number, c: RollbackCommand): Promise<WalletOutcome> {
  const hash = requestHash('rollback', [c.playerId, c.currency, c.gameId, c.gameRoundId, c.withdrawTransactionId]);
  return callRoutine(db, ROUTINES.rollback, [
    clientId, c.transactionId, hash, c.playerId, c.currency, c.gameId, c.gameRoundId, c.withdrawTransactionId,
  ]);
}
