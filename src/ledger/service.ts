import { Knex } from 'knex';

export type AccountKind = 'player_cash' | 'house' | 'operator_funding' | 'corrections' | 'payout_in_flight' | 'payout_settled' | 'approval_hold' | 'unclaimed';

export type LedgerFailure = 'insufficient_funds' | 'idempotency_conflict';

export class LedgerError extends Error {
  constructor(readonly reason: LedgerFailure, message: string) {
    super(message);
  }
}

export interface Transfer {
  id: string;
  kind: string;
  currency: string;
  amount: bigint;
  debitAccountId: string;
  creditAccountId: string;
  debitBalanceAfter: bigint;
  creditBalanceAfter: bigint;
  createdAt: Date;
}

export interface TransferRequest {
  /** Unique across the ledger: applying the same key twice is refused by the database. */
  key: string;
  kind: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  reference?: string;
}

interface TransferRow {
  id: string;
  kind: string;
  currency: string;
  amount: string;
  debit_account_id: string;
  credit_account_id: string;
  debit_balance_after: string;
  credit_balance_after: string;
  created_at: Date;
}

function toTransfer(row: TransferRow): Transfer {
  return {
    id: row.id,
    kind: row.kind,
    currency: row.currency,
    amount: BigInt(row.amount),
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    debitBalanceAfter: BigInt(row.debit_balance_after),
    creditBalanceAfter: BigInt(row.credit_balance_after),
    createdAt: row.created_at,
  };
}

function isBalanceFloorViolation(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23514' && e.constraint === 'accounts_balance_floor';
}

/** Moves money between two accounts inside the caller's transaction; one transfer row, both balances updated. */
export async function transfer(trx: Knex.Transaction, request: TransferRequest): Promise<Transfer> {
  try {
    const result = await trx.raw<{ rows: TransferRow[] }>('SELECT * FROM ledger_transfer(?, ?, ?, ?, ?, ?)', [
      request.key,
      request.kind,
      request.debitAccountId,
      request.creditAccountId,
      request.amount.toString(),
      request.reference ?? null,
    ]);
    return toTransfer(result.rows[0]);
  } catch (error) {
    if (isBalanceFloorViolation(error)) {
      throw new LedgerError('insufficient_funds', 'the account does not hold enough funds');
    }
    throw error;
  }
}

/** Creates the system accounts of a currency (house shards, funding, corrections, payouts) if missing. */
export async function ensureCurrencyAccounts(trx: Knex.Transaction, currency: string): Promise<void> {
  await trx.raw('SELECT ledger_ensure_currency(?)', [currency]);
}

export async function openPlayerAccount(trx: Knex.Transaction, playerId: string, currency: string): Promise<string> {
  await ensureCurrencyAccounts(trx, currency);
  const [row] = await trx('accounts')
    .insert({ kind: 'player_cash', currency, player_id: playerId, allow_negative: false })
    .returning<{ id: string }[]>('id');
  return row.id;
}

export async function systemAccount(trx: Knex | Knex.Transaction, kind: AccountKind, currency: string): Promise<string> {
  const result = await trx.raw<{ rows: { id: string }[] }>('SELECT ledger_system_account(?, ?) AS id', [kind, currency]);
  const id = result.rows[0]?.id;
  if (!id) throw new Error(`no ${kind} account for ${currency}`);
  return id;
}

export interface StatementLine {
  transferId: string;
  kind: string;
  amount: bigint;
  balanceAfter: bigint;
  reference: string | null;
  createdAt: Date;
}

/** An account's movements, newest first, each signed from the account's side with the balance after it. */
export async function accountStatement(
  db: Knex,
  accountId: string,
  limit: number,
  beforeTransferId?: string,
): Promise<StatementLine[]> {
  const result = await db.raw<{ rows: (TransferRow & { reference: string | null })[] }>(
    `SELECT * FROM (
       (SELECT * FROM transfers WHERE debit_account_id = :account AND (CAST(:before AS bigint) IS NULL OR id < :before)
        ORDER BY id DESC LIMIT :limit)
       UNION ALL
       (SELECT * FROM transfers WHERE credit_account_id = :account AND (CAST(:before AS bigint) IS NULL OR id < :before)
        ORDER BY id DESC LIMIT :limit)
       UNION ALL
       -- a wallet call's movement is its wallet transaction (migration 022), reached through the player's own rows
       (SELECT id, idempotency_key, kind, currency, amount, debit_account_id, credit_account_id, debit_balance_after,
               credit_balance_after, reference, created_at
        FROM wallet_movements WHERE player_id = (SELECT player_id FROM accounts WHERE id = :account)
          AND :account IN (debit_account_id, credit_account_id) AND (CAST(:before AS bigint) IS NULL OR id < :before)
        ORDER BY id DESC LIMIT :limit)
     ) AS t ORDER BY id DESC LIMIT :limit`,
    { account: accountId, before: beforeTransferId ?? null, limit },
  );
  return result.rows.map((row) => {
    const t = toTransfer(row);
    const outgoing = t.debitAccountId === accountId;
    return {
      transferId: t.id,
      kind: t.kind,
      amount: outgoing ? -t.amount : t.amount,
      balanceAfter: outgoing ? t.debitBalanceAfter : t.creditBalanceAfter,
      reference: row.reference,
      createdAt: t.createdAt,
    };
  });
}
