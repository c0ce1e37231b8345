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

/**
 * Calls one wallet routine. Calls of one player are serialised by the database; the only race left is one
 * transactionId sent for two players at once, where the loser hits the unique key and is answered on the
 * second try from the stored row.
 */
async function callRoutine(db: Knex, sql: string, bindings: unknown[]): Promise<WalletOutcome> {
  let result: { rows: OutcomeRow[] };
  try {
    result = await db.raw(sql, bindings as Knex.RawBinding[]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    result = await db.raw(sql, bindings as Knex.RawBinding[]);
  }
  const row = result.rows[0];
  return {
    status: row.r_status,
    code: row.r_code,
    reason: row.r_reason,
    balance: row.r_balance === null ? null : BigInt(row.r_balance),
    currency: row.r_currency,
  };
}

export function balance(db: Knex, clientId: number, q: BalanceQuery): Promise<WalletOutcome> {
  return callRoutine(db, 'SELECT * FROM wallet_balance(?, ?, ?, ?)', [clientId, q.playerId, q.sessionId, q.currency]);
}

export function withdraw(db: Knex, clientId: number, c: WithdrawCommand): Promise<WalletOutcome> {
  const hash = requestHash('withdraw', [c.playerId, c.currency, c.gameId, c.gameRoundId, c.amount, c.cashAmount,
    c.jackpotAmount, c.isGameRoundFinished]);
  return callRoutine(db, 'SELECT * FROM wallet_withdraw(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
    clientId, c.transactionId, hash, c.playerId, c.sessionId, c.currency, c.gameId, c.gameRoundId,
    c.amount.toString(), c.cashAmount.toString(), c.jackpotAmount?.toString() ?? null, c.isGameRoundFinished,
  ]);
}

export function deposit(db: Knex, clientId: number, c: DepositCommand): Promise<WalletOutcome> {
  const hash = requestHash('deposit', [c.playerId, c.currency, c.gameId, c.gameRoundId, c.amount, c.cashAmount,
    c.jackpotAmount, c.isGameRoundFinished, c.withdrawTransactionId]);
  return callRoutine(db, 'SELECT * FROM wallet_deposit(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
    clientId, c.transactionId, hash, c.playerId, c.currency, c.gameId, c.gameRoundId, c.amount.toString(),
    c.cashAmount.toString(), c.jackpotAmount?.toString() ?? null, c.isGameRoundFinished, c.withdrawTransactionId,
  ]);
}

export function rollback(db: Knex, clientId: number, c: RollbackCommand): Promise<WalletOutcome> {
  const hash = requestHash('rollback', [c.playerId, c.currency, c.gameId, c.gameRoundId, c.withdrawTransactionId]);
  return callRoutine(db, 'SELECT * FROM wallet_rollback(?, ?, ?, ?, ?, ?, ?, ?)', [
    clientId, c.transactionId, hash, c.playerId, c.currency, c.gameId, c.gameRoundId, c.withdrawTransactionId,
  ]);
}
